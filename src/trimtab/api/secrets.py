"""Passwords and tokens: argon2id hashes for passwords, SHA-256 for random tokens.

A token is 32 random bytes (URL-safe text); only its SHA-256 is stored, so a database leak gives
no usable token. Random tokens need no slow hash: guessing 256 bits is hopeless.
"""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_HASHER = PasswordHasher()
_DUMMY = _HASHER.hash("not a password anyone has")

MIN_PASSWORD = 8


def hash_password(password: str) -> str:
    """An argon2id hash (with its salt and parameters) of `password`."""
    return _HASHER.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """Whether `password` matches; with no stored hash it still spends the same time."""
    try:
        return _HASHER.verify(stored or _DUMMY, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def same(a: str, b: str) -> bool:
    """Constant-time comparison of two secrets."""
    return secrets.compare_digest(a.encode("utf-8"), b.encode("utf-8"))
