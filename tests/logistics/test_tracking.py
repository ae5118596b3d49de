"""Parcels from orders, scans through the network, carrier hand-over and webhook, public
tracking — and the bad input: out of sequence, off the route, unknown number, duplicates."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shanhuo.kit.timeutil import utcnow
from shanhuo.logistics import service
from shanhuo.logistics.carriers import registry_for
from shanhuo.models import Order, Parcel, ParcelDeliveryTime, ParcelLegTime, ScanEvent
from tests.helpers.accounts import auth_headers, create_user
from tests.helpers.logistics import SETTINGS, build_county, inbound, paid_order_in_village, scan


def _scans(db: Session, parcel_id: int) -> int:
    return (
        db.scalar(
            select(func.count()).select_from(ScanEvent).where(ScanEvent.parcel_id == parcel_id)
        )
        or 0
    )


def test_paid_order_becomes_an_upward_parcel_at_its_village(db: Session) -> None:
    county = build_county(db)
    _shop, _buyer, order = paid_order_in_village(db, county, shelf_life_days=5, weight_g=1500)
    parcel = service.create_parcel_for_order(db, order.id, now=utcnow())
    assert parcel.direction == "up"
    assert parcel.status == "created"
    assert parcel.origin_node_id == county.villages[0].id
    assert parcel.hub_id == county.hub.id
    assert parcel.weight_g == 3000
    assert parcel.cold is True
    assert parcel.deadline_at == order.paid_at + timedelta(days=5)
    assert parcel.tracking_number.startswith("SH")
    assert service.create_parcel_for_order(db, order.id, now=utcnow()).id == parcel.id


def test_intake_picks_up_paid_orders_without_parcels(db: Session) -> None:
    county = build_county(db)
    _, _, first = paid_order_in_village(db, county)
    _, _, second = paid_order_in_village(db, county, village=county.villages[1])
    made = service.intake(db, now=utcnow())
    assert sorted(p.order_id for p in made) == sorted([first.id, second.id])
    assert service.intake(db, now=utcnow()) == []


def test_upward_journey_ships_then_delivers_the_order_and_records_times(
    db: Session, app: FastAPI, client: TestClient
) -> None:
    county = build_county(db)
    _, _, order = paid_order_in_village(db, county)
    parcel = service.create_parcel_for_order(db, order.id, now=utcnow())
    village, town, hub = county.villages[0], county.townships[0], county.hub
    start = utcnow()
    for minutes, event, node in (
        (10, "collected", village),
        (20, "departed", village),
        (60, "arrived", town),
        (90, "departed", town),
        (150, "arrived", hub),
    ):
        scan(db, parcel, event, node.id, at=start + timedelta(minutes=minutes))
    carriers = registry_for(app.state, SETTINGS.logistics_carrier_webhook_secret.get_secret_value())
    service.hand_to_carrier(
        db,
        parcel,
        carriers=carriers,
        now=start + timedelta(hours=3),
        settings=SETTINGS,
        actor_id=None,
    )
    db.commit()
    assert parcel.status == "with_carrier"
    assert parcel.carrier_tracking_number is not None and parcel.carrier_tracking_number.startswith(
        "ZTO"
    )
    assert db.get(Order, order.id).status == "shipped"
    assert db.get(Order, order.id).tracking_number == parcel.tracking_number

    body, signature = carriers.get("zto").webhook(
        parcel.carrier_tracking_number, "delivered", start + timedelta(hours=40)
    )
    response = client.post(
        "/api/logistics/carriers/zto/webhook",
        content=body,
        headers={"X-Carrier-Signature": signature},
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"duplicate": False, "status": "delivered"}
    again = client.post(
        "/api/logistics/carriers/zto/webhook",
        content=body,
        headers={"X-Carrier-Signature": signature},
    )
    assert again.json()["duplicate"] is True
    db.expire_all()
    assert db.get(Order, order.id).status == "delivered"
    times = db.get(ParcelDeliveryTime, parcel.id)
    assert times is not None
    assert times.origin_province == "61" and times.origin_macro == "west"
    assert times.hours == round(
        (start + timedelta(hours=40) - order.paid_at).total_seconds() / 3600, 3
    )
    legs = list(
        db.scalars(
            select(ParcelLegTime.leg)
            .where(ParcelLegTime.parcel_id == parcel.id)
            .order_by(ParcelLegTime.seq)
        )
    )
    assert (
        legs[0] == "paid>collected" and legs[-1] == "handed_to_carrier>delivered" and len(legs) == 7
    )


def test_webhook_with_a_bad_signature_is_refused(db: Session, client: TestClient) -> None:
    response = client.post(
        "/api/logistics/carriers/zto/webhook",
        content=b'{"tracking_number":"x","event":"delivered","at":"2026-01-01T00:00:00+00:00"}',
        headers={"X-Carrier-Signature": "0" * 64},
    )
    assert response.status_code == 403
    assert response.json()["code"] == "webhook_signature_invalid"


def test_carrier_failure_hands_nothing_over(db: Session, app: FastAPI) -> None:
    county = build_county(db)
    _, _, order = paid_order_in_village(db, county)
    parcel = service.create_parcel_for_order(db, order.id, now=utcnow())
    for event, node in (("collected", county.villages[0]), ("arrived", county.hub)):
        scan(db, parcel, event, node.id)
    carriers = registry_for(app.state, "s")
    carriers.get("zto").fail_next.append("timeout")
    import pytest

    from shanhuo.logistics.carriers import CarrierUnavailable

    before = _scans(db, parcel.id)
    with pytest.raises(CarrierUnavailable) as info:
        service.hand_to_carrier(
            db, parcel, carriers=carriers, now=utcnow(), settings=SETTINGS, actor_id=None
        )
    assert info.value.status == 503 and info.value.code == "carrier_timeout"
    assert parcel.status == "at_node" and parcel.carrier_tracking_number is None
    assert _scans(db, parcel.id) == before
    assert db.get(Order, order.id).status == "paid"


def test_scan_api_out_of_sequence_is_409_and_changes_nothing(
    db: Session, client: TestClient
) -> None:
    county = build_county(db)
    _, _, order = paid_order_in_village(db, county)
    parcel = service.create_parcel_for_order(db, order.id, now=utcnow())
    db.commit()
    headers = auth_headers(db, county.operator)
    response = client.post(
        f"/api/logistics/parcels/{parcel.tracking_number}/scans",
        json={"event": "delivered"},
        headers=headers,
    )
    assert response.status_code == 409
    assert response.json()["code"] == "scan_out_of_sequence"
    db.expire_all()
    assert db.get(Parcel, parcel.id).status == "created"
    assert _scans(db, parcel.id) == 0


def test_scan_at_a_node_off_the_route_is_422(db: Session, client: TestClient) -> None:
    county = build_county(db)
    _, _, order = paid_order_in_village(db, county)
    parcel = service.create_parcel_for_order(db, order.id, now=utcnow())
    db.commit()
    other_village = county.villages[-1]  # under the other township
    response = client.post(
        f"/api/logistics/parcels/{parcel.tracking_number}/scans",
        json={"event": "collected", "node_id": other_village.id},
        headers=auth_headers(db, county.operator),
    )
    assert response.status_code == 422
    assert response.json()["code"] == "scan_node_not_on_route"
    db.expire_all()
    assert db.get(Parcel, parcel.id).status == "created"
    assert _scans(db, parcel.id) == 0


def test_duplicate_scan_is_stored_once(db: Session, client: TestClient) -> None:
    county = build_county(db)
    _, _, order = paid_order_in_village(db, county)
    parcel = service.create_parcel_for_order(db, order.id, now=utcnow())
    db.commit()
    headers = auth_headers(db, county.keeper)
    body = {"event": "collected", "node_id": county.villages[0].id, "scan_id": "dev42-0001"}
    first = client.post(
        f"/api/logistics/parcels/{parcel.tracking_number}/scans", json=body, headers=headers
    )
    second = client.post(
        f"/api/logistics/parcels/{parcel.tracking_number}/scans", json=body, headers=headers
    )
    assert first.status_code == 201 and first.json()["duplicate"] is False
    assert second.status_code == 200 and second.json()["duplicate"] is True
    assert second.json()["scan_id"] == first.json()["scan_id"]
    assert _scans(db, parcel.id) == 1


def test_same_event_node_and_time_without_scan_id_is_idempotent(db: Session) -> None:
    county = build_county(db)
    parcel = inbound(db, county, county.villages[0], number="ZT0001")
    at = utcnow()
    first = scan(db, parcel, "departed", county.hub.id, at=at)
    second = scan(db, parcel, "departed", county.hub.id, at=at)
    assert first.created and not second.created
    assert second.event.id == first.event.id
    assert parcel.status == "in_transit"


def test_scan_authorization_matrix(db: Session, client: TestClient) -> None:
    county = build_county(db)
    parcel = inbound(db, county, county.villages[0], number="ZT0002")
    db.commit()
    url = f"/api/logistics/parcels/{parcel.tracking_number}/scans"
    body = {"event": "departed", "node_id": county.hub.id}
    assert client.post(url, json=body).status_code == 401
    stranger = create_user(db, roles=("buyer", "courier"))
    forbidden = client.post(url, json=body, headers=auth_headers(db, stranger))
    assert forbidden.status_code == 403 and forbidden.json()["code"] == "scan_not_allowed"
    assert _scans(db, parcel.id) == 1
    ok = client.post(url, json=body, headers=auth_headers(db, county.driver))
    assert ok.status_code == 201


def test_public_tracking_shows_masked_data(db: Session, client: TestClient) -> None:
    county = build_county(db)
    parcel = inbound(db, county, county.villages[0], number="ZT0003", mobile="13812341234")
    db.commit()
    for number in (parcel.tracking_number, "ZT0003"):
        response = client.get(f"/api/track/{number}")
        assert response.status_code == 200
        data = response.json()
        assert data["recipient"] == "张**" and data["recipient_mobile"] == "138****1234"
        assert data["status"] == "at_node"
        assert [s["event"] for s in data["scans"]] == ["received_from_carrier"]
        assert "13812341234" not in response.text and "张三丰" not in response.text
    page = client.get(f"/track/{parcel.tracking_number}")
    assert page.status_code == 200 and "138****1234" in page.text and "13812341234" not in page.text


def test_unknown_tracking_number_is_404(client: TestClient) -> None:
    response = client.get("/api/track/SH0000000000X")
    assert response.status_code == 404
    assert response.json()["code"] == "tracking_number_unknown"


def test_staff_parcel_view_is_masked(db: Session, client: TestClient) -> None:
    county = build_county(db)
    parcel = inbound(db, county, county.villages[0], number="ZT0004", mobile="13912345678")
    db.commit()
    response = client.get(
        f"/api/logistics/parcels/{parcel.tracking_number}", headers=auth_headers(db, county.driver)
    )
    assert response.status_code == 200
    assert response.json()["recipient_name"] == "张**"
    assert response.json()["recipient_mobile"] == "139****5678"


def test_seller_hands_order_to_network_authorization(db: Session, client: TestClient) -> None:
    county = build_county(db)
    shop, buyer, order = paid_order_in_village(db, county)
    db.commit()
    url = f"/api/logistics/orders/{order.id}/parcel"
    assert client.post(url).status_code == 401
    assert (
        client.post(url, headers=auth_headers(db, create_user(db, roles=("seller",)))).status_code
        == 404
    )
    assert client.post(url, headers=auth_headers(db, buyer)).status_code == 403
    assert db.scalar(select(func.count()).select_from(Parcel)) == 0
    seller = db.get(type(buyer), shop.owner_id)
    response = client.post(url, headers=auth_headers(db, seller))
    assert response.status_code == 201
    assert response.json()["recipient_name"] == "王**"
    assert response.json()["order_id"] == order.id
