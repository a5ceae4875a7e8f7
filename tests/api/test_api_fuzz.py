"""A property-based fuzz of every API operation from the published OpenAPI schema: whatever the
input, the service answers with a deliberate status, never a server error (5xx).

Bounded (a few examples per operation) so the suite stays fast; run with more examples by
setting TRIMTAB_FUZZ_EXAMPLES.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import schemathesis
from api_service import Service, make_service
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from trimtab.api.secrets import new_token, token_hash
from trimtab.store import access
from trimtab.store import access_tables as a
from trimtab.store.access import TokenKind

EXAMPLES = int(os.environ.get("TRIMTAB_FUZZ_EXAMPLES", "5"))


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory, password_hash: str) -> Iterator[Service]:
    url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'trimtab.sqlite'}"
    svc = make_service(url, password_hash)
    with svc.client:
        yield svc
    svc.engine.dispose()


def fresh_credentials(svc: Service, path: str) -> dict[str, str]:
    """A new token for the role that may call `path`, users re-enabled: a fuzzed call that
    disabled a user or revoked a token must not turn the rest of the run into 401s."""
    role = "admin" if path.startswith(("/api/users", "/api/settings")) else "reb"
    secret = new_token()
    with svc.engine.begin() as conn:
        conn.execute(a.users.update().values(active=True, locked_until=None, failed_logins=0))
        access.add_token(conn, svc.ids[role], token_hash(secret), kind=TokenKind.API, name="fuzz")
    return {"Authorization": f"Bearer {secret}"}


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_input_makes_a_server_error(fuzzed: Service, mode: GenerationMode) -> None:
    """Valid inputs (positive) and inputs that break the schema (negative), every operation."""
    api = schemathesis.openapi.from_asgi("/openapi.json", fuzzed.client.app)
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) >= 30
    fuzzed_ops = 0
    for operation in operations:

        @given(case=operation.as_strategy(mode))
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))  # fmt: skip
        def check(case: schemathesis.Case) -> None:
            response = case.call(headers=fresh_credentials(fuzzed, case.path))
            case.validate_response(response, checks=[not_a_server_error])

        try:
            check()
        except Unsatisfiable:  # nothing to break: no parameters and no body
            assert mode is GenerationMode.NEGATIVE
            continue
        fuzzed_ops += 1
    assert fuzzed_ops >= 20
