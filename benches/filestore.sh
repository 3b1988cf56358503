#!/usr/bin/env bash
# The file store's cost per call (issue #12 item 20: a file-store `sign` under 50 ms after
# `gwctl unlock`), in one hyperfine run: a bearer profile whose token is in the age file store,
# signed with the passphrase in the environment (scrypt at every call), then after
# `gwctl unlock` (the store key comes from the kernel session keyring), against the same profile
# shape with an `env:` store as the anchor. Figures in BENCHMARKS.md.
# Needs: hyperfine (apt-get install hyperfine).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -n "${GW:-}" ] || cargo build --release --quiet
GW=${GW:-$PWD/target/release/gwctl}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GWCTL_CONFIG=$work/config.toml BENCH_TOKEN=tok-0123456789
URL=https://gw.example/v1/chat/completions
printf %s "$BENCH_TOKEN" | GWCTL_FILE_PASSPHRASE=bench-pass "$GW" profile add f --auth bearer --store file \
  --secret-stdin 2>/dev/null
"$GW" profile add e --auth bearer --store env:BENCH_TOKEN 2>/dev/null
# A session keyring of this run's own, so the unlock is not shared with the caller (keyctl
# JOIN_SESSION_KEYRING; 250 is keyctl's system call number on x86_64).
[ "$(uname -m)" = x86_64 ] || { echo "benches/filestore.sh: x86_64 only (raw keyctl call)" >&2; exit 1; }
keyctl_session() { python3 -c 'import ctypes,os,sys; l=ctypes.CDLL(None); l.syscall(250, 1, None); os.execvp(sys.argv[1], sys.argv[1:])' "$@"; }
keyctl_session bash -c "
  set -e
  hyperfine -N --warmup 1 --runs 5 'env GWCTL_FILE_PASSPHRASE=bench-pass $GW sign -p f $URL'
  printf %s bench-pass | GWCTL_FILE_PASSPHRASE=bench-pass '$GW' unlock --ttl 10m
  hyperfine -N --warmup 10 --runs 200 'env X=1 $GW sign -p f $URL' 'env X=1 $GW sign -p e $URL'
"
