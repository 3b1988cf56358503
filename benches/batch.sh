#!/usr/bin/env bash
# gwctl invoke batch (SigV4 profile, env: store, 100,000 lines, concurrency 64) vs oha and a
# Python asyncio+httpx script, against nginx on loopback answering a fixed JSON body; then peak
# RSS for 10k vs 1M lines. Usage: [GW=gwctl] [ROUNDS=1] [SKIP_PYTHON=1] benches/batch.sh [N=100000].
# Needs nginx, cargo, python3.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
C=64
WORK=$(mktemp -d /tmp/gwctl-batch-bench.XXXXXX)
trap '[ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null; rm -rf "$WORK"' EXIT
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

echo "machine: $(nproc) cpu(s), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"

# nginx: a fixed JSON answer on POST.
mkdir -p "$WORK/logs"
cat > "$WORK/nginx.conf" <<CONF
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/logs/error.log crit;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $WORK/cb; proxy_temp_path $WORK/px; fastcgi_temp_path $WORK/fc;
  uwsgi_temp_path $WORK/uw; scgi_temp_path $WORK/sc;
  server {
    listen 127.0.0.1:$PORT;
    keepalive_requests 1000000;
    location / {
      default_type application/json;
      return 200 '{"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}';
    }
  }
}
CONF
nginx -c "$WORK/nginx.conf" -p "$WORK"
URL="http://127.0.0.1:$PORT/v1/chat/completions"

# gwctl, release, a SigV4 profile reading its keys from the environment.
[ -n "${GW:-}" ] || cargo build --release --quiet --bin gwctl
GW=${GW:-${CARGO_TARGET_DIR:-target}/release/gwctl}
export GWCTL_CONFIG="$WORK/config.toml" BENCH_SECRET=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY
"$GW" profile add bench --auth sigv4 --access-key-id AKIDEXAMPLE --store env:BENCH_SECRET --yes \
    --url "http://127.0.0.1:$PORT" --region us-east-1 --service execute-api >/dev/null

lines() { python3 -c "
import sys
for i in range(int(sys.argv[1])):
    print('{\"custom_id\":\"r%d\",\"url\":\"/v1/chat/completions\",\"body\":{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}}' % i)
" "$1"; }
lines "$N" > "$WORK/in.jsonl"

# oha from PATH, or where `cargo install oha --root .bench-tools` put it.
export PATH="$PWD/.bench-tools/bin:$PATH"
if ! command -v oha >/dev/null; then
  cargo install oha --locked --quiet --root "$PWD/.bench-tools" >/dev/null 2>&1 || true
fi
command -v oha >/dev/null || { echo "oha could not be installed"; exit 1; }

# ROUNDS alternations of gwctl and oha, each round's ratio from the same round.
for round in $(seq 1 "${ROUNDS:-1}"); do
  echo "== round $round: gwctl invoke batch ($N lines, --concurrency $C, SigV4 every request)"
  rm -f "$WORK/out.jsonl"
  CMD=("$GW" invoke batch "$WORK/in.jsonl" -o "$WORK/out.jsonl" --profile bench --concurrency $C --no-aimd --summary-json "$WORK/s.json")
  echo "\$ ${CMD[*]}"
  /usr/bin/time -f "wall %e s, user %U s, sys %S s, peak RSS %M KiB" "${CMD[@]}" 2>&1 | tail -4
  GWRPS=$(python3 -c "import json; s=json.load(open('$WORK/s.json')); print('%.1f' % s['requests_per_s'])")
  echo "gwctl: $(python3 -c "import json; print(json.load(open('$WORK/s.json'))['ok'])") ok, $GWRPS req/s"
  echo "== round $round: oha -n $N -c $C (same POST, unsigned)"
  OHA=$(oha -n "$N" -c $C --no-tui -m POST -H 'content-type: application/json' \
      -d '{"messages":[{"role":"user","content":"hi"}]}' "$URL")
  echo "$OHA" | grep -E 'Requests/sec|Total:'
  OHARPS=$(echo "$OHA" | awk '/Requests\/sec/ {print $2}')
  python3 -c "print('round $round: gwctl %s req/s, oha %s req/s, ratio %.2f' % ('$GWRPS', '$OHARPS', $GWRPS / $OHARPS))"
done

if [ -n "${SKIP_PYTHON:-}" ]; then
  echo "== python asyncio + httpx: skipped (SKIP_PYTHON)"
else
  echo "== python asyncio + httpx (c=$C)"
  [ -x "$WORK/venv/bin/python" ] || { python3 -m venv "$WORK/venv" && "$WORK/venv/bin/pip" -q install httpx; }
  "$WORK/venv/bin/python" benches/batch_httpx.py "$URL" "$N" $C
fi

echo "== peak RSS, 10k vs 1M lines"
for n in 10000 1000000; do
  lines "$n" > "$WORK/rss.jsonl"; rm -f "$WORK/rss-out.jsonl"
  /usr/bin/time -f "$n lines: peak RSS %M KiB, wall %e s" "$GW" invoke batch "$WORK/rss.jsonl" -o "$WORK/rss-out.jsonl" \
      --profile bench --concurrency $C 2>&1 | tail -1
done
