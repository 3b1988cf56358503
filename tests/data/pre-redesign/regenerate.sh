#!/bin/sh
# Writes this directory's config.toml, secrets/ and expected/ with a gwctl built from the last
# release before the issue-11 redesign (commit 5833ea5). See README.md.
#
#   git worktree add /tmp/oldrel 5833ea5
#   (cd /tmp/oldrel && CARGO_TARGET_DIR=/tmp/target-oldrel cargo build)
#   OLD_GWCTL=/tmp/target-oldrel/debug/gwctl tests/data/pre-redesign/regenerate.sh
#
# The secrets are made-up test values (the same ones tests/pre_redesign_config.rs sets); the
# keys *.pem were made once with openssl and are only used here.
set -eu

OLD=${OLD_GWCTL:?set OLD_GWCTL to a gwctl built from commit 5833ea5}
HERE=$(cd "$(dirname "$0")" && pwd)
set -a
. "$HERE/secrets.env"
set +a
# The PEM keys as the test sets them: each file's exact text (the trailing newline kept).
PRERED_JWT_RS256_PEM=$(cat "$HERE/rs256.pem"; echo .) && export PRERED_JWT_RS256_PEM="${PRERED_JWT_RS256_PEM%.}"
PRERED_JWT_ES256_PEM=$(cat "$HERE/es256.pem"; echo .) && export PRERED_JWT_ES256_PEM="${PRERED_JWT_ES256_PEM%.}"

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/home" "$WORK/cfg"
export HOME="$WORK/home" GWCTL_CONFIG="$WORK/cfg/config.toml"
unset GWCTL_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_REGION AWS_DEFAULT_REGION

gw() { "$OLD" "$@"; }
add() { gw profile add "$@" </dev/null; }
add_stdin() { secret=$1; shift; printf %s "$secret" | gw profile add "$@" --secret-stdin; }

# --- profiles: one per scheme and notable option ---------------------------------------
add basic-mlflow --auth basic --username alice --url http://127.0.0.1:5000 --gateway mlflow \
    --store env:PRERED_BASIC_PASSWORD
add_stdin "$PRERED_SERVER_PASSWORD" basic-server --auth basic --username bob \
    --url http://127.0.0.1:5001/ --gateway mlflow-server --store file
add sigv4-apigw --auth sigv4 --access-key-id AKIDEXAMPLE --region us-east-1 --service execute-api \
    --url https://abc123.execute-api.us-east-1.amazonaws.com/prod --gateway aws \
    --iam-endpoint http://127.0.0.1:5000/ --sts-endpoint http://127.0.0.1:5000/ \
    --store env:PRERED_SIGV4_SECRET
add sigv4-session --auth sigv4 --access-key-id ASIAEXAMPLESESSION01 --region eu-west-1 --service bedrock \
    --url https://bedrock-runtime.eu-west-1.amazonaws.com --gateway aws --store env:PRERED_SIGV4_SESSION
add sigv4-process --auth sigv4 --region us-west-2 --service sagemaker \
    --store 'command:printenv PRERED_CREDENTIAL_PROCESS'
add apipark --auth apipark --access-key-id AKAPIPARKEXAMPLE01 --url http://127.0.0.1:8099/api \
    --gateway generic --store env:PRERED_APIPARK_SECRET
add_stdin "$PRERED_APIPARK_ROT_SECRET" apipark-rotating --auth apipark --access-key-id AKAPIPARKROTATE01 \
    --url http://127.0.0.1:8099/api --store file
add huawei --auth huawei --access-key-id HWAKEXAMPLE0000001 --url https://apig.cn-north-4.myhuaweicloud.com \
    --gateway generic --store env:PRERED_HUAWEI_SECRET
# AK/SK signing ignores region and service, but the old release kept them and used them when
# `--auth sigv4` overrides the profile's scheme for one call (a custom domain: nothing to infer
# them from).
add huawei-scoped --auth huawei --access-key-id HWAKEXAMPLE0000002 --region cn-north-4 --service execute-api \
    --url https://gateway.example.com/prod --store env:PRERED_HUAWEI_SECRET
add jwt-hs256 --auth jwt --alg HS256 --iss https://issuer.example --sub svc-batch --aud gateway --aud mlflow \
    --ttl 15m --kid hs-2026 --claim scope=chat --claim tier=2 --claim 'team={"name":"ml","admin":false}' \
    --no-jti --url http://127.0.0.1:5000 --gateway mlflow --store env:PRERED_JWT_HS256
add jwt-hs512-b64 --auth jwt --alg HS512 --aud gateway --ttl 300 --no-jti --url http://127.0.0.1:5000 \
    --store env:PRERED_JWT_HS512
add jwt-default --auth jwt --url http://127.0.0.1:5000 --store env:PRERED_JWT_HS256
add jwt-rs256 --auth jwt --alg RS256 --iss https://issuer.example --aud gateway --ttl 1h --kid rsa-pkcs1 \
    --no-jti --url http://127.0.0.1:5000 --store env:PRERED_JWT_RS256_PEM
add jwt-es256 --auth jwt --alg ES256 --iss https://issuer.example --aud gateway --kid ec-sec1 \
    --url http://127.0.0.1:5000 --store env:PRERED_JWT_ES256_PEM
gw profile add jwt-eddsa --auth jwt --alg EdDSA --iss https://issuer.example --aud gateway --ttl 10m \
    --kid ed-first --no-jti --url http://127.0.0.1:5000 --store file --key-file "$HERE/ed25519.pem" </dev/null
add bearer --auth bearer --url http://127.0.0.1:5000 --gateway mlflow-server --store env:PRERED_BEARER_TOKEN
gw profile use sigv4-apigw

# --- rotations under way (no network: gateway-managed AK/SK, and a JWT key pair) ---------
printf '%s %s' AKAPIPARKPENDING01 "$PRERED_APIPARK_PENDING_SECRET" |
    gw keys rotate --profile apipark-rotating --yes --new-secret-stdin >/dev/null
gw keys rotate --profile jwt-eddsa --yes >/dev/null

# --- record ------------------------------------------------------------------------------
rm -rf "$HERE/secrets" "$HERE/expected"
mkdir -p "$HERE/expected/sign" "$HERE/expected/show" "$HERE/expected/jwks"
cp "$GWCTL_CONFIG" "$HERE/config.toml"
cp -R "$WORK/cfg/secrets" "$HERE/secrets"

T=20261201T120000Z
BODY='{"messages":[{"role":"user","content":"hi"}]}'
for p in $(gw profile list --format json | python3 -c 'import json,sys; print(" ".join(x["name"] for x in json.load(sys.stdin)))'); do
    url=/v1/chat/completions
    [ "$p" = sigv4-process ] && url=https://runtime.sagemaker.us-west-2.amazonaws.com/endpoints/ep/invocations
    gw sign --profile "$p" --time "$T" --format json -H 'Content-Type: application/json' -d "$BODY" "$url" \
        >"$HERE/expected/sign/$p.json"
    gw profile show "$p" --format json >"$HERE/expected/show/$p.json"
    case $p in jwt-rs256 | jwt-es256 | jwt-eddsa) gw keys jwks --profile "$p" >"$HERE/expected/jwks/$p.json" ;; esac
done
gw sign --profile sigv4-apigw --time "$T" --presign --expires 600 /models >"$HERE/expected/sign/sigv4-apigw.presign.txt"
gw sign --profile sigv4-session --time "$T" --presign /model/m/invoke >"$HERE/expected/sign/sigv4-session.presign.txt"
gw sign --profile sigv4-apigw --time "$T" --format headers >"$HERE/expected/sign/default-profile.headers.txt" /models
# `--auth` with a profile of another scheme: credentials from the environment, the rest from the profile.
AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=$PRERED_SIGV4_SECRET \
    gw sign --profile huawei-scoped --auth sigv4 --time "$T" --format json /models \
    >"$HERE/expected/sign/huawei-scoped.as-sigv4.json"
GWCTL_TOKEN=$PRERED_BEARER_TOKEN gw sign --profile basic-mlflow --auth bearer --time "$T" --format json \
    /v1/models >"$HERE/expected/sign/basic-mlflow.as-bearer.json"
gw profile list --format json >"$HERE/expected/list.json"
gw profile list >"$HERE/expected/list.txt"
echo "wrote $HERE"
