"""A loopback proxy that changes one request header on the way, as a misbehaving proxy in
front of a gateway would (the request's signature then no longer matches).

    header_proxy.py PORT UPSTREAM_PORT HEADER SUFFIX

Every request goes to 127.0.0.1:UPSTREAM_PORT with SUFFIX appended to HEADER's value (when
present); the answer comes back unchanged. GET /health is passed through too.
"""
import http.client
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT, UPSTREAM, HEADER, SUFFIX = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3].lower(), sys.argv[4]
HOP = {"connection", "keep-alive", "transfer-encoding", "content-length"}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def forward(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {}
        for name, value in self.headers.items():
            if name.lower() in HOP:
                continue
            headers[name] = value + SUFFIX if name.lower() == HEADER else value
        conn = http.client.HTTPConnection("127.0.0.1", UPSTREAM, timeout=30)
        conn.request(self.command, self.path, body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        self.send_response(resp.status)
        for name, value in resp.getheaders():
            if name.lower() not in HOP and name.lower() not in ("date", "server"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)
        self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = forward

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
