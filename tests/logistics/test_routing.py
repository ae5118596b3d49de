"""Daily routes: build, publish, drive, re-plan with served stops fixed, hand edits with the
capacity check, cold parcels on refrigerated vehicles, cost shares that add up, and
cold-chain alerts."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shanhuo.kit.timeutil import to_shanghai, utcnow
from shanhuo.logistics import costs, service
from shanhuo.logistics.routing import driving, publishing, queries
from shanhuo.logistics.routing import service as routing
from shanhuo.models import (
    LogisticsAlert,
    Parcel,
    Route,
    RouteCostShare,
    RouteParcel,
    RoutePlan,
    RouteStop,
    Vehicle,
)
from tests.helpers.accounts import auth_headers, create_user
from tests.helpers.logistics import SETTINGS, build_county, inbound, paid_order_in_village, scan

SECONDS = 0.3


def _today():  # type: ignore[no-untyped-def]
    return to_shanghai(utcnow()).date()


def _plans(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(RoutePlan)) or 0


def _build(db: Session, county, **kw):  # type: ignore[no-untyped-def]
    return routing.build_plan(
        db,
        county.hub,
        _today(),
        settings=SETTINGS,
        now=utcnow(),
        actor_id=None,
        seconds=SECONDS,
        **kw,
    )


def test_build_plan_api_authorization_and_result(db: Session, client: TestClient) -> None:
    county = build_county(db)
    for i, village in enumerate(county.villages):
        inbound(db, county, village, number=f"ZT10{i:02d}")
    db.commit()
    url = f"/api/logistics/counties/{county.code}/plans"
    body = {"service_date": _today().isoformat(), "seconds": SECONDS}
    assert client.post(url, json=body).status_code == 401
    stranger = create_user(db, roles=("courier",))
    assert client.post(url, json=body, headers=auth_headers(db, stranger)).status_code == 403
    assert _plans(db) == 0
    response = client.post(url, json=body, headers=auth_headers(db, county.operator))
    assert response.status_code == 201, response.text
    plan = response.json()
    assert (
        plan["status"] == "draft" and plan["feasible"] is True and plan["unassigned_parcels"] == 0
    )
    visited = sorted(s["node_id"] for r in plan["routes"] for s in r["stops"])
    assert visited == sorted(v.id for v in county.villages)
    assert sum(r["cost_fen"] for r in plan["routes"]) == plan["cost_fen"]


def test_county_without_vehicles_gets_a_clear_422(db: Session, client: TestClient) -> None:
    county = build_county(db, vehicles=0, refrigerated=0)
    inbound(db, county, county.villages[0], number="ZT2000")
    db.commit()
    response = client.post(
        f"/api/logistics/counties/{county.code}/plans",
        json={"service_date": _today().isoformat()},
        headers=auth_headers(db, county.operator),
    )
    assert response.status_code == 422
    assert response.json()["code"] == "routing_no_vehicles"
    assert "没有可用车辆" in response.json()["message_zh"]
    assert _plans(db) == 0


def test_county_without_hub_is_404(db: Session, client: TestClient) -> None:
    admin = create_user(db, roles=("admin",))
    response = client.post(
        "/api/logistics/counties/530102/plans",
        json={"service_date": "2026-06-01"},
        headers=auth_headers(db, admin),
    )
    assert response.status_code == 404 and response.json()["code"] == "county_has_no_hub"


def test_cold_parcels_ride_the_refrigerated_vehicle(db: Session) -> None:
    county = build_county(db, vehicles=3, refrigerated=1)
    for i, village in enumerate(county.villages):
        inbound(db, county, village, number=f"ZT30{i:02d}", cold=i % 2 == 0)
    plan = _build(db, county)
    fridge = {v.id for v in county.vehicles if v.refrigerated}
    for route in db.scalars(select(Route).where(Route.plan_id == plan.id)):
        for stop in queries.stops_of(db, route.id):
            for _, parcel in queries.parcels_at(db, stop.id):
                if parcel.cold:
                    assert route.vehicle_id in fridge


def test_pickups_and_deliveries_share_one_loop(db: Session) -> None:
    county = build_county(db, vehicles=1)
    down = inbound(db, county, county.villages[0], number="ZT4000")
    _, _, order = paid_order_in_village(db, county, village=county.villages[1])
    up = service.create_parcel_for_order(db, order.id, now=utcnow())
    scan(db, up, "collected", county.villages[1].id)
    plan = _build(db, county)
    actions = {
        p.id: rp.action
        for r in db.scalars(select(Route).where(Route.plan_id == plan.id))
        for s in queries.stops_of(db, r.id)
        for rp, p in queries.parcels_at(db, s.id)
    }
    assert actions == {down.id: "deliver", up.id: "pickup"}


def test_publish_drive_and_scan_the_whole_loop(db: Session) -> None:
    county = build_county(db, vehicles=1)
    down = inbound(db, county, county.villages[0], number="ZT5000")
    _, _, order = paid_order_in_village(db, county, village=county.villages[1])
    up = service.create_parcel_for_order(db, order.id, now=utcnow())
    scan(db, up, "collected", county.villages[1].id)
    plan = _build(db, county)
    publishing.publish(db, plan, now=utcnow())
    route = db.scalars(select(Route).where(Route.plan_id == plan.id)).one()
    assert driving.start_route(db, route, settings=SETTINGS, now=utcnow(), actor_id=None) == 1
    assert down.status == "in_transit"
    sms = []
    for stop in queries.stops_of(db, route.id):
        sms += driving.serve_stop(db, route, stop, settings=SETTINGS, now=utcnow(), actor_id=None)
    assert down.status == "awaiting_pickup" and len(sms) == 1
    assert up.status == "in_transit"
    assert driving.finish_route(db, route, settings=SETTINGS, now=utcnow(), actor_id=None) == 1
    assert up.status == "at_node" and up.current_node_id == county.hub.id


def test_draft_cannot_be_driven(db: Session) -> None:
    county = build_county(db, vehicles=1)
    inbound(db, county, county.villages[0], number="ZT5100")
    plan = _build(db, county)
    route = db.scalars(select(Route).where(Route.plan_id == plan.id)).one()
    import pytest

    from shanhuo.kit.errors import Conflict

    with pytest.raises(Conflict) as info:
        driving.start_route(db, route, settings=SETTINGS, now=utcnow(), actor_id=None)
    assert info.value.code == "plan_not_published"
    assert route.started_at is None


def test_replan_keeps_served_stops_and_adds_new_parcels(db: Session) -> None:
    county = build_county(db, vehicles=2, refrigerated=0)
    for i, village in enumerate(county.villages[:4]):
        inbound(db, county, village, number=f"ZT60{i:02d}")
    first = _build(db, county)
    publishing.publish(db, first, now=utcnow())
    route = next(
        r
        for r in db.scalars(select(Route).where(Route.plan_id == first.id))
        if queries.stops_of(db, r.id)
    )
    driving.start_route(db, route, settings=SETTINGS, now=utcnow(), actor_id=None)
    served = queries.stops_of(db, route.id)[0]
    driving.serve_stop(db, route, served, settings=SETTINGS, now=utcnow(), actor_id=None)
    late = inbound(db, county, county.villages[5], number="ZT6099")
    second = _build(db, county)
    assert second.version == 2
    again = db.scalars(
        select(Route).where(Route.plan_id == second.id, Route.vehicle_id == route.vehicle_id)
    ).one()
    head = queries.stops_of(db, again.id)[0]
    assert (head.node_id, head.seq, head.served_at, head.arrive_s) == (
        served.node_id,
        1,
        served.served_at,
        served.arrive_s,
    )
    assert again.started_at == route.started_at
    planned = {
        p.id
        for r in db.scalars(select(Route).where(Route.plan_id == second.id))
        for s in queries.stops_of(db, r.id)
        for _, p in queries.parcels_at(db, s.id)
    }
    old = {
        p.id
        for r in db.scalars(select(Route).where(Route.plan_id == first.id))
        for s in queries.stops_of(db, r.id)
        for _, p in queries.parcels_at(db, s.id)
    }
    assert planned == old | {late.id}
    # Deliveries already on the started vehicle stay on it.
    for stop in queries.stops_of(db, route.id)[1:]:
        for _, parcel in queries.parcels_at(db, stop.id):
            owner = db.scalars(
                select(Route.vehicle_id)
                .join(RouteStop, RouteStop.route_id == Route.id)
                .join(RouteParcel, RouteParcel.stop_id == RouteStop.id)
                .where(Route.plan_id == second.id, RouteParcel.parcel_id == parcel.id)
            ).one()
            assert owner == route.vehicle_id
    late_owner = db.scalars(
        select(Route.vehicle_id)
        .join(RouteStop, RouteStop.route_id == Route.id)
        .join(RouteParcel, RouteParcel.stop_id == RouteStop.id)
        .where(Route.plan_id == second.id, RouteParcel.parcel_id == late.id)
    ).one()
    assert late_owner != route.vehicle_id  # it waits at the hub; the started vehicle is out
    publishing.publish(db, second, now=utcnow())
    db.refresh(first)
    assert first.status == "superseded" and second.status == "published"


def test_hand_edit_that_overloads_a_vehicle_is_refused(db: Session, client: TestClient) -> None:
    county = build_county(db, vehicles=2, refrigerated=0)
    _big, small = county.vehicles
    small.active = False  # solve with the big one only, then hand-edit onto the small one
    small.capacity_kg = 5
    for i, village in enumerate(county.villages[:3]):
        inbound(db, county, village, number=f"ZT70{i:02d}", weight_g=3000)
    plan = _build(db, county)
    big_route = db.scalars(select(Route).where(Route.plan_id == plan.id)).one()
    small_route = Route(
        plan_id=plan.id,
        vehicle_id=small.id,
        distance_m=0,
        duration_s=0,
        cost_fen=0,
        start_s=28800,
        end_s=28800,
    )
    db.add(small_route)
    db.commit()
    headers = auth_headers(db, county.operator)
    base = f"/api/logistics/routes/{big_route.id}/stops"
    first = queries.stops_of(db, big_route.id)[0]
    ok = client.post(
        f"{base}/{first.id}/move",
        json={"to_route_id": small_route.id, "position": 0},
        headers=headers,
    )
    assert ok.status_code == 200, ok.text
    moved = next(r for r in ok.json()["routes"] if r["route_id"] == small_route.id)
    assert [s["stop_id"] for s in moved["stops"]] == [first.id]
    db.expire_all()
    before_big = [(s.id, s.seq) for s in queries.stops_of(db, big_route.id)]
    assert [seq for _, seq in before_big] == [1, 2]
    second = queries.stops_of(db, big_route.id)[0]
    response = client.post(
        f"{base}/{second.id}/move",
        json={"to_route_id": small_route.id, "position": 1},
        headers=headers,
    )
    assert response.status_code == 422
    assert response.json()["code"] == "vehicle_overloaded"
    assert response.json()["peak"][0] == 6000 and response.json()["capacity"][0] == 5000
    db.expire_all()
    assert [(s.id, s.seq) for s in queries.stops_of(db, big_route.id)] == before_big
    assert [s.id for s in queries.stops_of(db, small_route.id)] == [first.id]
    total = sum(
        sh.share_fen
        for sh in db.scalars(
            select(RouteCostShare).where(RouteCostShare.route_id == small_route.id)
        )
    )
    assert total == db.get(Route, small_route.id).cost_fen > 0


def test_cost_shares_add_up_to_the_route_cost(db: Session) -> None:
    county = build_county(db, vehicles=1)
    for i, village in enumerate(county.villages):
        carrier = county.carriers[i % 2]
        from shanhuo.logistics import parcels
        from shanhuo.logistics.schemas import InboundParcelCreate

        parcels.receive_inbound(
            db,
            county.hub,
            InboundParcelCreate(
                carrier_code=carrier.code,
                carrier_tracking_number=f"MIX{i:04d}",
                destination_node_id=village.id,
                recipient_name="李四",
                recipient_mobile="13700001111",
                weight_g=1000 + i,
            ),
            now=utcnow(),
            settings=SETTINGS,
            actor_id=None,
        )
    plan = _build(db, county)
    route = db.scalars(select(Route).where(Route.plan_id == plan.id)).one()
    shares = list(db.scalars(select(RouteCostShare).where(RouteCostShare.route_id == route.id)))
    assert len(shares) == 2
    assert sum(s.share_fen for s in shares) == route.cost_fen > 0
    assert sum(s.pieces for s in shares) == len(county.villages)
    read = costs.shares_of_plan(db, plan.id)
    assert {r.carrier for r in read} == {"中通", "圆通"}


def test_perishable_past_its_deadline_raises_an_alert_for_seller_and_hub(db: Session) -> None:
    county = build_county(db, vehicles=1)
    shop, _, order = paid_order_in_village(db, county, shelf_life_days=1)
    up = service.create_parcel_for_order(db, order.id, now=utcnow())
    scan(db, up, "collected", county.villages[0].id)
    plan = _build(db, county)
    alerts = publishing.publish(db, plan, now=utcnow())
    assert [a.parcel_id for a in alerts] == [up.id]
    alert = db.scalars(select(LogisticsAlert)).one()
    assert (alert.hub_id, alert.store_id) == (county.hub.id, shop.store.id)
    assert alert.eta_at > alert.deadline_at
    assert [p.id for _, p in service.alerts_for_stores(db, [shop.store.id])] == [up.id]


def test_vehicle_api_authorization_matrix(db: Session, client: TestClient) -> None:
    county = build_county(db, vehicles=0)
    db.commit()
    url = f"/api/logistics/hubs/{county.hub.id}/vehicles"
    body = {"plate": "陕D99999", "capacity_kg": 500, "capacity_l": 3000, "refrigerated": True}
    assert client.post(url, json=body).status_code == 401
    assert client.post(url, json=body, headers=auth_headers(db, county.keeper)).status_code == 403
    assert db.scalar(select(func.count()).select_from(Vehicle)) == 0
    response = client.post(url, json=body, headers=auth_headers(db, county.operator))
    assert response.status_code == 201 and response.json()["refrigerated"] is True
    bad = client.post(
        url,
        json={**body, "plate": "陕D88888", "capacity_kg": 0},
        headers=auth_headers(db, county.operator),
    )
    assert bad.status_code == 422
    assert db.scalar(select(func.count()).select_from(Vehicle)) == 1


def test_parcels_by_village_counts(db: Session) -> None:
    county = build_county(db)
    inbound(db, county, county.villages[0], number="ZT8001", cold=True)
    inbound(db, county, county.villages[0], number="ZT8002")
    rows = {r.node.id: r for r in service.parcels_by_village(db, county.hub, _today())}
    assert (rows[county.villages[0].id].deliveries, rows[county.villages[0].id].cold) == (2, 1)
    assert db.scalar(select(func.count()).select_from(Parcel)) == 2
