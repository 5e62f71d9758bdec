#!/usr/bin/env python3
"""TOTP helper for the mfa setup (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps).
  totp.py base32 SECRET   -> 'KEY_HEX STEP CODE' (Gatehouse: the factor's sharedSecret is the base32 of the key)
  totp.py raw SECRET      -> 'KEY_HEX STEP CODE' (Keycloak: the HMAC key is the secret's own UTF-8 bytes)"""
import base64, hashlib, hmac, struct, sys, time

kind, secret = sys.argv[1], sys.argv[2]
key = base64.b32decode(secret + "=" * (-len(secret) % 8)) if kind == "base32" else secret.encode()
step = int(time.time()) // 30
h = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
o = h[-1] & 0xF
code = (struct.unpack(">I", h[o:o + 4])[0] & 0x7FFFFFFF) % 1000000
print(key.hex(), step, "%06d" % code)
