#!/usr/bin/env bash
# Client benchmark: kapi-client vs fabric8 kubernetes-client vs the official Java client (and plain java.net.http for
# the first response), all against one real kube-apiserver + etcd started here (kapi-testing's launcher).
#   bench/client/run.sh [RUNS]   (RUNS fresh JVMs per client for the first response; default 7)
# Needs: ./mvnw -o install of kapi-config/kapi-client/kapi-testing, Maven Central the first time, envtest binaries.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
RUNS=${1:-7}
WORK=$(mktemp -d /tmp/kapi-client-bench.XXXXXX)
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
export KAPI_ENVTEST_BIN=${KAPI_ENVTEST_BIN:-$(bash "$ROOT/scripts/envtest-binaries.sh" | tail -n1)}

rm -rf "$HERE"/*/target/lib  # copy-dependencies never deletes: a jar dropped from a client must not stay measured
(cd "$HERE" && "$ROOT/mvnw" -B -q package && rm -f */target/app.jsa)

"$JAVA" -cp "$HERE/launcher/target/classes:$HERE/launcher/target/lib/*" bench.ApiServerLauncher "$WORK/api" > "$WORK/launcher.log" 2>&1 &
LAUNCHER=$!
trap 'kill $LAUNCHER 2>/dev/null; wait $LAUNCHER 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do [ -f "$WORK/api/ready" ] && break; sleep 1; done
[ -f "$WORK/api/ready" ] || { echo "API server did not start: $(tail -5 "$WORK/launcher.log")" >&2; exit 1; }
KC="$WORK/api/bench.kubeconfig"
NS=bench
cpath() { echo "$HERE/$1/target/classes:$HERE/$1/target/lib/*"; }
"$JAVA" -cp "$(cpath kapi)" bench.Bench seed "$KC" "$NS" 2500
# the in-cluster rows: the same server, token and CA as the kubeconfig, the way a Pod sees them
SA="$WORK/serviceaccount" && mkdir -p "$SA"
sed -n 's/.*token: \([^ }]*\).*/\1/p' "$KC" | tr -d '\n' > "$SA/token"
cp "$(sed -n 's/.*certificate-authority: \([^ }]*\).*/\1/p' "$KC")" "$SA/ca.crt"
printf '%s' "$NS" > "$SA/namespace"
SERVER=$(sed -n 's/.*server: https:\/\/\([^ ,}]*\).*/\1/p' "$KC")
export BENCH_POD_SA="$SA" BENCH_POD_HOST="${SERVER%:*}" BENCH_POD_PORT="${SERVER##*:}"

python3 "$HERE/measure.py" "$HERE" "$KC" "$NS" "$RUNS" "$JAVA"
