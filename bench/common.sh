# Sourced by the benchmarks (bench/proxy.sh, bench/startup.sh, bench/snapshot.sh, bench/watch-*.sh and others):
# where things are, each overridable from the environment, and the stamp that names this run's results.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH=${KAPI_SHARED_BENCH:-$ROOT/../shared/bench}
DIR=${KAPI_BENCH_DIR:-/tmp/kapi-bench}
UPSTREAM_PORT=${KAPI_BENCH_UPSTREAM_PORT:-16443}
STAMP=$(date -u +%Y%m%dT%H%M%SZ)

# The class path of the benches that drive a real API server from a single Java source file (WatchLatency,
# WatchFanout): kapi-proxy's test class path has the harness (kapi-testing), kapi-config and their dependencies.
harness_classpath() {
  local file
  file=$(mktemp)
  (cd "$ROOT" && ./mvnw -B -q -o dependency:build-classpath -pl kapi-proxy -Dmdep.includeScope=test \
    -Dmdep.outputFile="$file" -Dkapi.envtest.skip=true >&2)
  cat "$file"
  rm -f "$file"
}

# CPU time (user + system) a process has used so far, in clock ticks
cpu_ticks() {
  awk '{print $14+$15}' "/proc/$1/stat"
}

# microseconds of CPU per request: cpu_us_per_request TICKS_BEFORE TICKS_AFTER REQUESTS
cpu_us_per_request() {
  python3 -c "print(round(($2-$1)*1e6/$(getconf CLK_TCK)/$3,1))"
}
