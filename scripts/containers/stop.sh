#!/bin/bash
# Stops the private dockerd that setup.sh started (its containers end with it), bounded:
# SIGTERM, then SIGKILL after 20 s. Safe to run when it is not running.
set -uo pipefail
SOCK=/run/devgem-docker.sock
EXEC_ROOT=/run/devgem-docker
PIDFILE=/run/devgem-docker.pid
pid=$(cat "$PIDFILE" 2>/dev/null || true)
if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
  kill "$pid"
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  echo "dockerd $pid stopped"
fi
umount "$EXEC_ROOT/netns/default" 2>/dev/null || true
rm -rf "$EXEC_ROOT" "$SOCK" "$PIDFILE"
