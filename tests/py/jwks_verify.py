"""Verifies JWTs against a JWKS with PyJWT (an independent implementation).

    jwks_verify.py JWKS_FILE TOKEN...   prints, per token, "ok <kid>" or "fail <reason>"
"""
import json
import sys

import jwt

jwks = jwt.PyJWKSet.from_dict(json.load(open(sys.argv[1])))
by_kid = {k.key_id: k for k in jwks.keys}
for token in sys.argv[2:]:
    header = jwt.get_unverified_header(token)
    key = by_kid.get(header.get("kid"))
    if key is None:
        print("fail no key for kid", header.get("kid"))
        continue
    try:
        jwt.decode(token, key=key, algorithms=[header["alg"]], options={"verify_aud": False})
        print("ok", header.get("kid"))
    except jwt.PyJWTError as e:
        print("fail", type(e).__name__, e)
