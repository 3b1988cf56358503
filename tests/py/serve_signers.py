"""Independent signers for tests/serve.rs: prints JSON lines of requests for `gwctl serve` to judge.

Usage: serve_signers.py PORT

Line 1: {"keys": {...}} - the verification material the server must be given (a JWKS, a PEM
public key). Every further line: {"name", "method", "url", "headers", "body", "expect", "echo"}:
"expect" is "ok" (200, and the answer contains "echo") or the refusal code the JSON body must carry.

Signers: botocore (SigV4 header and presigned URL, with and without session token), PyJWT (HS256/384/512,
RS256, PS256, ES256, ES384, EdDSA, keys made with `cryptography`), requests (Basic), and reference
signers written here from the schemes' descriptions for Huawei APIG (SDK-HMAC-SHA256) and
APIPark/Apinto (HMAC-SHA256), checked first against ../shared/testdata/aksk/vectors.json when present.
Each accepted request is followed by copies with one thing changed (path, query, a signed header,
the body, the time beyond the window).
"""
import datetime
import hashlib
import hmac
import json
import os
import sys
import time
from urllib.parse import quote, quote_plus, unquote, urlsplit

import botocore.auth
import botocore.credentials
import jwt
import requests
from botocore.awsrequest import AWSRequest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

PORT = int(sys.argv[1])
BASE = f"http://127.0.0.1:{PORT}"
AK, SK = "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TMP_AK, TMP_SK, TMP_TOKEN = "ASIATEMPEXAMPLE", "temp/secret+key", "FwoGZXIvYXdzEXAMPLEtoken=="
HW_AK, HW_SK = "HWAKEXAMPLE", "huawei-secret-key"
AP_AK, AP_SK = "APAKEXAMPLE", "apipark-secret-key"
HS_SECRET = "hs-secret-" + "0123456789abcdef" * 4
ISS, AUD = "https://issuer.gwctl.test", "gwctl-serve"
REGION, SERVICE = "us-east-1", "execute-api"

out = []


def emit(name, method, url, headers, body, expect, echo=None):
    headers = {k: v for k, v in headers.items() if k.lower() not in ("host", "content-length")}
    out.append({"name": name, "method": method, "url": url, "headers": headers, "body": body or "",
                "expect": expect, "echo": echo})


def chat_body(text, model=None):
    b = {"messages": [{"role": "user", "content": text}]}
    if model:
        b["model"] = model
    return json.dumps(b)


# ---------- SigV4 via botocore ----------
def at(seconds_ago):
    """Makes botocore sign as if the clock were `seconds_ago` behind."""
    def now():
        return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) - datetime.timedelta(seconds=seconds_ago)
    botocore.auth.get_current_datetime = now


def sigv4(url, body, headers, creds, ago=0, method="POST"):
    at(ago)
    req = AWSRequest(method=method, url=url, data=body, headers=dict(headers))
    botocore.auth.SigV4Auth(creds, SERVICE, REGION).add_auth(req)
    return dict(req.headers.items())


def presign(url, creds, expires=60, ago=0):
    at(ago)
    req = AWSRequest(method="GET", url=url, headers={})
    botocore.auth.SigV4QueryAuth(creds, SERVICE, REGION, expires=expires).add_auth(req)
    return req.url, dict(req.headers.items())


main = botocore.credentials.Credentials(AK, SK)
temp = botocore.credentials.Credentials(TMP_AK, TMP_SK, TMP_TOKEN)
hdr = {"Content-Type": "application/json", "X-Client": "serve-test"}
url = f"{BASE}/endpoints/chat/invocations?trace=1&b=x%20y"
body = chat_body("hello sigv4")
h = sigv4(url, body, hdr, main)
emit("sigv4-header", "POST", url, h, body, "ok", "hello sigv4")
emit("sigv4-header/path", "POST", url.replace("/chat/", "/chat2/"), h, body, "signature_mismatch")
emit("sigv4-header/query", "POST", url.replace("trace=1", "trace=2"), h, body, "signature_mismatch")
emit("sigv4-header/header", "POST", url, dict(h, **{"X-Client": "serve-tesT"}), body, "signature_mismatch")
emit("sigv4-header/body", "POST", url, h, body.replace("sigv4", "sigv5"), "signature_mismatch")
h_old = sigv4(url, body, hdr, main, ago=400)
emit("sigv4-header/time", "POST", url, h_old, body, "clock_skew")
h_bad = sigv4(url, body, hdr, botocore.credentials.Credentials("AKIDUNKNOWN", SK))
emit("sigv4-header/unknown-key", "POST", url, h_bad, body, "unknown_key_id")
h_wrong = sigv4(url, body, hdr, botocore.credentials.Credentials(AK, SK + "x"))
emit("sigv4-header/wrong-secret", "POST", url, h_wrong, body, "signature_mismatch")
ht = sigv4(url, body, hdr, temp)
emit("sigv4-header-token", "POST", url, ht, body, "ok", "hello sigv4")
ht_bad = sigv4(url, body, hdr, botocore.credentials.Credentials(TMP_AK, TMP_SK, "other-token"))
emit("sigv4-header-token/wrong-token", "POST", url, ht_bad, body, "invalid_session_token")
ourl = f"{BASE}/v1/chat/completions"
obody = chat_body("hello openai route", "chat")
emit("sigv4-header-openai", "POST", ourl, sigv4(ourl, obody, hdr, main), obody, "ok", "hello openai route")

purl = f"{BASE}/api/2.0/endpoints/?x=1"
p, ph = presign(purl, main)
emit("sigv4-presigned", "GET", p, ph, "", "ok", "llm/v1/chat")
emit("sigv4-presigned/path", "GET", p.replace("/endpoints/?", "/endpoints/chat?"), ph, "", "signature_mismatch")
emit("sigv4-presigned/query", "GET", p.replace("x=1", "x=2"), ph, "", "signature_mismatch")
p_old, ph_old = presign(purl, main, expires=60, ago=200)
emit("sigv4-presigned/time", "GET", p_old, ph_old, "", "expired")
pt, pth = presign(purl, temp)
emit("sigv4-presigned-token", "GET", pt, pth, "", "ok", "llm/v1/chat")
at(0)


# ---------- Huawei APIG SDK-HMAC-SHA256 (reference signer) ----------
def sha256_hex(b):
    return hashlib.sha256(b.encode() if isinstance(b, str) else b).hexdigest()


def huawei_sign(method, url, headers, body, ak, sk, date):
    parts = urlsplit(url)
    segs = [quote(unquote(s), safe="-_.~") for s in parts.path.split("/")]
    path = "/".join(segs)
    if not path.endswith("/"):
        path += "/"
    pairs = []
    for piece in filter(None, parts.query.split("&")):
        k, _, v = piece.partition("=")
        pairs.append((unquote(k.replace("+", " ")), unquote(v.replace("+", " "))))
    pairs.sort()
    query = "&".join(f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}" for k, v in pairs)
    hs = dict(headers)
    hs["X-Sdk-Date"] = date
    hs.setdefault("Host", parts.netloc)
    names = sorted(hs, key=str.lower)
    canon_headers = "".join(f"{n.lower()}:{hs[n].strip()}\n" for n in names)
    signed = ";".join(n.lower() for n in names)
    creq = f"{method}\n{path}\n{query}\n{canon_headers}\n{signed}\n{sha256_hex(body)}"
    sts = f"SDK-HMAC-SHA256\n{date}\n{sha256_hex(creq)}"
    sig = hmac.new(sk.encode(), sts.encode(), hashlib.sha256).hexdigest()
    hs["Authorization"] = f"SDK-HMAC-SHA256 Access={ak}, SignedHeaders={signed}, Signature={sig}"
    return hs, creq, sts, sig


def apipark_sign(method, url, headers, signed_names, body, ak, sk, date):
    parts = urlsplit(url)
    path = unquote(parts.path)
    if not path.endswith("/"):
        path += "/"
    values = {}
    for piece in parts.query.split("&"):
        kv = piece.split("=")
        if len(kv) == 2:
            values[unquote(kv[0].replace("+", " "))] = unquote(kv[1].replace("+", " "))
    query = "&".join(f"{quote_plus(k, safe='-_.~')}={quote_plus(v, safe='-_.~')}" for k, v in sorted(values.items()))
    hs = dict(headers)
    hs["X-Gateway-Date"] = date
    hs.setdefault("Host", parts.netloc)
    low = {k.lower(): v for k, v in hs.items()}
    canon_headers = "".join(f"{n}:{low.get(n, '').strip()}\n" for n in signed_names)
    signed = ";".join(signed_names)
    creq = f"{method}\n{path}\n{query}\n{canon_headers}\n{signed}\n{sha256_hex(body)}"
    sts = f"HMAC-SHA256\n{date}\n{sha256_hex(creq)}"
    sig = hmac.new(sk.encode(), sts.encode(), hashlib.sha256).hexdigest()
    hs["Authorization"] = f"HMAC-SHA256 Access={ak}, SignedHeaders={signed}, Signature={sig}"
    return hs, creq, sts, sig


vectors = os.environ.get("AKSK_VECTORS")  # the shared vectors (tests/data/aksk-vectors.json)
if vectors and os.path.exists(vectors):
    v = json.load(open(vectors))
    hw = v["huawei-sdk-hmac-sha256"]
    i = hw["input"]
    q = "&".join(f"{quote(k, safe='')}={quote(val, safe='')}" for k, val in i["query_pairs"])
    u = f"https://{i['headers']['Host']}{quote(i['path'])}?{q}"
    _, creq, sts, sig = huawei_sign(i["method"], u, i["headers"], i["body"], i["ak"], i["sk"], i["sdk_date"])
    assert creq == hw["output"]["canonical_request"], creq
    assert sig == hw["output"]["signature"], sig
    ap = v["apipark-apinto-hmac-sha256"]
    i = ap["input"]
    hs = {k: val for k, val in i["headers"].items() if k != "x-gateway-date"}
    _, creq, sts, sig = apipark_sign(i["method"], i["url"], hs, i["signed_headers"], "", "ak", i["sk"], i["headers"]["x-gateway-date"])
    assert creq == ap["output"]["canonical_request"], creq
    assert sig == ap["output"]["signature"], sig


def amz_date(ago=0):
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(time.time() - ago))


netloc = f"127.0.0.1:{PORT}"
url = f"{BASE}/endpoints/chat/invocations?trace=1&b=x%20y"
hdr = {"Content-Type": "application/json", "X-Client": "serve-test", "Host": netloc}
body = chat_body("hello huawei")
h, *_ = huawei_sign("POST", url, hdr, body, HW_AK, HW_SK, amz_date())
emit("huawei", "POST", url, h, body, "ok", "hello huawei")
emit("huawei/path", "POST", url.replace("/chat/", "/chat2/"), h, body, "signature_mismatch")
emit("huawei/query", "POST", url.replace("trace=1", "trace=2"), h, body, "signature_mismatch")
emit("huawei/header", "POST", url, dict(h, **{"X-Client": "serve-tesT"}), body, "signature_mismatch")
emit("huawei/body", "POST", url, h, body.replace("huawei", "huawej"), "signature_mismatch")
h_old, *_ = huawei_sign("POST", url, hdr, body, HW_AK, HW_SK, amz_date(1200))
emit("huawei/time", "POST", url, h_old, body, "clock_skew")
h_unk, *_ = huawei_sign("POST", url, hdr, body, "HWUNKNOWN", HW_SK, amz_date())
emit("huawei/unknown-key", "POST", url, h_unk, body, "unknown_key_id")

body = chat_body("hello apipark")
names = ["content-type", "host", "x-client", "x-gateway-date"]
h, *_ = apipark_sign("POST", url, hdr, names, body, AP_AK, AP_SK, amz_date())
emit("apipark", "POST", url, h, body, "ok", "hello apipark")
emit("apipark/path", "POST", url.replace("/chat/", "/chat2/"), h, body, "signature_mismatch")
emit("apipark/query", "POST", url.replace("trace=1", "trace=2"), h, body, "signature_mismatch")
emit("apipark/header", "POST", url, dict(h, **{"X-Client": "serve-tesT"}), body, "signature_mismatch")
emit("apipark/body", "POST", url, h, body.replace("apipark", "apiparc"), "signature_mismatch")
h_old, *_ = apipark_sign("POST", url, hdr, names, body, AP_AK, AP_SK, amz_date(1200))
emit("apipark/time", "POST", url, h_old, body, "clock_skew")

# ---------- Basic via requests ----------
burl = f"{BASE}/endpoints/chat/invocations"
for user, pw, expect, tag in [("alice", "wonderland", "ok", "basic"), ("alice", "wonderlanD", "wrong_password", "basic/wrong-password"),
                              ("mallory", "wonderland", "unknown_user", "basic/unknown-user"),
                              ("bob", "builder", "ok", "basic-htpasswd"), ("bob", "buildeR", "wrong_password", "basic-htpasswd/wrong-password")]:
    body = chat_body(f"hello {tag}")
    prepared = requests.Request("POST", burl, auth=(user, pw), data=body, headers={"Content-Type": "application/json"}).prepare()
    emit(tag, "POST", burl, dict(prepared.headers), body, expect, f"hello {tag}" if expect == "ok" else None)

# ---------- JWT via PyJWT ----------
rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
rsa_pem_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
p256 = ec.generate_private_key(ec.SECP256R1())
p384 = ec.generate_private_key(ec.SECP384R1())
ed = ed25519.Ed25519PrivateKey.generate()


def jwk(alg_cls, key, kid, alg):
    d = json.loads(alg_cls.to_jwk(key.public_key()))
    d.update({"kid": kid, "alg": alg, "use": "sig"})
    return d


A = jwt.algorithms
jwks = {"keys": [jwk(A.RSAAlgorithm, rsa_key, "rsa-rs", "RS256"), jwk(A.RSAPSSAlgorithm, rsa_key, "rsa-ps", "PS256"),
                 jwk(A.ECAlgorithm, p256, "ec256", "ES256"), jwk(A.ECAlgorithm, p384, "ec384", "ES384"),
                 jwk(A.OKPAlgorithm, ed, "ed", "EdDSA")]}
pem = rsa_pem_key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def claims(**over):
    now = int(time.time())
    c = {"iss": ISS, "aud": AUD, "sub": "tester", "iat": now, "nbf": now, "exp": now + 300}
    c.update(over)
    return {k: v for k, v in c.items() if v is not None}


def jwt_req(name, token, expect):
    body = chat_body(f"hello {name}")
    emit(name, "POST", burl, {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}, body, expect,
         f"hello {name}" if expect == "ok" else None)


cases = [("HS256", HS_SECRET, None), ("HS384", HS_SECRET, None), ("HS512", HS_SECRET, None),
         ("RS256", rsa_key, "rsa-rs"), ("PS256", rsa_key, "rsa-ps"), ("ES256", p256, "ec256"),
         ("ES384", p384, "ec384"), ("EdDSA", ed, "ed"), ("RS256", rsa_pem_key, None)]
for alg, key, kid in cases:
    tag = f"jwt-{alg}" + ("-pem" if key is rsa_pem_key else "")
    headers = {"kid": kid} if kid else None
    tok = jwt.encode(claims(), key, algorithm=alg, headers=headers)
    jwt_req(tag, tok, "ok")
    head, payload, sig = tok.split(".")
    flipped = payload[:10] + ("A" if payload[10] != "A" else "B") + payload[11:]
    jwt_req(tag + "/payload", f"{head}.{flipped}.{sig}", "signature_mismatch")
    jwt_req(tag + "/expired", jwt.encode(claims(exp=int(time.time()) - 600), key, algorithm=alg, headers=headers), "expired")
    jwt_req(tag + "/audience", jwt.encode(claims(aud="someone-else"), key, algorithm=alg, headers=headers), "wrong_audience")
    jwt_req(tag + "/issuer", jwt.encode(claims(iss="https://evil.test"), key, algorithm=alg, headers=headers), "wrong_issuer")
    jwt_req(tag + "/nbf", jwt.encode(claims(nbf=int(time.time()) + 600), key, algorithm=alg, headers=headers), "not_yet_valid")
jwt_req("jwt/unknown-kid", jwt.encode(claims(), p256, algorithm="ES256", headers={"kid": "nope"}), "unknown_key_id")
jwt_req("jwt/wrong-key", jwt.encode(claims(), ec.generate_private_key(ec.SECP256R1()), algorithm="ES256", headers={"kid": "ec256"}),
        "signature_mismatch")

# ---------- static bearer ----------
jwt_req("bearer", "static-token-0123456789", "ok")
jwt_req("bearer/wrong", "static-token-0123456780", "invalid_token")

print(json.dumps({"keys": {"jwks": jwks, "rsa_pem": pem}}))
for o in out:
    print(json.dumps(o))
