"""Human review on request, the analyst queue, monitoring, and the pages (context + render)."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shanhuo.finance import monitoring
from shanhuo.kit.timeutil import utcnow
from shanhuo.models import CreditOffer, CreditReview, Store
from tests.helpers.accounts import auth_headers, create_user
from tests.helpers.finance import (
    apply_for,
    disbursed_loan,
    good_store,
    install_model,
    owner_of,
    poor_store,
)


def test_seller_asks_for_review_and_analyst_approves_a_declined_application(
    client: TestClient, db: Session
) -> None:
    install_model(db)
    store = poor_store(db)
    decision = apply_for(db, store, amount_fen=200_000, term_days=30)
    assert decision.outcome == "declined"
    db.commit()
    owner = auth_headers(db, owner_of(db, store))
    url = f"/api/credit/decisions/{decision.id}/review"
    assert client.post(url, json={"note": "刚开店"}).status_code == 401
    assert (
        client.post(
            url, headers=auth_headers(db, create_user(db, roles=("seller",))), json={}
        ).status_code
        == 404
    )
    r = client.post(url, headers=owner, json={"note": "刚开店，订单在增长"})
    assert r.status_code == 201 and r.json()["status"] == "pending"
    again = client.post(url, headers=owner, json={})
    assert (again.status_code, again.json()["code"]) == (409, "review_already_requested")
    assert client.get("/api/credit/reviews", headers=owner).status_code == 403
    analyst = auth_headers(db, create_user(db, roles=("analyst",)))
    queue = client.get("/api/credit/reviews", headers=analyst).json()
    assert [q["decision_id"] for q in queue] == [decision.id]
    review_id = queue[0]["id"]
    assert (
        client.post(
            f"/api/credit/reviews/{review_id}",
            headers=owner,
            json={"outcome": "approved", "note": "x"},
        ).status_code
        == 403
    )
    r = client.post(
        f"/api/credit/reviews/{review_id}",
        headers=analyst,
        json={"outcome": "approved", "note": "核实线下订单，批准"},
    )
    assert r.status_code == 200 and r.json()["status"] == "approved"
    seen = client.get(f"/api/credit/decisions/{decision.id}", headers=owner).json()
    assert seen["outcome"] == "declined"  # the automated record is unchanged
    assert seen["review_status"] == "approved"
    assert seen["offer"]["source"] == "review" and seen["offer"]["amount_fen"] == 200_000
    twice = client.post(
        f"/api/credit/reviews/{review_id}",
        headers=analyst,
        json={"outcome": "declined", "note": "again"},
    )
    assert (twice.status_code, twice.json()["code"]) == (409, "review_already_decided")
    page = client.get(f"/seller/credit?store_id={store.id}", headers=owner)
    assert page.status_code == 200 and "核实线下订单，批准" in page.text


def test_analyst_declining_withdraws_the_open_offer(client: TestClient, db: Session) -> None:
    install_model(db)
    store = good_store(db)
    decision = apply_for(db, store)
    db.commit()
    owner = auth_headers(db, owner_of(db, store))
    client.post(f"/api/credit/decisions/{decision.id}/review", headers=owner, json={})
    analyst = auth_headers(db, create_user(db, roles=("analyst",)))
    review_id = db.scalars(select(CreditReview.id)).one()
    r = client.post(
        f"/analyst/credit/reviews/{review_id}",
        headers=analyst,
        data={"outcome": "declined", "note": "资料不符"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert db.scalars(select(CreditOffer.status)).all() == ["withdrawn"]


def test_credit_page_apply_form_and_loan_statement(client: TestClient, db: Session) -> None:
    install_model(db)
    store = good_store(db)
    owner = auth_headers(db, owner_of(db, store))
    page = client.get("/seller/credit", headers=owner)
    assert page.status_code == 200 and "申请贷款" in page.text
    r = client.post(
        "/seller/credit/apply",
        headers=owner,
        follow_redirects=False,
        data={
            "store_id": store.id,
            "amount_yuan": "3000",
            "term_days": 60,
            "method": "interest_first",
        },
    )
    assert r.status_code == 303
    page = client.get(f"/seller/credit?store_id={store.id}", headers=owner)
    assert "年化利率（单利）" in page.text and "接受并放款到店铺余额" in page.text
    offer_id = db.scalars(select(CreditOffer.id)).one()
    r = client.post(
        f"/seller/credit/offers/{offer_id}/accept", headers=owner, follow_redirects=False
    )
    assert r.status_code == 303
    statement = client.get(r.headers["location"], headers=owner)
    assert (
        statement.status_code == 200
        and "还款计划" in statement.text
        and "¥3,000.00" in statement.text
    )
    bad = client.post(
        "/seller/credit/apply",
        headers=owner,
        data={"store_id": store.id, "amount_yuan": "abc", "term_days": 60},
    )
    assert bad.status_code == 422


def test_monitoring_groups_and_financing_by_region(client: TestClient, db: Session) -> None:
    install_model(db)
    loan = disbursed_loan(db)
    poor = poor_store(db)
    apply_for(db, poor)
    db.get(Store, loan.store_id)
    summary = monitoring.fairness(db)
    west = next(g for g in summary["by_region"] if g["key"] == "west")
    assert (west["decisions"], west["approved"], west["loans"], west["bad"]) == (2, 1, 1, 0)
    assert west["approval_rate"] == 0.5
    young = next(g for g in summary["by_age"] if g["key"] == "lt_6m")
    assert (young["decisions"], young["approved"]) == (1, 0)
    drift = monitoring.drift(db, now=utcnow())
    assert drift is not None and drift["decisions"] == 2 and drift["psi"] is not None
    assert drift["verdict"] == "too_few"
    rows = monitoring.financing_by_region_year(db)
    assert [(r["region"], r["loans"], r["principal_fen"]) for r in rows] == [
        ("west", 1, loan.principal_fen)
    ]
    db.commit()
    analyst = auth_headers(db, create_user(db, roles=("analyst",)))
    page = client.get("/analyst/credit", headers=analyst)
    assert page.status_code == 200 and "评分漂移" in page.text
    assert (
        client.get("/analyst/credit", headers=auth_headers(db, owner_of(db, poor))).status_code
        == 403
    )
    assert client.get("/api/credit/monitoring", headers=analyst).json()["fairness"]["by_region"]
    queue = client.get("/analyst/credit/reviews", headers=analyst)
    assert queue.status_code == 200
    assert db.scalar(select(func.count()).select_from(CreditReview)) == 0
    _ = timedelta
