#!/usr/bin/env bash
# Watch-event latency through kubectl proxy and kapi proxy on a real kube-apiserver (bench/WatchLatency.java).
# Usage: bench/watch-latency.sh [EVENTS]     needs the envtest binaries (scripts/envtest-binaries.sh), kubectl
# and the CLI built; prints a Markdown table and writes it to bench/results/watch-latency-<UTC date>.md.
set -euo pipefail
source "$(dirname "$0")/common.sh"
CP=$(harness_classpath)
OUT="$ROOT/bench/results/watch-latency-$STAMP.md"
java -cp "$CP" "$ROOT/bench/WatchLatency.java" "$ROOT/kapi" "${1:-100}" | tee "$OUT"
