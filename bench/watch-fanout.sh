#!/usr/bin/env bash
# Many watches through one ambassador on a real kube-apiserver (bench/WatchFanout.java): kubectl proxy, kapi proxy
# with --upstream-http2=off and kapi proxy with its default (watches multiplexed over HTTP/2).
# Usage: bench/watch-fanout.sh [WATCHES [WARM_UP_ROUNDS]]     needs the envtest binaries (scripts/envtest-binaries.sh),
# kubectl, ss and the CLI built; prints a Markdown table and writes it to bench/results/watch-fanout-<UTC date>.md.
set -euo pipefail
source "$(dirname "$0")/common.sh"
CP=$(harness_classpath)
OUT="$ROOT/bench/results/watch-fanout-$STAMP.md"
ulimit -n 65536 2>/dev/null || true
java -Xss256k -cp "$CP" "$ROOT/bench/WatchFanout.java" "$ROOT/kapi" "${1:-1000}" "${2:-1}" | tee "$OUT"
