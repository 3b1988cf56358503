"""A small MLflow-gateway-like server for gwctl's tests (stdlib only, loopback).

Prints its port (FAKE_PORT, or one the system picks) on the first line of stdout, then serves:
  GET  /health, /api/2.0/endpoints/, /api/2.0/endpoints/<name>
  POST /endpoints/<name>/invocations and /v1/{chat/completions,completions,embeddings}
       (OpenAI shapes; "stream": true gives SSE with a pause between events; routes whose
       name ends in -done end the stream with data: [DONE], others just close)
  POST /endpoints/flaky/invocations: 503 + Retry-After: 1 the first time, then 200
  POST /endpoints/cutoff/invocations: a stream cut off in the middle of an event
Every request is appended to the JSON-lines log named by argv[1] (method, path, headers).
With FAKE_BASIC=user:password, requests without that Basic auth get 401.
With FAKE_TLS=CERT_PEM:KEY_PEM it serves HTTPS with that certificate.
"""
import base64
import json
import struct
import zlib
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOG = sys.argv[1]
PAUSE = float(os.environ.get("FAKE_PAUSE", "0.4"))
ROUTES = {
    "chat": "llm/v1/chat",
    "chat-done": "llm/v1/chat",
    "completions": "llm/v1/completions",
    "embeddings": "llm/v1/embeddings",
    "flaky": "llm/v1/chat",
    "cutoff": "llm/v1/chat",
}
seen = {}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def record(self, body):
        with open(LOG, "a") as f:
            f.write(json.dumps({"method": self.command, "path": self.path, "headers": dict(self.headers.items()), "body": body}) + "\n")

    def send_json(self, status, obj, extra=None):
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def authorized(self):
        want = os.environ.get("FAKE_BASIC")
        if not want:
            return True
        got = self.headers.get("Authorization", "")
        if got == "Basic " + base64.b64encode(want.encode()).decode():
            return True
        self.send_json(401, {"error": "Unauthorized"}, {"WWW-Authenticate": 'Basic realm="fake"'})
        return False

    def do_GET(self):
        self.record(None)
        if not self.authorized():
            return
        if self.path == "/health":
            return self.send_json(200, {"status": "OK"})
        if self.path.startswith("/redirect?to="):
            target = self.path[len("/redirect?to="):]
            self.send_response(302)
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.path == "/api/2.0/endpoints/":
            return self.send_json(200, {"endpoints": [self.route(n) for n in ROUTES]})
        if self.path.startswith("/api/2.0/endpoints/"):
            name = self.path.rsplit("/", 1)[1]
            if name in ROUTES:
                return self.send_json(200, self.route(name))
        self.send_json(404, {"detail": "Not Found"})

    def route(self, name):
        return {"name": name, "endpoint_type": ROUTES[name], "model": {"name": "fake-model", "provider": "openai"},
                "endpoint_url": f"/gateway/{name}/invocations", "limit": None}

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            body = None
        self.record(body)
        if not self.authorized():
            return
        path = self.path
        if path.endswith("/invoke-with-response-stream") or path.endswith("/invocations-response-stream"):
            return self.aws_stream(path)
        upstream = False
        if path.startswith("/v1/"):
            name = (body or {}).get("model")
            kind = {"/v1/chat/completions": "llm/v1/chat", "/v1/completions": "llm/v1/completions", "/v1/embeddings": "llm/v1/embeddings"}.get(path)
            if name not in ROUTES and kind is not None:
                # Called as an OpenAI provider (by a real MLflow gateway): any model name.
                upstream = True
                name = {"llm/v1/chat": "chat-done", "llm/v1/completions": "completions", "llm/v1/embeddings": "embeddings"}[kind]
        elif path.startswith("/endpoints/") and path.endswith("/invocations"):
            name = path.split("/")[2]
            kind = ROUTES.get(name)
            if body is not None and "model" in body:
                return self.send_json(422, {"detail": "The parameter 'model' is not allowed"})
        else:
            return self.send_json(404, {"detail": "Not Found"})
        if name not in ROUTES or kind is None:
            return self.send_json(404, {"detail": "Not Found"})
        if body is None:
            return self.send_json(422, {"detail": "the body is not JSON"})
        if name == "flaky":
            seen[path] = seen.get(path, 0) + 1
            if seen[path] == 1:
                return self.send_json(503, {"error": "busy"}, {"Retry-After": "1"})
        if body.get("stream"):
            return self.stream(name, kind, done=upstream or name.endswith("-done"))
        if kind == "llm/v1/chat":
            content = "echo: " + " | ".join(m.get("content", "") for m in body.get("messages", []))
            return self.send_json(200, {"id": "c1", "object": "chat.completion", "created": 1700000000, "model": "fake-model",
                                        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
                                        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}},
                                  {"x-mlflow-gateway-duration-ms": "3"})
        if kind == "llm/v1/completions":
            return self.send_json(200, {"id": "t1", "object": "text_completion", "created": 1700000000, "model": "fake-model",
                                        "choices": [{"index": 0, "text": "done: " + str(body.get("prompt")), "finish_reason": "stop"}],
                                        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}})
        inp = body.get("input")
        items = inp if isinstance(inp, list) else [inp]
        return self.send_json(200, {"object": "list", "model": "fake-model", "usage": {"prompt_tokens": 1, "total_tokens": 1},
                                    "data": [{"object": "embedding", "index": i, "embedding": [0.5, float(len(str(x)))]} for i, x in enumerate(items)]})

    def aws_stream(self, path):
        """AWS event-stream frames: Bedrock `chunk` events (base64 model JSON) or SageMaker
        `PayloadPart` events (raw JSON lines); /model/bad-crc/… corrupts a frame,
        /model/exception/… ends in an exception frame; /model/evil-exception/… in one whose type
        and message carry terminal escapes and newlines."""
        def frame(headers, payload):
            h = b""
            for k, v in headers:
                h += bytes([len(k)]) + k.encode() + bytes([7]) + struct.pack(">H", len(v)) + v.encode()
            total = 12 + len(h) + len(payload) + 4
            prelude = struct.pack(">II", total, len(h))
            msg = prelude + struct.pack(">I", zlib.crc32(prelude)) + h + payload
            return msg + struct.pack(">I", zlib.crc32(msg))
        self.send_response(200)
        self.send_header("Content-Type", "application/vnd.amazon.eventstream")
        self.send_header("Connection", "close")
        self.end_headers()
        bedrock = path.startswith("/model/")
        for i, w in enumerate(["Hel", "lo", " wor", "ld"]):
            if bedrock:
                inner = json.dumps({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": w}}).encode()
                msg = frame([(":message-type", "event"), (":event-type", "chunk"), (":content-type", "application/json")],
                            json.dumps({"bytes": base64.b64encode(inner).decode()}).encode())
            else:
                msg = frame([(":message-type", "event"), (":event-type", "PayloadPart")], json.dumps({"token": {"text": w}}).encode() + b"\n")
            if "/bad-crc/" in path and i == 1:
                msg = msg[:-1] + bytes([msg[-1] ^ 0xFF])
            if "/exception/" in path and i == 2:
                msg = frame([(":message-type", "exception"), (":exception-type", "throttlingException")],
                            json.dumps({"message": "Too many requests, please wait"}).encode())
            if "/evil-exception/" in path and i == 2:
                msg = frame([(":message-type", "exception"), (":exception-type", "throttling\x1b[2JException")],
                            json.dumps({"message": "slow \x1b]0;pwned\x07down\nnow\r\x9b"}).encode())
            self.wfile.write(msg)
            self.wfile.flush()
            time.sleep(PAUSE)
        self.close_connection = True

    def stream(self, name, kind, done):
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Connection", "close")
        self.end_headers()
        words = ["Hel", "lo", " wor", "ld"]
        base = {"id": "s1", "created": 1700000000, "model": "fake-model"}
        for w in words:
            if kind == "llm/v1/completions":
                chunk = dict(base, object="text_completion", choices=[{"index": 0, "text": w, "finish_reason": None}])
            else:
                chunk = dict(base, object="chat.completion.chunk",
                             choices=[{"index": 0, "delta": {"role": "assistant", "content": w}, "finish_reason": None}])
            self.wfile.write(b"data: " + json.dumps(chunk).encode() + b"\n\n")
            self.wfile.flush()
            if name == "cutoff":
                self.wfile.write(b'data: {"choices": [{"delta": {"cont')
                self.wfile.flush()
                self.close_connection = True
                return
            time.sleep(PAUSE)
        if done:
            last = dict(base, object="chat.completion.chunk" if kind == "llm/v1/chat" else "text_completion",
                        choices=[{"index": 0, "delta": {}, "finish_reason": "stop"}] if kind == "llm/v1/chat" else [{"index": 0, "text": "", "finish_reason": "stop"}])
            self.wfile.write(b"data: " + json.dumps(last).encode() + b"\n\n")
        else:
            self.wfile.write(b'data: {"choices": [], "usage": {"total_tokens": 4}}\n\n')
        if done:
            self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()
        self.close_connection = True


server = ThreadingHTTPServer(("127.0.0.1", int(os.environ.get("FAKE_PORT", "0"))), Handler)
if os.environ.get("FAKE_TLS"):
    import ssl

    cert, key = os.environ["FAKE_TLS"].split(":", 1)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
print(server.server_address[1], flush=True)
server.serve_forever()
