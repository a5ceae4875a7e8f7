"""The daily run through the API (SQLite and PostgreSQL): the queue, proposals, decisions,
releases, runs and the audit log, with who may do what."""

from __future__ import annotations

import time

import pytest
from api_service import Service, run_the_day


@pytest.fixture
def reviewed(service: Service) -> Service:
    run_the_day(service)
    return service


def test_the_queue_filters_sorts_and_pages_in_the_database(reviewed: Service) -> None:
    c, reb = reviewed.client, reviewed.as_("reb")
    everything = c.get("/api/queue", headers=reb).json()
    assert everything["total"] == 2
    assert [r["household_id"] for r in everything["items"]] == ["H1", "H2"]
    assert everything["items"][0]["advisors"] == ["adv1"]
    assert everything["items"][0]["name"] == "Smith"
    first = c.get("/api/queue?limit=1&sort=-household", headers=reb).json()
    assert (first["total"], [r["household_id"] for r in first["items"]]) == (2, ["H2"])
    by_value = c.get("/api/queue?sort=-value", headers=reb).json()["items"]
    values = [float(r["value"]) for r in by_value]
    assert values == sorted(values, reverse=True)
    assert c.get("/api/queue?household=H2", headers=reb).json()["total"] == 1
    assert c.get("/api/queue?advisor=adv2", headers=reb).json()["items"][0]["household_id"] == "H2"
    assert c.get("/api/queue?state=approved", headers=reb).json()["total"] == 0
    rules = {rule for r in everything["items"] for rule in r["rules"]}
    for rule in rules:
        found = c.get(f"/api/queue?rule={rule}", headers=reb).json()["items"]
        assert found and all(rule in r["rules"] for r in found)
    assert c.get("/api/queue?rule=no_such_rule", headers=reb).json()["total"] == 0
    statuses = {r["status"] for r in everything["items"]}
    for status in statuses:
        found = c.get(f"/api/queue?status={status}", headers=reb).json()["items"]
        assert {r["status"] for r in found} == {status}
    mine = c.get("/api/queue", headers=reviewed.as_("adv1")).json()
    assert [r["household_id"] for r in mine["items"]] == ["H1"]
    assert c.get("/api/queue?sort=sideways", headers=reb).status_code == 422


def test_a_proposal_shows_every_trade_with_its_reason(reviewed: Service) -> None:
    c = reviewed.client
    row = c.get("/api/queue?household=H1", headers=reviewed.as_("adv1")).json()["items"][0]
    detail = c.get(f"/api/proposals/{row['proposal_id']}", headers=reviewed.as_("adv1")).json()
    assert detail["current"] is True and detail["household_id"] == "H1"
    assert (detail["name"], detail["advisors"], detail["rules"]) == (
        "Smith",
        ["adv1"],
        row["rules"],
    )
    proposal = detail["payload"]["proposal"]
    assert len(proposal["trades"]) == row["trades"]
    assert all(t["reason"] for t in proposal["trades"])
    assert {a["account_id"] for a in proposal["accounts"]} == {"A1", "A2"}
    other = c.get("/api/queue?household=H2", headers=reviewed.as_("reb")).json()["items"][0]
    hidden = c.get(f"/api/proposals/{other['proposal_id']}", headers=reviewed.as_("adv1"))
    assert hidden.status_code == 404


def test_decisions_follow_the_states_and_are_audited(reviewed: Service) -> None:
    c, reb = reviewed.client, reviewed.as_("reb")
    pid = c.get("/api/queue?household=H1", headers=reb).json()["items"][0]["proposal_id"]
    assert c.post(f"/api/proposals/{pid}/approve", json={}, headers=reviewed.as_("adv1")
                  ).status_code == 403  # fmt: skip
    assert c.post(f"/api/proposals/{pid}/approve", json={}, headers=reviewed.as_("admin")
                  ).status_code == 403  # fmt: skip
    done = c.post(f"/api/proposals/{pid}/approve", json={"note": "checked"}, headers=reb)
    assert done.status_code == 200, done.text
    assert (done.json()["state"], done.json()["decided_by"], done.json()["note"]) == (
        "approved", "reb", "checked")  # fmt: skip
    assert c.post(f"/api/proposals/{pid}/approve", json={}, headers=reb).status_code == 409
    rejected = c.post(f"/api/proposals/{pid}/reject", json={"note": "client called"}, headers=reb)
    assert rejected.json()["state"] == "rejected"
    assert c.post(f"/api/proposals/{pid}/approve", json={}, headers=reb).json()["state"] == (
        "approved"
    )
    release = c.post("/api/orders/release", headers=reb)
    assert release.status_code == 201
    assert release.json()["proposals"] == [pid]
    orders = release.json()["orders"]
    for o in orders:
        assert sum(float(a["quantity"]) for a in o["allocations"]) == pytest.approx(
            float(o["quantity"])
        )
    again = c.get(f"/api/releases/{release.json()['release_id']}", headers=reb).json()
    assert again == release.json()
    assert c.post(f"/api/proposals/{pid}/reject", json={}, headers=reb).status_code == 409
    events = c.get(f"/api/audit?subject=proposal:{pid}", headers=reb).json()["items"]
    assert [(e["action"], e["actor"]) for e in events][:3] == [
        ("approve", "reb"), ("reject", "reb"), ("approve", "reb")]  # fmt: skip
    assert c.get("/api/audit", headers=reviewed.as_("adv1")).status_code == 403


def test_every_change_is_in_the_audit_log_with_its_actor(reviewed: Service) -> None:
    c = reviewed.client
    made = c.post("/api/cash-requests", json={"scope": "A1", "amount": "-75"},
                  headers=reviewed.as_("adv1")).json()  # fmt: skip
    c.patch("/api/households/H2", json={"name": "Jones-Smith"}, headers=reviewed.as_("reb"))
    c.post("/api/users", json={"username": "ann", "password": "long enough", "role": "advisor"},
           headers=reviewed.as_("admin"))  # fmt: skip
    events = c.get("/api/audit?limit=10", headers=reviewed.as_("admin")).json()["items"]
    seen = {(e["actor"], e["action"], e["subject"]) for e in events}
    assert ("adv1", "cash_request.add", f"household:H1/cash_request:{made['id']}") in seen
    assert ("reb", "household.update", "household:H2/") in seen
    assert ("admin", "user.add", "user:ann") in seen
    mine = c.get("/api/audit?actor=adv1", headers=reviewed.as_("reb")).json()["items"]
    assert mine and all(e["actor"] == "adv1" for e in mine)


def test_a_run_is_started_and_followed(service: Service) -> None:
    c, reb = service.client, service.as_("reb")
    assert c.post("/api/runs", json={}, headers=service.as_("adv1")).status_code == 403
    assert c.get("/api/runs/current", headers=reb).status_code == 404
    started = c.post("/api/runs", json={"method": "baseline"}, headers=reb)
    assert started.status_code == 202 and started.json()["state"] == "running"
    deadline = time.monotonic() + 120
    while (job := c.get("/api/runs/current", headers=reb).json())["state"] == "running":
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert job["state"] == "done", job
    assert (job["done"], job["total"]) == (2, 2)
    run = c.get(f"/api/runs/{job['run_id']}", headers=reb).json()
    assert (run["status"], run["actor"], run["method"], run["proposed"]) == (
        "done", "reb", "baseline", 2)  # fmt: skip
    assert c.get("/api/runs", headers=reb).json()["items"][0]["run_id"] == job["run_id"]
    assert c.get("/api/queue", headers=reb).json()["total"] == 2


def test_the_pages_decide_with_csrf_and_say_why_a_decision_is_refused(
    sqlite_service: Service,
) -> None:
    from api_service import PASSWORD

    svc = sqlite_service
    run_the_day(svc)
    c = svc.client
    pid = c.get("/api/queue?household=H2", headers=svc.as_("reb")).json()["items"][0]["proposal_id"]
    assert c.post("/login", data={"username": "reb", "password": PASSWORD},
                  follow_redirects=False).status_code == 303  # fmt: skip
    csrf = c.get("/api/me").json()["csrf_token"]
    refused = c.post(f"/proposals/{pid}/approve", data={"csrf_token": "wrong"})
    assert refused.status_code == 403
    done = c.post(f"/proposals/{pid}/approve", data={"csrf_token": csrf, "note": "ok"},
                  follow_redirects=False)  # fmt: skip
    assert (done.status_code, done.headers["location"]) == (303, "/households/H2")
    page = c.get("/households/H2")
    assert 'data-testid="proposal-state">approved<' in page.text
    again = c.post(f"/proposals/{pid}/approve", data={"csrf_token": csrf})
    assert "cannot be approved" in again.text and 'role="alert"' in again.text
    queue = c.get("/queue?state=approved")
    assert "H2" in queue.text and "H1" not in queue.text.split("<tbody>")[1]
