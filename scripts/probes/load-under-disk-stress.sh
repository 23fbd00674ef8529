#!/usr/bin/env bash
# The load benchmark's SQLite run (2,000 connections, 200 docs, 1,000 updates/s, 20 s, seed 7) against a
# given server jar while dd writes 2 GB and fsyncs it, three times, during the measured phase: reproduces on
# purpose the disk stalls that other tenants' builds cause. Writes 2 GB at a time to /tmp (removed after).
# Usage: scripts/probes/load-under-disk-stress.sh SERVER_JAR   (build loadtest first; docs/benchmarks.md)
set -uo pipefail
jar=${1:?usage: $0 SERVER_JAR}
root="$(cd "$(dirname "$0")/../.." && pwd)"
( sleep 8; for i in 1 2 3; do dd if=/dev/zero of=/tmp/lb-dd bs=1M count=2000 conv=fsync 2>&1 | tail -1; rm -f /tmp/lb-dd; done ) &
ddpid=$!
java -Xms1g -Xmx2g -jar "$root/loadtest/target/loadbench.jar" --start-server --server-jar "$jar" --storage sqlite \
  --connections 2000 --docs 200 --rate 1000 --duration 20 --warmup 3 --ramp 500 --seed 7
code=$?
wait $ddpid
rm -f /tmp/lb-dd
exit $code
