"""How the service runs: deployment settings, not book settings (those live in trimtab.toml)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class ServiceSettings:
    """Options of `trimtab serve` (docs/service.md). Durations in the unit their name says."""

    database_url: str | None = None
    """SQLAlchemy URL of the store (None: TRIMTAB_DATABASE_URL or the embedded SQLite)."""
    secure_cookies: bool = True
    """Mark the session cookie Secure (browsers send it over HTTPS, and to localhost)."""
    session_hours: float = 12.0
    """A browser session ends this long after login."""
    login_attempts: int = 5
    """Failed logins in a row before the user is locked out for `lockout_minutes`."""
    lockout_minutes: float = 15.0
