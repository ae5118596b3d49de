"""Apply and decide through the API: approvals and declines with reasons, bad input refused
with nothing stored, the authorization matrix, and the audit re-score."""

from __future__ import annotations

import json
import time

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shanhuo.finance import service
from shanhuo.models import CreditDecision, CreditOffer
from tests.helpers.accounts import auth_headers, create_user
from tests.helpers.finance import good_store, install_model, owner_of, poor_store


def _count(db: Session) -> tuple[int, int]:
    return (
        db.scalar(select(func.count()).select_from(CreditDecision)) or 0,
        db.scalar(select(func.count()).select_from(CreditOffer)) or 0,
    )


def test_a_trading_store_is_approved_with_an_offer_apr_and_reasons(
    client: TestClient, db: Session
) -> None:
    install_model(db)
    store = good_store(db)
    headers = auth_headers(db, owner_of(db, store))
    warm = client.post(  # the first request of a run pays for imports and caches
        "/api/credit/applications",
        headers=headers,
        json={"store_id": store.id, "amount_fen": 100_000, "term_days": 30},
    )
    assert warm.status_code == 201
    started = time.perf_counter()
    r = client.post(
        "/api/credit/applications",
        headers=headers,
        json={"store_id": store.id, "amount_fen": 800_000, "term_days": 90},
    )
    elapsed = time.perf_counter() - started
    assert r.status_code == 201, r.text
    body = r.json()
    assert elapsed < 1.0
    assert body["outcome"] == "approved"
    assert body["band"] in ("A", "B", "C")
    assert body["limit_fen"] >= 800_000
    assert body["offer"]["amount_fen"] == 800_000
    assert body["offer"]["apr"] == str(
        (__import__("decimal").Decimal(body["offer"]["daily_rate"]) * 365).quantize(
            __import__("decimal").Decimal("0.000001")
        )
    )
    assert body["offer"]["apr_percent"].endswith("%")
    assert body["offer"]["total_interest_fen"] > 0
    assert body["model_version"] == "m1" and body["policy_version"] == "p1"
    assert all(r["code"].startswith("R") and r["zh"] and r["en"] for r in body["reasons"])
    assert set(body["features"]) >= {"store_age_days", "orders_90d", "refund_rate_90d"}


def test_a_weak_store_is_declined_with_reasons_and_no_offer(
    client: TestClient, db: Session
) -> None:
    install_model(db)
    store = poor_store(db)
    r = client.post(
        "/api/credit/applications",
        headers=auth_headers(db, owner_of(db, store)),
        json={"store_id": store.id, "amount_fen": 200_000, "term_days": 30},
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["outcome"] == "declined" and body["limit_fen"] == 0 and body["offer"] is None
    codes = [x["code"] for x in body["reasons"]]
    assert codes[-1] == "P01_SCORE_BELOW_CUTOFF"
    assert len(codes) == 4


def test_amount_or_term_out_of_policy_is_refused_and_nothing_stored(
    client: TestClient, db: Session
) -> None:
    install_model(db)
    store = good_store(db)
    headers = auth_headers(db, owner_of(db, store))
    for amount, term, status, code in [
        (50_000, 30, 422, "amount_out_of_policy"),
        (30_000_000, 30, 422, "amount_out_of_policy"),
        (0, 30, 422, "amount_not_positive"),
        (-100, 30, 422, "amount_not_positive"),
        (200_000, 3, 422, "term_out_of_policy"),
        (200_000, 400, 422, "term_out_of_policy"),
    ]:
        r = client.post(
            "/api/credit/applications",
            headers=headers,
            json={"store_id": store.id, "amount_fen": amount, "term_days": term},
        )
        assert (r.status_code, r.json()["code"]) == (status, code)
    assert _count(db) == (0, 0)


def test_authorization_matrix_for_applying(client: TestClient, db: Session) -> None:
    install_model(db)
    store = good_store(db)
    body = {"store_id": store.id, "amount_fen": 200_000, "term_days": 30}
    assert client.post("/api/credit/applications", json=body).status_code == 401
    other = create_user(db, roles=("seller",))
    r = client.post("/api/credit/applications", headers=auth_headers(db, other), json=body)
    assert (r.status_code, r.json()["code"]) == (403, "store_not_owned")
    assert _count(db) == (0, 0)
    r = client.post(
        "/api/credit/applications", headers=auth_headers(db, owner_of(db, store)), json=body
    )
    assert r.status_code == 201


def test_without_a_promoted_model_credit_is_unavailable(client: TestClient, db: Session) -> None:
    install_model(db, promoted=False)
    store = good_store(db)
    r = client.post(
        "/api/credit/applications",
        headers=auth_headers(db, owner_of(db, store)),
        json={"store_id": store.id, "amount_fen": 200_000, "term_days": 30},
    )
    assert (r.status_code, r.json()["code"]) == (503, "no_promoted_model")
    assert _count(db) == (0, 0)


def test_decisions_are_readable_by_owner_and_analyst_only(client: TestClient, db: Session) -> None:
    install_model(db)
    store = good_store(db)
    owner = owner_of(db, store)
    r = client.post(
        "/api/credit/applications",
        headers=auth_headers(db, owner),
        json={"store_id": store.id, "amount_fen": 200_000, "term_days": 30},
    )
    decision_id = r.json()["id"]
    url = f"/api/credit/decisions/{decision_id}"
    assert client.get(url).status_code == 401
    assert (
        client.get(url, headers=auth_headers(db, create_user(db, roles=("seller",)))).status_code
        == 404
    )
    assert client.get(url, headers=auth_headers(db, owner)).json()["id"] == decision_id
    analyst = create_user(db, roles=("analyst",))
    assert client.get(url, headers=auth_headers(db, analyst)).status_code == 200
    listed = client.get(
        f"/api/credit/decisions?store_id={store.id}", headers=auth_headers(db, owner)
    )
    assert [d["id"] for d in listed.json()] == [decision_id]


def test_a_stored_decision_is_reproduced_from_its_record(db: Session) -> None:
    install_model(db)
    from tests.helpers.finance import apply_for

    for store in (good_store(db), poor_store(db)):
        decision = apply_for(db, store)
        assert service.rescore(db, decision.id) == decision.score
        tampered = json.loads(decision.features_json)
        tampered["orders_90d"] = 0.0
        decision.features_json = json.dumps(tampered)
        db.flush()
        assert service.rescore(db, decision.id) != decision.score or decision.outcome == "declined"


def test_applying_with_a_loan_outstanding_is_refused(client: TestClient, db: Session) -> None:
    install_model(db)
    from tests.helpers.finance import disbursed_loan

    loan = disbursed_loan(db)
    store_owner = owner_of(
        db, db.get(__import__("shanhuo.models", fromlist=["Store"]).Store, loan.store_id)
    )
    before = _count(db)
    r = client.post(
        "/api/credit/applications",
        headers=auth_headers(db, store_owner),
        json={"store_id": loan.store_id, "amount_fen": 200_000, "term_days": 30},
    )
    assert (r.status_code, r.json()["code"]) == (409, "loan_outstanding")
    assert _count(db) == before
