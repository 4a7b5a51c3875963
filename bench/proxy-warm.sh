#!/usr/bin/env bash
# kubectl proxy against kapi proxy once warm: the harness (bench/proxy.sh) measures 6 s that start 2 s after the
# first request, which on a slow machine is still the JIT's warm-up; this measures after WARM seconds of load.
#
# The upstream is the shared nginx stand-in (../shared/bench/upstream.sh). Each proxy is a fresh process, the two
# alternately for ROUNDS rounds; per process: WARM s of wrk load (wrk -t2 -c32, GET /apis/batch/v1), then 6 s
# measured the same way with --latency, the proxy's CPU per request over those 6 s, and its RSS after them.
#
# Usage: bench/proxy-warm.sh [ROUNDS [WARM]]   (defaults 3 and 15; the CLI built;
#                                              writes bench/results/proxy-warm-<UTC date>.txt)
set -euo pipefail
source "$(dirname "$0")/common.sh"
ROUNDS=${1:-3} WARM=${2:-15}
OUT="$ROOT/bench/results/proxy-warm-$STAMP.txt"

"$BENCH/upstream.sh" "$DIR" "$UPSTREAM_PORT" >/dev/null
trap 'kill "$(cat "$DIR/nginx.pid")" 2>/dev/null || true' EXIT
SERVER="https://127.0.0.1:$UPSTREAM_PORT"

# a percentile line of wrk --latency ("99%  12.34ms", or us, or s) in milliseconds
latency_ms() {
  echo "$1" | awk -v p="$2" '$1 == p { v = $2
    if (v ~ /us$/) { sub("us", "", v); v = v / 1000 } else if (v ~ /ms$/) { sub("ms", "", v) } else { sub("s", "", v); v = v * 1000 }
    print v }'
}

one() {
  local name=$1 port pid c0 c1 out n
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  case "$name" in
    kubectl) kubectl proxy --server="$SERVER" --certificate-authority="$DIR/ca.crt" --token="$(cat "$DIR/token")" \
               --port="$port" >/dev/null 2>&1 & ;;
    kapi) "$ROOT/kapi" proxy --server="$SERVER" --certificate-authority="$DIR/ca.crt" --token-file="$DIR/token" \
            --port="$port" >/dev/null 2>&1 & ;;
  esac
  pid=$!
  # until it serves: curl retries a refused connection and a 503 (API server not reached yet), once a second
  curl -s -o /dev/null --retry 60 --retry-delay 1 --retry-connrefused "http://127.0.0.1:$port/api"
  # ./kapi execs java, so $pid is the proxy itself, as it is for kubectl
  wrk -t2 -c32 -d"${WARM}s" "http://127.0.0.1:$port/apis/batch/v1" >/dev/null
  c0=$(cpu_ticks "$pid")
  out=$(wrk -t2 -c32 -d6s --latency "http://127.0.0.1:$port/apis/batch/v1")
  c1=$(cpu_ticks "$pid")
  n=$(echo "$out" | awk '/requests in/{print $1}')
  printf '{"name": "%s", "rps": %s, "p50_ms": %s, "p99_ms": %s, "cpu_us_per_req": %s, "rss_mb": %s}\n' "$name" \
    "$(echo "$out" | awk '/Requests\/sec/{print $2}')" "$(latency_ms "$out" 50%)" "$(latency_ms "$out" 99%)" \
    "$(cpu_us_per_request "$c0" "$c1" "$n")" \
    "$(awk '/VmRSS/{printf "%.1f", $2/1024}' "/proc/$pid/status")"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

{
  echo "# kubectl proxy against kapi proxy after ${WARM} s of load, $STAMP on $(nproc) cores, $(java -version 2>&1 | head -1)"
  echo "# kubectl $(kubectl version --client 2>/dev/null | head -1)"
  for _ in $(seq "$ROUNDS"); do one kubectl; one kapi; done
} | tee "$OUT"

python3 - "$OUT" <<'PY' | tee -a "$OUT"
import json, statistics, sys
runs = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
keys = ["rps", "p50_ms", "p99_ms", "cpu_us_per_req", "rss_mb"]
med = {n: {k: statistics.median(r[k] for r in runs if r["name"] == n) for k in keys} for n in ("kubectl", "kapi")}
print("\nmedians; ratio = kapi / kubectl")
print("%-10s" % "" + "".join("%16s" % k for k in keys))
for n in ("kubectl", "kapi"):
    print("%-10s" % n + "".join("%16s" % med[n][k] for k in keys))
print("%-10s" % "ratio" + "".join("%16.2f" % (med["kapi"][k] / med["kubectl"][k]) for k in keys))
PY
