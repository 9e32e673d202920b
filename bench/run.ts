/**
 * Runs the benchmarks by hand: `node out/bench/run.js [packaging|sizes|activation|packagingThroughput|analysis|webview|redeploy|overhead|memory|runLocally|parallelPackaging|rebuild]`.
 * Not part of the test suite; numbers go into docs/benchmarks.md.
 */
import * as os from 'node:os';
import { activationBench } from './activation.bench';
import { analysisBench } from './analysis.bench';
import { memoryBench } from './memory.bench';
import { overheadBench } from './overhead.bench';
import { packagingBench } from './packaging.bench';
import { packagingThroughputBench } from './packagingThroughput.bench';
import { parallelPackagingBench } from './parallelPackaging.bench';
import { rebuildBench } from './rebuild.bench';
import { redeployBench } from './redeploy.bench';
import { runLocallyBench } from './runLocally.bench';
import { sizesBench } from './sizes.bench';
import { webviewBench } from './webview.bench';

const BENCHES: Record<string, () => Promise<void>> = {
  packaging: packagingBench,
  sizes: sizesBench,
  activation: activationBench,
  packagingThroughput: packagingThroughputBench,
  parallelPackaging: parallelPackagingBench,
  analysis: analysisBench,
  webview: webviewBench,
  redeploy: redeployBench,
  rebuild: rebuildBench,
  overhead: overheadBench,
  memory: memoryBench,
  runLocally: runLocallyBench,
};

async function main(): Promise<void> {
  const names = process.argv.slice(2);
  const unknown = names.filter((n) => !(n in BENCHES));
  if (unknown.length) {
    console.error(`Unknown benchmark ${unknown.join(', ')}; choose from ${Object.keys(BENCHES).join(', ')}.`);
    process.exit(2);
  }
  const cpus = os.cpus();
  console.log(
    `Node ${process.version}, ${cpus.length} × ${cpus[0]?.model ?? 'CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.release()}, ${new Date().toISOString()}`,
  );
  for (const name of names.length ? names : Object.keys(BENCHES)) {
    console.log(`\n## ${name}\n`);
    await BENCHES[name]();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : String(err));
  process.exit(1);
});
