"""The desk's tables (migration 0004): users, their tokens and sessions, advisor assignments.
Registered on the one `metadata` like the daily run's tables; these classes never leave
`trimtab.store`. (0004's queue index gave way to `queue_indexes`, migration 0005.)"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String, Table, Text

from trimtab.store.tables import ID, metadata

users = Table(
    "users",
    metadata,
    Column("user_id", Integer, primary_key=True, autoincrement=True),
    Column("username", Text, nullable=False, unique=True),
    Column("password_hash", Text, nullable=False, doc="argon2id hash, never the password"),
    Column("role", String(20), nullable=False, doc="advisor, rebalancer or admin"),
    Column("active", Boolean, nullable=False, doc="False: disabled, cannot log in or use tokens"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("failed_logins", Integer, nullable=False, doc="failures since the last success"),
    Column("locked_until", DateTime(timezone=True), doc="login refused until then (throttling)"),
)
"""People who use the service; the book itself has no notion of users."""

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("token_id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, ForeignKey("users.user_id"), nullable=False, index=True),
    Column("token_hash", String(64), nullable=False, unique=True, doc="SHA-256 hex of the token"),
    Column("kind", String(10), nullable=False, doc="api (bearer) or session (browser cookie)"),
    Column("name", Text, nullable=False),
    Column("csrf", String(64), doc="a browser session's CSRF token; NULL for API tokens"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True)),
    Column("revoked_at", DateTime(timezone=True)),
)
"""API tokens and browser sessions: stored hashed, revocable one by one."""

household_advisors = Table(
    "household_advisors",
    metadata,
    Column("household_id", ID, primary_key=True, doc="no foreign key: a book import replaces"),
    Column("user_id", Integer, ForeignKey("users.user_id"), primary_key=True, index=True),
)
"""Which advisor serves which household (the book has no advisor column)."""
