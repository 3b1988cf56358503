"""An independent OAuth2 client for tests/serve_oauth2.rs: `requests` and PyJWT against
`gwctl serve --oauth2-client`.

Usage: serve_oauth2_client.py BASE_URL CLIENT_ID   (the client secret in $CLIENT_SECRET; a token
gwctl got, to verify too, in $GWCTL_TOKEN)

Discovery, client_secret_basic and client_secret_post token requests (RFC 6749 §4.4, §2.3.1),
the access token's RS256 signature and claims checked by PyJWT against the published JWKS, the
token used on a gateway route, and the RFC 6749 §5.2 errors. Prints one line per check; exits 1
with the failed check on stderr.
"""
import base64
import json
import os
import sys
from urllib.parse import quote

import jwt
import requests


def check(cond, what):
    if not cond:
        print(f"FAILED: {what}", file=sys.stderr)
        sys.exit(1)
    print(f"ok: {what}")


def main():
    base, client_id = sys.argv[1], sys.argv[2]
    secret = os.environ["CLIENT_SECRET"]
    s = requests.Session()

    meta = s.get(f"{base}/.well-known/openid-configuration", timeout=10).json()
    check(meta["issuer"] == base, f"discovery issuer {meta['issuer']}")
    check(meta["token_endpoint"] == f"{base}/oauth2/token", "discovery token_endpoint")
    check(meta["jwks_uri"] == f"{base}/oauth2/jwks", "discovery jwks_uri")
    check(
        set(meta["token_endpoint_auth_methods_supported"]) == {"client_secret_basic", "client_secret_post"},
        "discovery auth methods",
    )
    rfc8414 = s.get(f"{base}/.well-known/oauth-authorization-server", timeout=10).json()
    check(rfc8414 == meta, "RFC 8414 metadata is the same document")
    token_url = meta["token_endpoint"]
    jwks = s.get(meta["jwks_uri"], timeout=10).json()
    keyset = jwt.PyJWKSet.from_dict(jwks)
    check(len(keyset.keys) == 1 and keyset.keys[0].key_type == "RSA", "JWKS: one RSA key")

    def verify(token, scope=None):
        kid = jwt.get_unverified_header(token)["kid"]
        key = next(k for k in keyset.keys if k.key_id == kid)
        claims = jwt.decode(token, key.key, algorithms=["RS256"], audience=base, issuer=base)
        check(claims["sub"] == client_id and claims["client_id"] == client_id, "token sub and client_id")
        check(claims["exp"] - claims["iat"] == 3600 and claims.get("jti"), "token exp and jti")
        if scope is not None:
            check(claims.get("scope") == scope, f"token scope {scope!r}")
        return claims

    # client_secret_basic: RFC 6749 §2.3.1 form-encodes id and secret before base64.
    basic = base64.b64encode(f"{quote(client_id, safe='')}:{quote(secret, safe='')}".encode()).decode()
    r = s.post(
        token_url,
        data={"grant_type": "client_credentials", "scope": "models:invoke  models:list"},
        headers={"Authorization": f"Basic {basic}"},
        timeout=10,
    )
    check(r.status_code == 200, f"client_secret_basic: HTTP {r.status_code} {r.text}")
    check(r.headers.get("Cache-Control") == "no-store", "Cache-Control: no-store")
    body = r.json()
    check(body["token_type"] == "Bearer" and body["expires_in"] == 3600, "token_type and expires_in")
    check(body["scope"] == "models:invoke models:list", "scope granted")
    token = body["access_token"]
    verify(token, scope="models:invoke models:list")

    # client_secret_post
    r = s.post(
        token_url,
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
        timeout=10,
    )
    check(r.status_code == 200, f"client_secret_post: HTTP {r.status_code} {r.text}")
    verify(r.json()["access_token"], scope=None)

    # Basic credentials that are not form-encoded (requests' auth=, curl -u) work too.
    r = s.post(token_url, data={"grant_type": "client_credentials"}, auth=(client_id, secret), timeout=10)
    check(r.status_code == 200, f"client_secret_basic without form-encoding: HTTP {r.status_code} {r.text}")

    # gwctl's own token verifies the same way.
    if os.environ.get("GWCTL_TOKEN"):
        verify(os.environ["GWCTL_TOKEN"])

    # The token on a gateway route; a tampered copy is refused.
    chat = {"messages": [{"role": "user", "content": "hello from requests"}]}
    r = s.post(f"{base}/endpoints/chat/invocations", json=chat, headers={"Authorization": f"Bearer {token}"}, timeout=10)
    check(r.status_code == 200 and r.json()["choices"][0]["message"]["content"] == "hello from requests", "route with the token")
    head, payload, sig = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = "someone-else"
    forged_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    r = s.post(
        f"{base}/endpoints/chat/invocations",
        json=chat,
        headers={"Authorization": f"Bearer {head}.{forged_payload}.{sig}"},
        timeout=10,
    )
    check(r.status_code == 401 and r.json()["error"]["code"] == "signature_mismatch", f"tampered token: {r.status_code}")

    # RFC 6749 §5.2 errors.
    r = s.post(token_url, data={"grant_type": "client_credentials"}, auth=(client_id, "not-the-secret"), timeout=10)
    check(r.status_code == 401 and r.json()["error"] == "invalid_client", f"wrong secret: {r.status_code} {r.text}")
    check(r.headers.get("WWW-Authenticate", "").startswith("Basic"), "WWW-Authenticate on invalid_client")
    check("not-the-secret" not in r.text, "the error does not echo the secret")
    r = s.post(token_url, data={"grant_type": "client_credentials", "client_id": "nobody", "client_secret": "x"}, timeout=10)
    check(r.status_code == 401 and r.json()["error"] == "invalid_client", "unknown client")
    r = s.post(token_url, data={"grant_type": "password", "username": "u", "password": "p"}, auth=(client_id, secret), timeout=10)
    check(r.status_code == 400 and r.json()["error"] == "unsupported_grant_type", "unsupported_grant_type")
    r = s.post(token_url, json={"grant_type": "client_credentials"}, auth=(client_id, secret), timeout=10)
    check(r.status_code == 400 and r.json()["error"] == "invalid_request", "a JSON body is invalid_request")
    r = s.post(token_url, data={"grant_type": "client_credentials"}, timeout=10)
    check(r.status_code == 401 and r.json()["error"] == "invalid_client", "no client authentication")


if __name__ == "__main__":
    main()
