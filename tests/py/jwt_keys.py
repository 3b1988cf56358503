"""Writes one private key per JWT family into the directory given as argv[1]:
RSA 2048 (PKCS#8 and PKCS#1), EC P-256 and P-384 (PKCS#8 and SEC1), Ed25519 (PKCS#8)."""
import sys
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

out = Path(sys.argv[1])
P8 = serialization.PrivateFormat.PKCS8
TRAD = serialization.PrivateFormat.TraditionalOpenSSL
PEM = serialization.Encoding.PEM
NOENC = serialization.NoEncryption()


def write(name, key, fmt):
    (out / name).write_bytes(key.private_bytes(PEM, fmt, NOENC))


rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
write("rsa.pem", rsa_key, P8)
write("rsa-pkcs1.pem", rsa_key, TRAD)
for curve, name in [(ec.SECP256R1(), "ec256"), (ec.SECP384R1(), "ec384")]:
    k = ec.generate_private_key(curve)
    write(f"{name}.pem", k, P8)
    write(f"{name}-sec1.pem", k, TRAD)
write("ed25519.pem", ed25519.Ed25519PrivateKey.generate(), P8)
