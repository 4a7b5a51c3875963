#!/usr/bin/env bash
# Watch-event latency through kubectl proxy and kapi proxy on a real kube-apiserver (bench/WatchLatency.java).
# Usage: bench/watch-latency.sh [EVENTS]     needs the envtest binaries (scripts/envtest-binaries.sh), kubectl
# and the CLI built; prints a Markdown table and writes it to bench/results/watch-latency-<UTC date>.md.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CP_FILE=$(mktemp)
trap 'rm -f "$CP_FILE"' EXIT
# kapi-proxy's test classpath has the harness (kapi-testing), kapi-config and their dependencies
(cd "$ROOT" && ./mvnw -B -q -o dependency:build-classpath -pl kapi-proxy -Dmdep.includeScope=test \
  -Dmdep.outputFile="$CP_FILE" -Dkapi.envtest.skip=true >&2)
CP="$(cat "$CP_FILE")"
OUT="$ROOT/bench/results/watch-latency-$(date -u +%Y%m%dT%H%M%SZ).md"
java -cp "$CP" "$ROOT/bench/WatchLatency.java" "$ROOT/kapi" "${1:-100}" | tee "$OUT"
