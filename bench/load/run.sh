#!/usr/bin/env bash
# kapi proxy at scale, against a real kube-apiserver + etcd on loopback (kapi-testing's harness).
#
#   bench/load/run.sh watches [N]          N concurrent watches through the proxy (default 5000): memory per watch
#   bench/load/run.sh soak [SECONDS]       mixed GET/LIST/WATCH for SECONDS (default 600): failures, heap after GC
#
# Needs the CLI built (./mvnw -o install -DskipTests, or ./kapi once) and the envtest binaries
# (scripts/envtest-binaries.sh). Every connection stays on 127.0.0.1; every loop is bounded and stops by itself.
# KAPI_BENCH_PROXY_OPTS adds JVM flags for the proxy process, KAPI_BENCH_PROXY_ARGS flags for `kapi proxy` itself
# (e.g. --upstream-http2=off); results go to stdout as Markdown.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
what=${1:-watches}
shift || true

# 5,000 watches hold 5,000 client sockets here, 10,000 in the proxy and 5,000 in the API server.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

JAR=$(ls "$ROOT"/kapi-cli/target/kapi-cli-*.jar 2>/dev/null | grep -v -e sources -e tests | head -n1 || true)
[ -n "$JAR" ] || { echo "bench: build the CLI first (./mvnw -o -q install -DskipTests -Dkapi.envtest.skip=true)" >&2; exit 2; }
(cd "$HERE" && "$ROOT"/mvnw -B -q -o package -Dkapi.envtest.skip=true) >&2
CP="$HERE/target/classes:$(cat "$HERE/target/classpath.txt")"

case "$what" in
  watches) exec java -Xmx1g -cp "$CP" dev.kapi.bench.WatchScale "$JAR" "${1:-5000}" ;;
  soak) exec java -Xmx1g -cp "$CP" dev.kapi.bench.Soak "$JAR" "${1:-600}" ;;
  *) echo "usage: $0 watches [N] | soak [SECONDS]" >&2; exit 2 ;;
esac
