#!/usr/bin/env python3
"""A resource server for gwctl's OAuth2 tests: a fake gateway that accepts only valid access tokens.

    resource_server.py --port PORT --issuer ISSUER --audience AUD [--jwks-uri URL] [--log FILE]

Every request except the control endpoints needs `Authorization: Bearer <JWT>`, verified with
PyJWT against the provider's JWKS (PyJWKClient, fetched from --jwks-uri, default ISSUER/jwks):
signature (RS256/PS256/ES256/EdDSA), `iss` == ISSUER, `aud` contains AUD, `exp` in the future
(no leeway), `iat` present. A valid token gets 200 with an echo:
    {"ok": true, "method", "path", "client_id", "sub", "scope", "jti", "exp", "body_bytes"}
A missing/invalid/expired/revoked one gets 401 with `WWW-Authenticate: Bearer error="invalid_token"`
and {"error": "invalid_token", "error_description": "..."}.

Control endpoints (no token needed):
    GET  /health        200 {"ok": true}
    POST /revoke-all    refuses every token seen so far and every token issued (iat) before now
    GET  /stats         {"requests": N, "accepted": N, "rejected": N}

--log FILE: one JSON line per request: {"ts", "method", "path", "status", "client_id", "reason"}.
Listens on 127.0.0.1 only.
"""

import argparse
import json
import math
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt

ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA"]
MAX_BODY = 1 << 20


class State:
    def __init__(self, args):
        self.issuer = args.issuer
        self.audience = args.audience
        self.jwks = jwt.PyJWKClient(args.jwks_uri or args.issuer.rstrip("/") + "/jwks", cache_keys=True, timeout=10)
        self.log_path = args.log
        self.lock = threading.Lock()
        self.revoked_jtis = set()
        self.seen_jtis = set()
        self.revoked_before = 0  # tokens with iat < this are refused
        self.stats = {"requests": 0, "accepted": 0, "rejected": 0}

    def log(self, record):
        if not self.log_path:
            return
        with self.lock, open(self.log_path, "a", encoding="utf-8") as f:
            f.write(json.dumps(record) + "\n")

    def verify(self, token):
        """Returns the claims, or raises ValueError with a reason."""
        try:
            key = self.jwks.get_signing_key_from_jwt(token)
            claims = jwt.decode(
                token,
                key.key,
                algorithms=ALGORITHMS,
                issuer=self.issuer,
                audience=self.audience,
                leeway=0,
                options={"require": ["exp", "iat", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError:
            raise ValueError("the token has expired")
        except jwt.InvalidAudienceError:
            raise ValueError("wrong audience")
        except jwt.InvalidIssuerError:
            raise ValueError("wrong issuer")
        except (jwt.PyJWTError, jwt.PyJWKClientError) as e:
            raise ValueError(f"invalid token: {type(e).__name__}")
        with self.lock:
            jti = claims.get("jti")
            if jti in self.revoked_jtis or claims.get("iat", 0) < self.revoked_before:
                raise ValueError("the token was revoked")
            if jti:
                self.seen_jtis.add(jti)
        return claims

    def revoke_all(self):
        with self.lock:
            self.revoked_jtis |= self.seen_jtis
            self.revoked_before = math.floor(time.time())


class Handler(BaseHTTPRequestHandler):
    server_version = "gwctl-test-resource-server/1"
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet: the JSON log is the record
        pass

    def reply(self, status, obj, extra_headers=()):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra_headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n > MAX_BODY:
            raise ValueError("body too large")
        return self.rfile.read(n) if n > 0 else b""

    def handle_any(self):
        st = self.server.state
        path = self.path.split("?", 1)[0]
        try:
            body = self.read_body()
        except ValueError:
            self.reply(413, {"error": "too_large"})
            return
        if path == "/health":
            self.reply(200, {"ok": True})
            return
        if path == "/stats":
            with st.lock:
                self.reply(200, dict(st.stats))
            return
        if path == "/revoke-all" and self.command == "POST":
            st.revoke_all()
            st.log({"ts": time.time(), "method": "POST", "path": path, "status": 200, "client_id": None, "reason": "revoke-all"})
            self.reply(200, {"revoked": True})
            return
        with st.lock:
            st.stats["requests"] += 1
        auth = self.headers.get("Authorization") or ""
        scheme, _, token = auth.partition(" ")
        try:
            if scheme.lower() != "bearer" or not token.strip():
                raise ValueError("no bearer token")
            claims = st.verify(token.strip())
        except ValueError as e:
            with st.lock:
                st.stats["rejected"] += 1
            st.log({"ts": time.time(), "method": self.command, "path": path, "status": 401, "client_id": None, "reason": str(e)})
            self.reply(
                401,
                {"error": "invalid_token", "error_description": str(e)},
                [("WWW-Authenticate", f'Bearer error="invalid_token", error_description="{e}"')],
            )
            return
        with st.lock:
            st.stats["accepted"] += 1
        client_id = claims.get("client_id") or claims.get("azp") or claims.get("sub")
        st.log({"ts": time.time(), "method": self.command, "path": path, "status": 200, "client_id": client_id, "reason": None})
        self.reply(
            200,
            {
                "ok": True,
                "method": self.command,
                "path": path,
                "client_id": client_id,
                "sub": claims.get("sub"),
                "scope": claims.get("scope"),
                "jti": claims.get("jti"),
                "exp": claims.get("exp"),
                "body_bytes": len(body),
            },
        )

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = handle_any


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--issuer", required=True)
    p.add_argument("--audience", required=True)
    p.add_argument("--jwks-uri")
    p.add_argument("--log")
    args = p.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    server.state = State(args)
    print(json.dumps({"ready": True, "port": server.server_address[1]}), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
