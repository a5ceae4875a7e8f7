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
_DUMMIES: dict[int, str] = {}

MIN_PASSWORD = 8


def hash_password(password: str) -> str:
    """An argon2id hash (with its salt and parameters) of `password`."""
    return _HASHER.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """Whether `password` matches; with no stored hash (an unknown user) it spends the same time
    verifying against a dummy hash, so timing does not tell which usernames exist."""
    if stored is None:
        _check(_dummy(), password)
        return False
    return _check(stored, password)


def _check(stored: str, password: str) -> bool:
    try:
        return _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def _dummy() -> str:
    """A hash made with the current hasher's parameters (made once per hasher)."""
    key = id(_HASHER)
    if key not in _DUMMIES:
        _DUMMIES[key] = _HASHER.hash(secrets.token_hex(16))
    return _DUMMIES[key]


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def same(a: str, b: str) -> bool:
    """Constant-time comparison of two secrets."""
    return secrets.compare_digest(a.encode("utf-8"), b.encode("utf-8"))
