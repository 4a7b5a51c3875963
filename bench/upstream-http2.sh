#!/usr/bin/env bash
# Short requests through kapi proxy over HTTP/1.1 and over HTTP/2 streams to the same upstream:
# --upstream-http2=off against --upstream-http2=all, each a fresh process, alternately.
#
# The upstream is the shared nginx stand-in (../shared/bench/upstream.sh: TLS, bearer token, static discovery JSON)
# plus a second nginx on the same files with HTTP/2 on (ALPN h2, 1,000 streams per connection). Per process: 15 s
# of wrk load to warm up (JIT, pools), then 6 s measured (wrk -t2 -c32, GET /apis/batch/v1), the proxy's CPU per
# request over those 6 s, 10 downloads of the 14 MB body in a row, the proxy's TCP connections to the upstream, RSS.
#
# Usage: bench/upstream-http2.sh [ROUNDS]     (the CLI built; writes bench/results/upstream-http2-<UTC date>.txt)
set -euo pipefail
source "$(dirname "$0")/common.sh"
H2_PORT=$((UPSTREAM_PORT + 1))
OUT="$ROOT/bench/results/upstream-http2-$STAMP.txt"

"$BENCH/upstream.sh" "$DIR" "$UPSTREAM_PORT" >/dev/null
sed -e "s/$UPSTREAM_PORT ssl;/$H2_PORT ssl http2;\n    http2_max_concurrent_streams 1000;/" \
  -e "s#pid $DIR/nginx.pid#pid $DIR/nginx-h2.pid#" "$DIR/nginx.conf" > "$DIR/nginx-h2.conf"
nginx -c "$DIR/nginx-h2.conf"
trap 'kill "$(cat "$DIR/nginx.pid")" "$(cat "$DIR/nginx-h2.pid")" 2>/dev/null || true' EXIT

one() {
  local mode=$1 port pid c0 c1 out n
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "$ROOT/kapi" proxy --server "https://127.0.0.1:$H2_PORT" --certificate-authority "$DIR/ca.crt" \
    --token-file "$DIR/token" --port "$port" --upstream-http2="$mode" --admin-address=off >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 300); do curl -s -o /dev/null "http://127.0.0.1:$port/api" && break; sleep 0.1; done
  wrk -t2 -c32 -d15s "http://127.0.0.1:$port/apis/batch/v1" >/dev/null
  c0=$(cpu_ticks "$pid")
  out=$(wrk -t2 -c32 -d6s --latency "http://127.0.0.1:$port/apis/batch/v1")
  c1=$(cpu_ticks "$pid")
  n=$(echo "$out" | awk '/requests in/{print $1}')
  local t0 t1
  t0=$(date +%s.%N)
  for _ in $(seq 10); do curl -s -o /dev/null "http://127.0.0.1:$port/big"; done
  t1=$(date +%s.%N)
  printf '%s GETs/s=%s cpu_us_per_req=%s p99=%s big_MBps=%s upstream_connections=%s rss_MB=%s\n' "$mode" \
    "$(echo "$out" | awk '/Requests\/sec/{print $2}')" \
    "$(cpu_us_per_request "$c0" "$c1" "$n")" \
    "$(echo "$out" | awk '$1=="99%"{print $2}')" \
    "$(python3 -c "print(round(10*14.0/($t1-$t0),1))")" \
    "$(ss -Htn state established "dport = :$H2_PORT" | wc -l)" \
    "$(awk '/VmRSS/{printf "%.1f", $2/1024}' "/proc/$pid/status")"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

{
  echo "# kapi proxy, HTTP/1.1 against HTTP/2 to the upstream, $STAMP on $(nproc) cores, $(java -version 2>&1 | head -1)"
  for _ in $(seq "${1:-3}"); do one off; one all; done
} | tee "$OUT"
