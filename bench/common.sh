# Sourced by the proxy benchmarks (bench/proxy.sh, bench/startup.sh, bench/snapshot.sh): where things are, each overridable from the
# environment, and the stamp that names this run's results.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH=${KAPI_SHARED_BENCH:-$ROOT/../shared/bench}
DIR=${KAPI_BENCH_DIR:-/tmp/kapi-bench}
UPSTREAM_PORT=${KAPI_BENCH_UPSTREAM_PORT:-16443}
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
