"""A JWT-verifying reverse proxy for gwctl's tests, with PyJWT as the independent verifier.

usage: jwt_proxy.py PORT UPSTREAM_URL KEYFILE ALG AUDIENCE ISSUER
Requests need `Authorization: Bearer <jwt>` valid for ALG with the key in KEYFILE (an HMAC secret,
or a PEM public key), audience AUDIENCE and issuer ISSUER; otherwise 401 with
{"error": "<PyJWT's reason>"}. Valid requests are forwarded to UPSTREAM_URL and the answer is
streamed back. PROXY_CLOCK_SKEW (seconds) moves the proxy's clock, for expiry tests; its Date
header follows that clock.
"""
import email.utils
import http.client
import json
import os
import sys
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt

PORT, UPSTREAM, KEYFILE, ALG, AUD, ISS = sys.argv[1:7]
KEY = open(KEYFILE, "rb").read()
SKEW = float(os.environ.get("PROXY_CLOCK_SKEW", "0"))
up = urllib.parse.urlsplit(UPSTREAM)


class Proxy(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def date_time_string(self, timestamp=None):
        # send_response's Date header follows the proxy's (skewed) clock.
        return email.utils.formatdate(time.time() + SKEW, usegmt=True)

    def deny(self, reason):
        data = json.dumps({"error": reason}).encode()
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("WWW-Authenticate", 'Bearer error="invalid_token"')
        self.end_headers()
        self.wfile.write(data)

    def handle_any(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length) if length else None
        auth = self.headers.get("Authorization", "")
        if not auth.startswith("Bearer "):
            return self.deny("missing bearer token")
        token = auth[len("Bearer "):]
        try:
            claims = jwt.decode(token, KEY, algorithms=[ALG], audience=AUD, issuer=ISS,
                                options={"verify_exp": False, "require": ["exp", "iat"]})
            if claims["exp"] <= time.time() + SKEW:
                raise jwt.ExpiredSignatureError("Signature has expired")
        except jwt.PyJWTError as e:
            return self.deny(str(e))
        conn = http.client.HTTPConnection(up.hostname, up.port, timeout=60)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("authorization", "host", "connection")}
        conn.request(self.command, self.path, body=body, headers=headers)
        resp = conn.getresponse()
        self.send_response(resp.status)
        for k, v in resp.getheaders():
            if k.lower() not in ("transfer-encoding", "connection", "content-length", "date", "server"):
                self.send_header(k, v)
        self.send_header("Connection", "close")
        self.end_headers()
        while True:
            chunk = resp.read1(65536) if hasattr(resp, "read1") else resp.read(65536)
            if not chunk:
                break
            self.wfile.write(chunk)
            self.wfile.flush()
        self.close_connection = True

    do_GET = do_POST = handle_any


ThreadingHTTPServer(("127.0.0.1", int(PORT)), Proxy).serve_forever()
