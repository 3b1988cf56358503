"""Verifies tokens with PyJWT, independently of gwctl.

Reads JSON lines {"token", "alg", "key" (path or HMAC secret), "hmac": bool, "aud", "iss"}
on stdin and prints one JSON line per token: {"ok": true, "header": …, "claims": …} or
{"ok": false, "error": "…"}."""
import json
import sys
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization

for line in sys.stdin:
    case = json.loads(line)
    try:
        if case["hmac"]:
            key = case["key"].encode()
        else:
            private = serialization.load_pem_private_key(Path(case["key"]).read_bytes(), password=None)
            key = private.public_key()
        claims = jwt.decode(
            case["token"],
            key,
            algorithms=[case["alg"]],
            audience=case["aud"],
            issuer=case["iss"],
            options={"require": ["exp", "iat", "nbf", "iss", "aud", "sub", "jti"]},
        )
        header = jwt.get_unverified_header(case["token"])
        print(json.dumps({"ok": True, "header": header, "claims": claims}))
    except Exception as e:  # report, the Rust side asserts
        print(json.dumps({"ok": False, "error": f"{type(e).__name__}: {e}"}))
    sys.stdout.flush()
