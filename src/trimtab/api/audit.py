"""Every change the service makes, with its actor: one call into the daily run's audit log.

The event is written on the request's own connection, so it commits (or rolls back) with the
change it records. Actions the service adds to the daily run's are listed in docs/service.md.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from trimtab.api.access import Principal
from trimtab.workflow import audit as log


def audit(
    conn: Connection, who: Principal | str, action: str, subject: str, detail: dict[str, Any]
) -> None:
    """Record `action` on `subject` by `who` (a user, or a system name such as `cli`)."""
    actor = who if isinstance(who, str) else who.user.username
    log.record(conn, actor, action, subject, detail)
