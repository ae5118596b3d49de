"""Pickup codes: sent by SMS after commit when a parcel reaches its service point, limited
wrong attempts (counted even though refused), reminders and return to sender."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from shanhuo.kit.timeutil import utcnow
from shanhuo.logistics import pickup, service
from shanhuo.models import Parcel, PickupCode
from tests.helpers.accounts import auth_headers, console_sms, create_user
from tests.helpers.logistics import SETTINGS, build_county, inbound, scan


def _at_service_point(
    db: Session, app: FastAPI, client: TestClient, *, mobile: str = "13812341234"
) -> tuple[object, Parcel, str]:
    """Drive a downward parcel to its village point through the API; returns the code sent."""
    county = build_county(db)
    parcel = inbound(db, county, county.villages[0], number="YT9001", mobile=mobile)
    scan(db, parcel, "departed", county.hub.id)
    db.commit()
    console_sms(app).clear()
    response = client.post(
        f"/api/logistics/parcels/{parcel.tracking_number}/scans",
        json={"event": "arrived_service_point", "node_id": county.villages[0].id},
        headers=auth_headers(db, county.keeper),
    )
    assert response.status_code == 201, response.text
    code = console_sms(app).latest_code(mobile)
    assert code is not None and len(code) == 6 and code.isdigit()
    return county, parcel, code


def test_arrival_sends_a_code_and_the_right_code_delivers(
    db: Session, app: FastAPI, client: TestClient
) -> None:
    county, parcel, code = _at_service_point(db, app, client)
    outbox = console_sms(app).outbox
    assert len(outbox) == 1 and parcel.tracking_number in outbox[0].message.text
    row = db.query(PickupCode).filter_by(parcel_id=parcel.id).one()
    assert code not in row.code_hash
    assert row.free_until - row.arrived_at == timedelta(days=SETTINGS.logistics_free_storage_days)
    response = client.post(
        f"/api/logistics/parcels/{parcel.tracking_number}/pickup",
        json={"code": code},
        headers=auth_headers(db, county.keeper),  # type: ignore[attr-defined]
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "delivered"


def test_wrong_codes_are_counted_then_locked(db: Session, app: FastAPI, client: TestClient) -> None:
    county, parcel, code = _at_service_point(db, app, client)
    headers = auth_headers(db, county.keeper)  # type: ignore[attr-defined]
    wrong = "000000" if code != "000000" else "111111"
    url = f"/api/logistics/parcels/{parcel.tracking_number}/pickup"
    limit = SETTINGS.logistics_pickup_max_attempts
    for attempt in range(1, limit):
        response = client.post(url, json={"code": wrong}, headers=headers)
        assert response.status_code == 422
        assert response.json()["code"] == "pickup_code_wrong"
        assert response.json()["attempts_left"] == limit - attempt
    last = client.post(url, json={"code": wrong}, headers=headers)
    assert last.status_code == 429 and last.json()["code"] == "pickup_code_locked"
    # Locked: even the right code is refused now, and nothing changed.
    locked = client.post(url, json={"code": code}, headers=headers)
    assert locked.status_code == 429
    db.expire_all()
    assert db.get(Parcel, parcel.id).status == "awaiting_pickup"
    assert db.query(PickupCode).filter_by(parcel_id=parcel.id).one().attempts == limit
    # The keeper reissues (the villager shows ID); the new code works.
    console_sms(app).clear()
    assert (
        client.post(
            f"/api/logistics/parcels/{parcel.tracking_number}/pickup-code", headers=headers
        ).status_code
        == 202
    )
    fresh = console_sms(app).latest_code("13812341234")
    assert fresh is not None
    assert client.post(url, json={"code": fresh}, headers=headers).status_code == 200


def test_pickup_authorization_matrix(db: Session, app: FastAPI, client: TestClient) -> None:
    _county, parcel, code = _at_service_point(db, app, client)
    url = f"/api/logistics/parcels/{parcel.tracking_number}/pickup"
    assert client.post(url, json={"code": code}).status_code == 401
    other = create_user(db, roles=("courier",))
    assert client.post(url, json={"code": code}, headers=auth_headers(db, other)).status_code == 403
    db.expire_all()
    assert db.get(Parcel, parcel.id).status == "awaiting_pickup"
    assert db.query(PickupCode).filter_by(parcel_id=parcel.id).one().attempts == 0


def test_malformed_code_is_422_and_not_counted(
    db: Session, app: FastAPI, client: TestClient
) -> None:
    county, parcel, _ = _at_service_point(db, app, client)
    response = client.post(
        f"/api/logistics/parcels/{parcel.tracking_number}/pickup",
        json={"code": "12ab"},
        headers=auth_headers(db, county.keeper),  # type: ignore[attr-defined]
    )
    assert response.status_code == 422
    assert db.query(PickupCode).filter_by(parcel_id=parcel.id).one().attempts == 0


def test_storage_sweep_reminds_once_then_returns(db: Session) -> None:
    county = build_county(db)
    parcel = inbound(db, county, county.villages[0], number="YT9002")
    start = utcnow()
    scan(db, parcel, "departed", county.hub.id, at=start)
    outcome = scan(db, parcel, "arrived_service_point", county.villages[0].id, at=start)
    assert len(outcome.outbox) == 1
    early = service.sweep_storage(db, now=start + timedelta(days=1), settings=SETTINGS)
    assert early.reminders == [] and early.returned == []
    late = service.sweep_storage(
        db,
        now=start + timedelta(days=SETTINGS.logistics_free_storage_days, minutes=1),
        settings=SETTINGS,
    )
    assert len(late.reminders) == 1 and late.reminders[0].mobile == "13812341234"
    again = service.sweep_storage(
        db,
        now=start + timedelta(days=SETTINGS.logistics_free_storage_days, hours=2),
        settings=SETTINGS,
    )
    assert again.reminders == []
    gone = service.sweep_storage(
        db,
        now=start + timedelta(days=SETTINGS.logistics_return_after_days, minutes=1),
        settings=SETTINGS,
    )
    assert gone.returned == [parcel.tracking_number]
    assert parcel.status == "returned"
    assert pickup.code_of(db, parcel).returned_at is not None  # type: ignore[union-attr]
