"""Logistics pages: contexts rendered, masked personal data, forms answering 303, and who may
open which page."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from shanhuo.kit.timeutil import to_shanghai, utcnow
from shanhuo.logistics import service
from shanhuo.logistics.routing import publishing, queries
from shanhuo.logistics.routing import service as routing
from shanhuo.models import Parcel, PickupCode, Route, User
from tests.helpers.accounts import auth_headers, console_sms, create_user
from tests.helpers.logistics import SETTINGS, build_county, inbound, paid_order_in_village, scan

HTML = {"accept": "text/html"}


def _as(db: Session, user: User) -> dict[str, str]:
    return {**HTML, **auth_headers(db, user)}


def test_hub_page_builds_and_publishes_routes(db: Session, client: TestClient) -> None:
    county = build_county(db)
    for i, village in enumerate(county.villages[:3]):
        inbound(db, county, village, number=f"PG10{i:02d}", cold=i == 0)
    db.commit()
    url = f"/hub/{county.code}"
    assert client.get(url, headers=HTML, follow_redirects=False).status_code == 303  # sign in first
    assert client.get(url, headers=_as(db, county.keeper)).status_code == 403
    page = client.get(url, headers=_as(db, county.operator))
    assert page.status_code == 200
    assert county.villages[0].name in page.text and "生成线路" in page.text
    day = to_shanghai(utcnow()).date().isoformat()
    built = client.post(
        f"{url}/plans", data={"day": day}, headers=_as(db, county.operator), follow_redirects=False
    )
    assert built.status_code == 303
    plan = queries.current_plan(db, county.hub, to_shanghai(utcnow()).date())
    assert plan is not None and plan.status == "draft"
    published = client.post(
        f"{url}/plans/{plan.id}/publish", headers=_as(db, county.operator), follow_redirects=False
    )
    assert published.status_code == 303
    page = client.get(url, headers=_as(db, county.operator))
    assert "已发布" in page.text and "件数 × 公里" in page.text
    svg = client.get(f"{url}/map", headers=_as(db, county.operator))
    assert svg.status_code == 200 and "<svg" in svg.text and "<polyline" in svg.text
    assert "http://" not in svg.text.split("<svg", 1)[1].split("</svg>")[0]


def test_hub_page_without_vehicles_says_so(db: Session, client: TestClient) -> None:
    county = build_county(db, vehicles=0, refrigerated=0)
    db.commit()
    day = to_shanghai(utcnow()).date().isoformat()
    response = client.post(
        f"/hub/{county.code}/plans", data={"day": day}, headers=_as(db, county.operator)
    )
    assert response.status_code == 422
    assert "没有可用车辆" in response.text


def test_driver_sheet_is_masked_and_scans(db: Session, app: FastAPI, client: TestClient) -> None:
    county = build_county(db, vehicles=1)
    inbound(db, county, county.villages[0], number="PG2000", mobile="13812341234")
    plan = routing.build_plan(
        db,
        county.hub,
        to_shanghai(utcnow()).date(),
        settings=SETTINGS,
        now=utcnow(),
        actor_id=None,
        seconds=0.2,
    )
    publishing.publish(db, plan, now=utcnow())
    route = db.scalars(select(Route).where(Route.plan_id == plan.id)).one()
    db.commit()
    url = f"/driver/routes/{route.id}"
    stranger = create_user(db, roles=("courier",))
    assert client.get(url, headers=_as(db, stranger)).status_code == 403
    sheet = client.get(url, headers=_as(db, county.driver))
    assert sheet.status_code == 200
    assert "138****1234" in sheet.text and "张**" in sheet.text
    assert "13812341234" not in sheet.text and "张三丰" not in sheet.text
    assert (
        client.post(
            f"{url}/start", headers=_as(db, county.driver), follow_redirects=False
        ).status_code
        == 303
    )
    stop = queries.stops_of(db, route.id)[0]
    console_sms(app).clear()
    served = client.post(
        f"{url}/serve",
        data={"stop_id": stop.id},
        headers=_as(db, county.driver),
        follow_redirects=False,
    )
    assert served.status_code == 303
    assert console_sms(app).latest_code("13812341234") is not None
    listing = client.get("/driver", headers=_as(db, county.driver))
    assert f"/driver/routes/{route.id}" in listing.text


def test_station_pickup_by_code_page(db: Session, app: FastAPI, client: TestClient) -> None:
    county = build_county(db)
    parcel = inbound(db, county, county.villages[0], number="PG3000")
    scan(db, parcel, "departed", county.hub.id)
    outcome = scan(db, parcel, "arrived_service_point", county.villages[0].id)
    code = outcome.outbox[0].code
    db.commit()
    url = f"/station/{county.villages[0].id}"
    assert client.get(url, headers=_as(db, create_user(db, roles=("courier",)))).status_code == 403
    page = client.get(url, headers=_as(db, county.keeper))
    assert page.status_code == 200 and "138****1234" in page.text and "13812341234" not in page.text
    wrong = client.post(
        f"{url}/pickup",
        data={"number": parcel.tracking_number, "code": "000000" if code != "000000" else "111111"},
        headers=_as(db, county.keeper),
    )
    assert wrong.status_code == 422 and "取件码不正确" in wrong.text
    db.expire_all()
    assert (
        db.scalars(select(PickupCode.attempts).where(PickupCode.parcel_id == parcel.id)).one() == 1
    )
    ok = client.post(
        f"{url}/pickup",
        data={"number": parcel.tracking_number, "code": code},
        headers=_as(db, county.keeper),
        follow_redirects=False,
    )
    assert ok.status_code == 303
    db.expire_all()
    assert db.get(Parcel, parcel.id).status == "delivered"


def test_station_collects_an_upward_parcel(db: Session, client: TestClient) -> None:
    county = build_county(db)
    _, _, order = paid_order_in_village(db, county)
    parcel = service.create_parcel_for_order(db, order.id, now=utcnow())
    db.commit()
    response = client.post(
        f"/station/{county.villages[0].id}/collect",
        data={"number": parcel.tracking_number},
        headers=_as(db, county.keeper),
        follow_redirects=False,
    )
    assert response.status_code == 303
    db.expire_all()
    assert db.get(Parcel, parcel.id).status == "collected"


def test_seller_hands_over_and_buyer_follows_from_the_order(
    db: Session, client: TestClient
) -> None:
    county = build_county(db)
    shop, buyer, order = paid_order_in_village(db, county)
    db.commit()
    seller = db.get(User, shop.owner_id)
    page = client.get("/seller/parcels", headers=_as(db, seller))
    assert page.status_code == 200 and f"/seller/parcels/{order.id}" in page.text
    assert client.post(f"/seller/parcels/{order.id}", headers=_as(db, buyer)).status_code == 403
    done = client.post(
        f"/seller/parcels/{order.id}", headers=_as(db, seller), follow_redirects=False
    )
    assert done.status_code == 303
    parcel = service.parcel_for_order(db, order.id)
    assert parcel is not None
    detail = client.get(f"/orders/{order.id}", headers=_as(db, buyer))
    assert f"/orders/{order.id}/parcel" in detail.text
    hop = client.get(f"/orders/{order.id}/parcel", headers=_as(db, buyer), follow_redirects=False)
    assert hop.status_code == 303 and hop.headers["location"] == f"/track/{parcel.tracking_number}"
    other = create_user(db, roles=("buyer",))
    assert client.get(f"/orders/{order.id}/parcel", headers=_as(db, other)).status_code == 404
