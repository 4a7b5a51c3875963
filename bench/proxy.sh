#!/usr/bin/env bash
# kubectl proxy vs kapi proxy, side by side in one run, over the nginx TLS stand-in for the API server
# (../shared/bench/proxy_bench.py, which alternates the two for --rounds rounds).
#
# Usage: bench/proxy.sh [--rounds N] [--seconds S]        (needs nginx-light, wrk, curl, kubectl, python3)
#   KAPI_BENCH_C1=1 adds a third contender: kapi proxy on C1 alone (-XX:TieredStopAtLevel=1: quicker start,
#   slower once warm)
#   KAPI_BENCH_ALT='NAME=JVM FLAGS' adds a contender: kapi proxy with those flags in KAPI_JAVA_OPTS (A/B of a flag)
#   KAPI_BENCH_REV=GIT_REV adds a contender: kapi proxy built from that revision (A/B of a code change, same run)
#   KAPI_BENCH_NO_BUILD=1 skips the build (when kapi-cli/target is known to be current)
# Writes bench/results/proxy-<UTC date>.txt (everything printed) and .json (one result per line).
# Its 6 s of load start 2 s after the first request; bench/proxy-warm.sh measures the two after 15 s of load.
#
# kapi runs from a snapshot of the build with its own class-data-sharing archive (bench/snapshot.sh).
set -euo pipefail
# shellcheck source=bench/common.sh
source "$(dirname "$0")/common.sh"
OUT="$ROOT/bench/results/proxy-$STAMP"

SNAP=$("$ROOT/bench/snapshot.sh" "$DIR" "$UPSTREAM_PORT")
REV_SNAP=
trap 'rm -rf "$SNAP" ${REV_SNAP:+"$REV_SNAP"}' EXIT

EXTRA=()
if [ -n "${KAPI_BENCH_C1:-}" ]; then
  EXTRA=(--proxy "kapiC1=env KAPI_JAVA_OPTS=-XX:TieredStopAtLevel=1 $SNAP/kapi proxy --server={server} --certificate-authority={ca} --token-file={token_file} --port={port}")
fi
if [ -n "${KAPI_BENCH_ALT:-}" ]; then
  EXTRA+=(--proxy "${KAPI_BENCH_ALT%%=*}=env KAPI_JAVA_OPTS='${KAPI_BENCH_ALT#*=}' $SNAP/kapi proxy --server={server} --certificate-authority={ca} --token-file={token_file} --port={port}")
fi
if [ -n "${KAPI_BENCH_REV:-}" ]; then
  REV_SNAP=$("$ROOT/bench/snapshot.sh" "$DIR" "$UPSTREAM_PORT" "$KAPI_BENCH_REV")
  EXTRA+=(--proxy "kapi@$KAPI_BENCH_REV=$REV_SNAP/kapi proxy --server={server} --certificate-authority={ca} --token-file={token_file} --port={port}")
fi
{
  echo "# kapi proxy benchmark $STAMP on $(nproc) cores, $(uname -sr), $(java -version 2>&1 | head -1)"
  echo "# kubectl $(kubectl version --client 2>/dev/null | head -1)"
  echo "# launcher JVM flags for proxy: $(sed -n '/^case .*proxy) PROXY=(/,/)$/p' "$ROOT/kapi" | tr -d '\\\n' \
    | sed 's/^case[^(]*(//; s/).*//; s/  */ /g') + -XX:+UseSerialGC + CDS archive"
  python3 "$BENCH/proxy_bench.py" --dir "$DIR" --upstream-port "$UPSTREAM_PORT" "$@" \
    --proxy 'kubectl=kubectl proxy --server={server} --certificate-authority={ca} --token={token} --port={port}' \
    --proxy "kapi=$SNAP/kapi proxy --server={server} --certificate-authority={ca} --token-file={token_file} --port={port}" \
    ${EXTRA[@]+"${EXTRA[@]}"}
} | tee "$OUT.txt"
grep '^{' "$OUT.txt" > "$OUT.json" || true
echo "results: $OUT.txt $OUT.json"
