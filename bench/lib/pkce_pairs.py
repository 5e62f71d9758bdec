#!/usr/bin/env python3
"""Prints N lines 'verifier challenge' (RFC 7636 S256) for the code scenario: Gatehouse refuses a code_challenge
that the client already used for a still-living code (RFC 9700 §2.1.1), as a real client never reuses one."""
import base64, hashlib, os, sys

for _ in range(int(sys.argv[1])):
    verifier = base64.urlsafe_b64encode(os.urandom(32)).rstrip(b"=")
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=")
    sys.stdout.write(verifier.decode() + " " + challenge.decode() + "\n")
