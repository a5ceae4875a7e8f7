"""Access control on SQLite and PostgreSQL: every operation needs credentials, roles limit what
a user may do, an advisor cannot touch another advisor's household, revoked tokens and disabled
users are locked out, sessions need their CSRF token, and logins are throttled."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from api_service import PASSWORD, Service, make_service, state

PATH_VALUES = {
    **{"household_id": "H1", "account_id": "A1", "model_id": "M60", "lot_id": "L1"},
    **{"user_id": "1", "token_id": "1", "restriction_id": "0", "request_id": "0"},
    **{"alternate_id": "0", "proposal_id": "1", "run_id": "1", "release_id": "1"},
}


def operations(svc: Service) -> list[tuple[str, str]]:
    """Every (method, concrete path) the OpenAPI schema publishes."""
    out = []
    for path, methods in svc.client.app.openapi()["paths"].items():  # type: ignore[attr-defined]
        concrete = re.sub(r"\{(\w+)\}", lambda m: PATH_VALUES[m.group(1)], path)
        out += [(method.upper(), concrete) for method in methods]
    return out


def test_every_operation_needs_credentials(service: Service) -> None:
    ops = operations(service)
    assert len(ops) >= 30
    before = state(service)
    for method, path in ops:
        if path == "/api/auth/token":
            continue  # the login itself: wrong credentials are a 401 too, tested below
        response = service.client.request(method, path, json={})
        assert response.status_code == 401, (method, path, response.text)
        bad = {"Authorization": "Bearer not-a-token"}
        assert service.client.request(method, path, json={}, headers=bad).status_code == 401
    assert state(service) == before


ADVISOR_ON_OTHERS = [
    ("GET", "/api/households/H2", None),
    ("GET", "/api/households/H2/restrictions", None),
    ("GET", "/api/households/H2/cash-requests", None),
    ("GET", "/api/households/H2/tax-report", None),
    ("GET", "/api/households/H2/frontier", None),
    ("GET", "/api/accounts/A3", None),
    ("GET", "/api/accounts/A3/lots", None),
    ("GET", "/api/accounts/A3/frontier", None),
    ("POST", "/api/households/H2/what-if", {"cash_requests": []}),
    ("POST", "/api/cash-requests", {"scope": "A3", "amount": "-10"}),
    ("POST", "/api/cash-requests", {"scope": "H2", "amount": "10"}),
    ("POST", "/api/restrictions", {"scope": "A3", "target": "VTI", "rule": "no_buy"}),
    ("DELETE", "/api/restrictions/1", None),
    ("DELETE", "/api/cash-requests/0", None),
    ("PATCH", "/api/households/H2", {"name": "x"}),
    ("PATCH", "/api/accounts/A3", {"cash_reserve": "1"}),
    ("POST", "/api/lots", {"lot_id": "X", "account_id": "A3", "symbol": "VTI", "quantity": "1",
                           "cost_basis": "1", "acquired": "2020-01-01"}),
    ("DELETE", "/api/lots/L5", None),
]  # fmt: skip


def test_an_advisor_cannot_see_or_change_another_advisors_household(service: Service) -> None:
    before = state(service)
    for method, path, body in ADVISOR_ON_OTHERS:
        response = service.client.request(method, path, json=body, headers=service.as_("adv1"))
        assert response.status_code in (403, 404), (method, path, response.text)
    listed = service.client.get("/api/households", headers=service.as_("adv1")).json()
    assert [h["household_id"] for h in listed["items"]] == ["H1"]
    model = service.client.get("/api/models/M60", headers=service.as_("adv2")).json()
    assert {a["household_id"] for a in model["accounts"]["items"]} <= {"H2"}
    assert state(service) == before


MATRIX = [
    # (method, path, body, {role: expected status})
    ("GET", "/api/households/H1", None, {"admin": 200, "reb": 200, "adv1": 200, "adv2": 404}),
    ("PATCH", "/api/households/H1", {"name": "Smyth"},
     {"admin": 403, "reb": 200, "adv1": 403, "adv2": 403}),
    ("POST", "/api/cash-requests", {"scope": "A1", "amount": "-50"},
     {"admin": 403, "reb": 201, "adv1": 201, "adv2": 404}),
    ("PUT", "/api/models/EQ", {"components": [{"component": "VTI", "weight": "1"}]},
     {"admin": 403, "reb": 200, "adv1": 403, "adv2": 403}),
    ("GET", "/api/users", None, {"admin": 200, "reb": 403, "adv1": 403, "adv2": 403}),
    ("POST", "/api/users", {"username": "new", "password": "long enough", "role": "advisor"},
     {"reb": 403, "adv1": 403, "adv2": 403, "admin": 201}),
    ("GET", "/api/settings", None, {"admin": 200, "reb": 403, "adv1": 403, "adv2": 403}),
    ("POST", "/api/households/H1/what-if", {}, {"admin": 403, "reb": 200, "adv1": 200,
                                                 "adv2": 404}),
]  # fmt: skip


def test_role_matrix(service: Service) -> None:
    for method, path, body, expected in MATRIX:
        for role, status in expected.items():
            response = service.client.request(method, path, json=body, headers=service.as_(role))
            assert response.status_code == status, (role, method, path, response.text)


def test_a_revoked_token_stops_working(service: Service) -> None:
    c = service.client
    made = c.post("/api/tokens", json={"name": "laptop"}, headers=service.as_("adv1"))
    assert made.status_code == 201
    token = {"Authorization": f"Bearer {made.json()['token']}"}
    assert c.get("/api/me", headers=token).json()["username"] == "adv1"
    # another user cannot revoke it; its owner can
    tid = made.json()["token_id"]
    assert c.delete(f"/api/tokens/{tid}", headers=service.as_("adv2")).status_code == 404
    assert c.get("/api/me", headers=token).status_code == 200
    assert c.delete(f"/api/tokens/{tid}", headers=token).status_code == 204
    assert c.get("/api/me", headers=token).status_code == 401
    assert c.get("/api/households", headers=token).status_code == 401
    # an admin may revoke anyone's token
    other = c.post("/api/tokens", json={"name": "x"}, headers=service.as_("adv2")).json()
    assert c.delete(f"/api/tokens/{other['token_id']}", headers=service.as_("admin")
                    ).status_code == 204  # fmt: skip
    assert c.get("/api/me", headers={"Authorization": f"Bearer {other['token']}"}
                 ).status_code == 401  # fmt: skip


def test_a_disabled_user_cannot_log_in_and_loses_their_tokens(service: Service) -> None:
    c = service.client
    login = {"username": "adv2", "password": PASSWORD}
    assert c.post("/api/auth/token", json=login).status_code == 201
    uid = service.ids["adv2"]
    off = c.patch(f"/api/users/{uid}", json={"active": False}, headers=service.as_("admin"))
    assert off.status_code == 200 and off.json()["active"] is False
    assert c.post("/api/auth/token", json=login).status_code == 401
    assert c.get("/api/me", headers=service.as_("adv2")).status_code == 401
    page = c.post("/login", data=login, follow_redirects=False)
    assert page.status_code == 200 and "disabled" in page.text


def test_wrong_passwords_are_throttled(service: Service) -> None:
    c = service.client
    for _ in range(5):
        assert c.post("/api/auth/token", json={"username": "reb", "password": "nope nope"}
                      ).status_code == 401  # fmt: skip
    locked = c.post("/api/auth/token", json={"username": "reb", "password": PASSWORD})
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0
    # an unknown user answers like a wrong password
    assert c.post("/api/auth/token", json={"username": "who", "password": "x"}).status_code == 401


def test_a_browser_session_needs_its_csrf_token_for_changes(service: Service) -> None:
    c = service.client
    page = c.post("/login", data={"username": "adv1", "password": PASSWORD},
                  follow_redirects=False)  # fmt: skip
    assert page.status_code == 303
    cookie = page.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    me = c.get("/api/me")
    assert me.status_code == 200
    session = next(t for t in c.get("/api/tokens").json() if t["kind"] == "session")
    lasts = datetime.fromisoformat(session["expires_at"]) - datetime.fromisoformat(
        session["created_at"]
    )
    assert abs(lasts - timedelta(hours=12)) < timedelta(minutes=1)
    csrf = me.json()["csrf_token"]
    body = {"scope": "A1", "amount": "-25"}
    assert c.post("/api/cash-requests", json=body).status_code == 403
    assert c.post("/api/cash-requests", json=body, headers={"X-CSRF-Token": "x"}).status_code == 403
    done = c.post("/api/cash-requests", json=body, headers={"X-CSRF-Token": csrf})
    assert done.status_code == 201
    assert c.post("/logout", data={"csrf_token": csrf}, follow_redirects=False).status_code == 303
    assert c.get("/api/me").status_code == 401


def test_the_session_cookie_is_secure_by_default(sqlite_url: str, password_hash: str) -> None:
    svc = make_service(sqlite_url, password_hash, secure_cookies=True)
    page = svc.client.post("/login", data={"username": "reb", "password": PASSWORD},
                           follow_redirects=False)  # fmt: skip
    assert "Secure" in page.headers["set-cookie"]


def test_the_api_reference_is_served_from_the_schema_without_scripts(service: Service) -> None:
    page = service.client.get("/docs")
    assert page.status_code == 200
    assert "<script" not in page.text and "cdn" not in page.text.lower()
    for path in service.client.app.openapi()["paths"]:  # type: ignore[attr-defined]
        assert f" {path}</code>" in page.text
    assert service.client.get("/openapi.json").json()["info"]["title"] == "trimtab"
