#!/usr/bin/env bash
# Whole-process benchmarks (figures in BENCHMARKS.md):
#  1. `gwctl sign` start-to-exit against jwt-cli's `jwt encode -A HS256` (hyperfine, same run);
#  2. signing a 1 GiB file body against `sha256sum` of the same file (hyperfine), with gwctl's
#     peak memory (GNU time's maximum resident set size).
# Usage: [GW=gwctl] [ROUNDS=1] [BASE=an earlier gwctl] [INTERLEAVE=2000] [SKIP_BIGFILE=1]
#        benches/process.sh
# Needs: hyperfine and GNU time (apt-get install hyperfine time), jwt-cli (cargo install jwt-cli),
# python3.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -n "${GW:-}" ] || cargo build --release --quiet
GW=${GW:-target/release/gwctl}
# jwt-cli from PATH, or where `cargo install jwt-cli --root .bench-tools` put it.
export PATH="$PWD/.bench-tools/bin:$PATH"
DATA=bench-data
mkdir -p "$DATA"
BIG="$DATA/1GiB.bin"
if [ -z "${SKIP_BIGFILE:-}" ] && { [ ! -f "$BIG" ] || [ "$(stat -c %s "$BIG")" != 1073741824 ]; }; then
  head -c 1073741824 /dev/urandom > "$BIG"
fi

export AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY
export GWCTL_JWT_KEY=a-32-byte-shared-secret-for-hs256
URL=https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-3-haiku-20240307-v1:0/invoke

# jwt-cli is run two ways: with a relative expiry like gwctl's --ttl (`--exp=+5min`, which it
# parses with a regex compiled at every start: most of its time), and with the same expiry as an
# absolute timestamp (its fast path). Both tokens carry the same claims as gwctl's.
EXP=$(( $(date +%s) + 300 ))
echo "== 1. whole process: gwctl sign vs jwt-cli ($(jwt --version))"
# ROUNDS hyperfine runs (default 1), each with every command; BASE=path adds an earlier gwctl
# build's `sign --auth sigv4` to each run. Each run's means and ratios to jwt-cli's fast path
# are printed from the same run.
CMDS=("jwt encode -A HS256 -S $GWCTL_JWT_KEY -i issuer -a gateway --exp=+5min -P scope=invoke"
  "jwt encode -A HS256 -S $GWCTL_JWT_KEY -i issuer -a gateway --exp=$EXP -P scope=invoke"
  "$GW sign --auth jwt --alg HS256 --iss issuer --aud gateway --ttl 300 --claim scope=invoke $URL"
  "$GW sign --auth sigv4 -H Content-Type:application/json -d {\"prompt\":\"hi\"} $URL")
[ -z "${BASE:-}" ] || CMDS+=("$BASE sign --auth sigv4 -H Content-Type:application/json -d {\"prompt\":\"hi\"} $URL")
for round in $(seq 1 "${ROUNDS:-1}"); do
  hyperfine -N --warmup 50 --runs 500 --export-markdown "$DATA/process-$round.md" \
    --export-json "$DATA/process-$round.json" "${CMDS[@]}"
  python3 - "$DATA/process-$round.json" "$round" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
fast = r[1]["mean"]
print(f"round {sys.argv[2]}: means, and ratio to jwt-cli's fast path (--exp=<timestamp>)")
for x in r:
    print(f"  {x['mean'] * 1e3:6.3f} ms  {x['mean'] / fast:5.2f}x  {x['command'][:90]}")
PY
done
# The same commands interleaved (benches/interleave.py: one run of each, shuffled), which a machine
# whose speed drifts over seconds cannot tilt; its spawn overhead is the same for every command.
# Ratios are to the first command, jwt-cli's fast path; its `--exp=+5min` form is left out (3x
# slower, and it evicts the caches the command after it starts with).
echo "== 1b. the same commands but jwt-cli --exp=+5min, interleaved"
python3 benches/interleave.py "${INTERLEAVE:-2000}" 50 "${CMDS[1]}" "${CMDS[@]:2}"

[ -z "${SKIP_BIGFILE:-}" ] || exit 0
echo "== 2. 1 GiB body: gwctl sign -d @FILE vs sha256sum (page cache warm)"
cat "$BIG" > /dev/null
hyperfine -N --warmup 2 --runs 10 --export-markdown "$DATA/bigfile.md" \
  "sha256sum $BIG" \
  "$GW sign --auth sigv4 -d @$BIG $URL"
echo "== peak memory (maximum resident set size)"
for cmd in "sha256sum $BIG" "$GW sign --auth sigv4 -d @$BIG $URL"; do
  /usr/bin/time -f "%M KiB  $cmd" $cmd > /dev/null
done
