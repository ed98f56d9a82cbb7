"""Password hashes: scrypt (memory-hard) with a random salt, stored as one self-describing string.

Format: ``scrypt$n$r$p$salt_b64$hash_b64`` (standard base64). Checking reads the parameters from
the stored string, so hashes made with stronger settings later still check; comparison is
constant-time. Passwords themselves are never stored or written to the audit trail.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

N, R, P = 2**14, 8, 1  # 16 MiB per hash, ~50 ms on an office PC
SALT_BYTES = 16
KEY_BYTES = 32
_MAX_N = 2**20  # refuse absurd parameters from a tampered database instead of exhausting memory


def _derive(password: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=129 * n * r + 2**20, dklen=length)


def hash_password(password: str) -> str:
    """A new hash of `password` with a fresh random salt."""
    salt = os.urandom(SALT_BYTES)
    key = _derive(password, salt, N, R, P, KEY_BYTES)
    return "$".join(("scrypt", str(N), str(R), str(P), base64.b64encode(salt).decode(), base64.b64encode(key).decode()))


def check_password(password: str, stored: str | None) -> bool:
    """Whether `password` matches `stored`; False for a missing or malformed hash."""
    if not stored:
        return False
    try:
        scheme, n_text, r_text, p_text, salt_text, key_text = stored.split("$")
        n, r, p = int(n_text), int(r_text), int(p_text)
        salt, key = base64.b64decode(salt_text, validate=True), base64.b64decode(key_text, validate=True)
    except ValueError:
        return False
    if scheme != "scrypt" or not (1 < n <= _MAX_N and n & (n - 1) == 0 and 0 < r <= 32 and 0 < p <= 16 and key):
        return False
    return hmac.compare_digest(_derive(password, salt, n, r, p, len(key)), key)
