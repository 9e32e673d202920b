import { monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * Watches the main thread for stalls. `monitorEventLoopDelay` gives the wall
 * time the loop was late; on a loaded machine most of that is the process
 * waiting for a core, not work on this thread. So a tick also reads this
 * thread's own CPU time (process.threadCpuUsage): a stall is a gap in which
 * the main thread itself ran for more than the limit without yielding.
 */
export function watchStalls(tickMs = 5): { stop(): { worstBusyMs: number; maxDelayMs: number; p99DelayMs: number } } {
  const histogram = monitorEventLoopDelay({ resolution: tickMs });
  histogram.enable();
  const cpuMs = () => {
    const u = process.threadCpuUsage();
    return (u.user + u.system) / 1000;
  };
  let lastCpu = cpuMs();
  let worstBusyMs = 0;
  const timer = setInterval(() => {
    const now = cpuMs();
    worstBusyMs = Math.max(worstBusyMs, now - lastCpu);
    lastCpu = now;
  }, tickMs);
  return {
    stop() {
      clearInterval(timer);
      histogram.disable();
      return { worstBusyMs, maxDelayMs: histogram.max / 1e6, p99DelayMs: histogram.percentile(99) / 1e6 };
    },
  };
}
