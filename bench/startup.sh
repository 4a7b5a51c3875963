#!/usr/bin/env bash
# First response and idle memory of kubectl proxy and kapi proxy, started alternately, over the nginx TLS stand-in
# for the API server (bench/startup.py). Unlike ../shared/bench/proxy_bench.py, which polls for the first response
# by starting a curl process every 10 ms, this polls from inside its own process, so a proxy that takes longer to
# start is not also slowed by the poll; and it reads RSS a second time once the JVM has settled.
#
# Usage: bench/startup.sh [--starts N] [--settle SECONDS]    (needs nginx-light, kubectl, python3)
#   KAPI_BENCH_C1=1 adds kapi proxy on C1 alone; KAPI_BENCH_NO_BUILD=1 skips the build (see bench/proxy.sh)
# Writes bench/results/startup-<UTC date>.txt and .json.
set -euo pipefail
# shellcheck source=bench/common.sh
source "$(dirname "$0")/common.sh"
OUT="$ROOT/bench/results/startup-$STAMP"

SNAP=$("$ROOT/bench/snapshot.sh" "$DIR" "$UPSTREAM_PORT")
trap 'kill "$(cat "$DIR/nginx.pid")" 2>/dev/null || true; rm -rf "$SNAP"' EXIT
"$BENCH/upstream.sh" "$DIR" "$UPSTREAM_PORT" >/dev/null

KAPI="$SNAP/kapi proxy --server={server} --certificate-authority={ca} --token-file={token_file} --port={port}"
EXTRA=()
if [ -n "${KAPI_BENCH_C1:-}" ]; then
  EXTRA=(--proxy "kapiC1=env KAPI_JAVA_OPTS=-XX:TieredStopAtLevel=1 $KAPI")
fi
{
  echo "# kapi proxy start-up benchmark $STAMP on $(nproc) cores, $(uname -sr), $(java -version 2>&1 | head -1)"
  echo "# kubectl $(kubectl version --client 2>/dev/null | head -1)"
  python3 "$ROOT/bench/startup.py" --dir "$DIR" --upstream-port "$UPSTREAM_PORT" "$@" \
    --proxy 'kubectl=kubectl proxy --server={server} --certificate-authority={ca} --token={token} --port={port}' \
    --proxy "kapi=$KAPI" ${EXTRA[@]+"${EXTRA[@]}"}
} | tee "$OUT.txt"
grep '^{' "$OUT.txt" > "$OUT.json" || true
echo "results: $OUT.txt $OUT.json"
