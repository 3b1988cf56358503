"""A loopback HTTP server whose clock is off: every answer's Date header is SKEW seconds
from now (negative: in the past). For `gwctl doctor --check`'s clock measurement.

    skewed_server.py PORT SKEW

GET anything: 200 {"ok": true}. POST /token: 401 {"error": "invalid_client"} (an OAuth2 token
endpoint that refuses the client).
"""
import email.utils
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT, SKEW = int(sys.argv[1]), int(sys.argv[2])


class Handler(BaseHTTPRequestHandler):
    def date_time_string(self, timestamp=None):
        return email.utils.formatdate(time.time() + SKEW, usegmt=True)

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.answer(200, {"ok": True})

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.answer(401, {"error": "invalid_client", "error_description": "client authentication failed"})

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
