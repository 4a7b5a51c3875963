#!/usr/bin/env bash
# kubectl proxy vs kapi proxy, side by side in one run, over the nginx TLS stand-in for the API server
# (../shared/bench/proxy_bench.py, which alternates the two for --rounds rounds).
#
# Usage: bench/proxy.sh [--rounds N] [--seconds S]        (needs nginx-light, wrk, curl, kubectl, python3)
#   KAPI_BENCH_C1=1 adds a third contender: kapi proxy on C1 alone (-XX:TieredStopAtLevel=1: quicker start,
#   slower once warm)
#   KAPI_BENCH_ALT='NAME=JVM FLAGS' adds a contender: kapi proxy with those flags in KAPI_JAVA_OPTS (A/B of a flag)
#   KAPI_BENCH_NO_BUILD=1 skips the build (when kapi-cli/target is known to be current)
# Writes bench/results/proxy-<UTC date>.txt (everything printed) and .json (one result per line).
#
# kapi runs from a snapshot of the build (the launcher plus kapi-cli/target, copied to a temp dir) so that a
# source change elsewhere in the repo cannot trigger the launcher's rebuild in the middle of a measurement; the
# snapshot's launcher is the repo's ./kapi, unchanged, so the JVM flags measured are the ones users get. A
# class-data-sharing archive is trained for it first (bench/cds-train.sh).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH=${KAPI_SHARED_BENCH:-$ROOT/../shared/bench}
DIR=${KAPI_BENCH_DIR:-/tmp/kapi-bench}
UPSTREAM_PORT=${KAPI_BENCH_UPSTREAM_PORT:-16443}
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT="$ROOT/bench/results/proxy-$STAMP"

# build the CLI (and what it needs) unless told the build is current; tests are not compiled
if [ -z "${KAPI_BENCH_NO_BUILD:-}" ]; then
  (cd "$ROOT" && ./mvnw -q -B -Dmaven.test.skip=true -Dkapi.envtest.skip=true package -pl kapi-cli -am)
fi

SNAP=$(mktemp -d /tmp/kapi-snapshot.XXXXXX)
trap 'rm -rf "$SNAP"' EXIT
mkdir -p "$SNAP/kapi-cli/target"
cp "$ROOT/kapi" "$SNAP/kapi"
cp -r "$ROOT"/kapi-cli/target/kapi-cli-*.jar "$ROOT/kapi-cli/target/lib" "$SNAP/kapi-cli/target/"
if [ -d "$ROOT/kapi-cli/target/native" ]; then cp -r "$ROOT/kapi-cli/target/native" "$SNAP/kapi-cli/target/"; fi

# a TLS upstream for the training run, stopped again before the benchmark starts its own
"$BENCH/upstream.sh" "$DIR" "$UPSTREAM_PORT" >/dev/null
"$ROOT/bench/cds-train.sh" "$SNAP" "https://127.0.0.1:$UPSTREAM_PORT" "$DIR/ca.crt" "$DIR/token"
kill "$(cat "$DIR/nginx.pid")"; sleep 0.5

EXTRA=()
if [ -n "${KAPI_BENCH_C1:-}" ]; then
  EXTRA=(--proxy "kapiC1=env KAPI_JAVA_OPTS=-XX:TieredStopAtLevel=1 $SNAP/kapi proxy --server={server} --certificate-authority={ca} --token-file={token_file} --port={port}")
fi
if [ -n "${KAPI_BENCH_ALT:-}" ]; then
  EXTRA+=(--proxy "${KAPI_BENCH_ALT%%=*}=env KAPI_JAVA_OPTS='${KAPI_BENCH_ALT#*=}' $SNAP/kapi proxy --server={server} --certificate-authority={ca} --token-file={token_file} --port={port}")
fi
{
  echo "# kapi proxy benchmark $STAMP on $(nproc) cores, $(uname -sr), $(java -version 2>&1 | head -1)"
  echo "# kubectl $(kubectl version --client 2>/dev/null | head -1)"
  echo "# launcher JVM flags for proxy: $(grep -E '^case .*proxy\) PROXY=' "$ROOT/kapi" | sed 's/^case[^)]*) //') + -XX:+UseSerialGC + CDS archive"
  python3 "$BENCH/proxy_bench.py" --dir "$DIR" --upstream-port "$UPSTREAM_PORT" "$@" \
    --proxy 'kubectl=kubectl proxy --server={server} --certificate-authority={ca} --token={token} --port={port}' \
    --proxy "kapi=$SNAP/kapi proxy --server={server} --certificate-authority={ca} --token-file={token_file} --port={port}" \
    ${EXTRA[@]+"${EXTRA[@]}"}
} | tee "$OUT.txt"
grep '^{' "$OUT.txt" > "$OUT.json" || true
echo "results: $OUT.txt $OUT.json"
