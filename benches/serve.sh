#!/usr/bin/env bash
# `gwctl serve` verifying SigV4 on every request vs nginx returning a static answer, both driven
# by the same load generator (wrk, 64 connections) in the same run, alternating, on this machine's
# cores. The SigV4 request is a presigned URL (X-Amz-Expires 7 days) signed once by `gwctl sign`:
# it stays valid for every request, and serve still rebuilds its canonical request and checks the
# signature each time (there is no cache). Figures in BENCHMARKS.md.
# Needs: nginx, wrk (installed with apt-get when missing and run as root), python3, curl.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10s}
ROUNDS=${ROUNDS:-2}
CONNS=64
if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get install -y wrk >/dev/null
  else
    echo "wrk is missing: apt-get install wrk" >&2
    exit 1
  fi
fi
[ -n "${GW:-}" ] || cargo build --release --quiet
GW=${GW:-${CARGO_TARGET_DIR:-$PWD/target}/release/gwctl}
work=$(mktemp -d)
cleanup() {
  [ -n "${serve_pid:-}" ] && kill "$serve_pid" 2>/dev/null || true
  nginx -p "$work" -c "$work/nginx.conf" -s stop 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
nport=$(free_port)
sport=$(free_port)
mkdir -p "$work"/{body,proxy,fastcgi,uwsgi,scgi}
cat > "$work/nginx.conf" <<CONF
$( [ "$(id -u)" = 0 ] && echo "user root;" )
worker_processes auto;
pid $work/nginx.pid;
error_log $work/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/body; proxy_temp_path $work/proxy; fastcgi_temp_path $work/fastcgi;
  uwsgi_temp_path $work/uwsgi; scgi_temp_path $work/scgi;
  server { listen 127.0.0.1:$nport; location / { default_type application/json; return 200 '{"name":"chat","endpoint_type":"llm/v1/chat"}'; } }
}
CONF
nginx -p "$work" -c "$work/nginx.conf"

export GWCTL_CONFIG=$work/config.toml BENCH_SK=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY
"$GW" profile add bench --auth sigv4 --access-key-id AKIDEXAMPLE --region us-east-1 --service execute-api \
  --store env:BENCH_SK --url "http://127.0.0.1:$sport" 2>/dev/null
# The request log goes to /dev/null: it is still formatted and written for every request.
"$GW" serve --listen "127.0.0.1:$sport" --accept bench >"$work/serve.out" 2>/dev/null &
serve_pid=$!
for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$sport/health" && break; sleep 0.1; done
URL=$("$GW" sign -p bench --presign --expires 604800 "http://127.0.0.1:$sport/api/2.0/endpoints/chat")
# Checks: the presigned URL is accepted, a changed signature is refused.
[ "$(curl -s -o /dev/null -w '%{http_code}' "$URL")" = 200 ]
[ "$(curl -s -o /dev/null -w '%{http_code}' "${URL%?}0")" = 403 ] || [ "$(curl -s -o /dev/null -w '%{http_code}' "${URL%?}1")" = 403 ]

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "load: wrk -t2 -c$CONNS -d$DURATION, $ROUNDS rounds, alternating"
run() { wrk -t2 -c"$CONNS" -d"$DURATION" --latency "$1" | awk '/Requests\/sec/ {print $2} / 99%/ {p99=$2} /Non-2xx/ {print "NON-2xx " $5 > "/dev/stderr"} END {print p99}' | paste -sd' '; }
for r in $(seq "$ROUNDS"); do
  read -r n_rps n_p99 <<<"$(run "http://127.0.0.1:$nport/api/2.0/endpoints/chat")"
  read -r s_rps s_p99 <<<"$(run "$URL")"
  ratio=$(python3 -c "print(f'{$s_rps/$n_rps:.2f}')")
  echo "round $r: nginx static ${n_rps} req/s (p99 ${n_p99}) | gwctl serve SigV4-verified ${s_rps} req/s (p99 ${s_p99}) | ratio ${ratio}"
done
