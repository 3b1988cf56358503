#!/usr/bin/env bash
# `gwctl invoke` (SigV4, profile with an env: secret) against `curl --aws-sigv4`, whole process,
# in one hyperfine run against a loopback nginx answering a static JSON body; then the same
# invoke with the secret in a real Secret Service (gnome-keyring in dbus-run-session), to show
# the keyring lookup's cost on its own. Figures in BENCHMARKS.md.
# Needs: nginx, curl, hyperfine, dbus, gnome-keyring (apt-get install nginx-light curl hyperfine dbus gnome-keyring).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -n "${GW:-}" ] || cargo build --release --quiet
GW=${GW:-$PWD/target/release/gwctl}
work=$(mktemp -d)
trap 'nginx -p "$work" -c "$work/nginx.conf" -s stop 2>/dev/null || true; rm -rf "$work"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$work"/{body,proxy,fastcgi,uwsgi,scgi}
cat > "$work/nginx.conf" <<CONF
$( [ "$(id -u)" = 0 ] && echo "user root;" )
worker_processes 1;
pid $work/nginx.pid;
error_log $work/error.log;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $work/body; proxy_temp_path $work/proxy; fastcgi_temp_path $work/fastcgi;
  uwsgi_temp_path $work/uwsgi; scgi_temp_path $work/scgi;
  server { listen 127.0.0.1:$port; location / { default_type application/json; return 200 '{"ok":true}'; } }
}
CONF
nginx -p "$work" -c "$work/nginx.conf"
export GWCTL_CONFIG=$work/config.toml BENCH_SK=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY
"$GW" profile add bench --auth sigv4 --access-key-id AKIDEXAMPLE --region us-east-1 --service execute-api \
  --store env:BENCH_SK 2>/dev/null
URL=http://127.0.0.1:$port/prod/invoke

echo "== gwctl invoke (env: secret) vs curl --aws-sigv4"
hyperfine -N --warmup 30 --runs 300 \
  "curl -s --aws-sigv4 aws:amz:us-east-1:execute-api --user AKIDEXAMPLE:$BENCH_SK -H Content-Type:application/json -d {\"x\":1} $URL" \
  "$GW invoke endpoint $URL -p bench -d {\"x\":1}"

echo "== the same with the secret in the Secret Service"
export HOME=$work/home XDG_RUNTIME_DIR=$work/run
mkdir -p "$HOME" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
dbus-run-session -- bash -c "
  printf %s pw | gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null 2>&1 &
  sleep 1
  printf %s \"\$BENCH_SK\" | '$GW' profile add bench-ss --auth sigv4 --access-key-id AKIDEXAMPLE --region us-east-1 \
    --service execute-api --store secret-service --secret-stdin 2>/dev/null
  hyperfine -N --warmup 10 --runs 100 \
    '$GW invoke endpoint $URL -p bench -d {\"x\":1}' \
    '$GW invoke endpoint $URL -p bench-ss -d {\"x\":1}'
  kill %1
"
