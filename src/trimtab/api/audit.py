"""Every change the service makes, with its actor: the one function routes call to record it."""

from __future__ import annotations

import json
import logging

from sqlalchemy import Connection

from trimtab.api.access import Principal

log = logging.getLogger("trimtab.audit")


def audit(conn: Connection, who: Principal | str, action: str, target: str, detail: object) -> None:
    """Record `action` on `target` by `who` (a user, or a system name) in the same transaction."""
    actor = who if isinstance(who, str) else who.user.username
    log.info("%s %s %s %s", actor, action, target, json.dumps(detail, default=str))
    del conn
