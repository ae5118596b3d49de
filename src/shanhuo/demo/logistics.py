"""Demo rural logistics: one county network with a day of parcels and published routes, plus
two months of delivered parcels for the delivery-time statistics.

The county is 武功县 (610431, Xianyang, Shaanxi) — the county of the demo's kiwi
cooperative. Its hub sits at the county seat, approximately 34.26° N, 108.21° E (WGS-84; the
coordinates of 武功县 / Wugong County as listed on Wikipedia and GeoNames, rounded to 0.01°).
There is no coordinate data in the region package, so the 20 township stations and 300 village
points are *generated* around that centre with a seeded RNG (townships on a ring 4–22 km out,
15 villages within ~4 km of each) — a synthetic layout with real scale, not a survey. Their
region codes are synthetic too (county code + serials). The benchmark (``bench/logistics.py``)
uses the same generator.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shanhuo.accounts.roles import grant_role
from shanhuo.config import Settings
from shanhuo.kit.timeutil import to_shanghai
from shanhuo.models import LogisticsNode, Order, Parcel, Route, Store, User
from shanhuo.payments.sandbox_bank import pay_in_sandbox

COUNTY = "610431"
COUNTY_NAME = "武功县"
CENTRE = (34.26, 108.21)  # WGS-84, county seat (Wikipedia / GeoNames), rounded
TOWNSHIPS = 20
VILLAGES_PER_TOWNSHIP = 15
VEHICLES = 10
REFRIGERATED = 2
OPERATOR_MOBILE = "13700000001"
KEEPER_MOBILE = "13700000002"
DRIVER_MOBILE_BASE = 13700000010
CARRIERS = (
    ("zto", "中通快递"),
    ("yto", "圆通速递"),
    ("sto", "申通快递"),
    ("yunda", "韵达快递"),
    ("ems", "中国邮政EMS"),
)
SURNAMES = "王李张刘陈杨赵黄周吴"
CITY_ORIGINS = ("110105", "310104", "440305", "330106", "510107", "420106", "210102")


@dataclass(frozen=True)
class Site:
    kind: str
    name: str
    region_code: str
    lat: float
    lon: float
    parent: int | None  # index into the layout list
    opens_min: int
    closes_min: int
    cold_storage: bool


def _offset(lat: float, lon: float, km: float, bearing: float) -> tuple[float, float]:
    d_lat = km / 111.32 * math.cos(bearing)
    d_lon = km / (111.32 * math.cos(math.radians(lat))) * math.sin(bearing)
    return round(lat + d_lat, 6), round(lon + d_lon, 6)


def county_layout(
    rng: random.Random,
    *,
    townships: int = TOWNSHIPS,
    villages_per_township: int = VILLAGES_PER_TOWNSHIP,
    centre: tuple[float, float] = CENTRE,
    county: str = COUNTY,
) -> list[Site]:
    """Hub first, then each township followed by its villages. Opening hours: the hub
    07:00–19:00, townships 08:00–18:00, villages open 08:00–09:30 and close 16:00–18:00 (a keeper's working day)."""
    sites = [
        Site("hub", f"{COUNTY_NAME}农村物流中心", county, *centre, None, 7 * 60, 19 * 60, True)
    ]
    for t in range(townships):
        bearing = 2 * math.pi * (t + rng.uniform(-0.3, 0.3)) / townships
        lat, lon = _offset(*centre, rng.uniform(4, 22), bearing)
        town_index = len(sites)
        town_code = f"{county}{100 + t:03d}"
        sites.append(
            Site(
                "township",
                f"第{t + 1:02d}镇服务站",
                town_code,
                lat,
                lon,
                0,
                8 * 60,
                18 * 60,
                t % 4 == 0,
            )
        )
        for v in range(villages_per_township):
            vlat, vlon = _offset(lat, lon, rng.uniform(0.5, 4.5), rng.uniform(0, 2 * math.pi))
            opens = rng.choice((480, 510, 540, 570))
            closes = rng.choice((960, 1020, 1080))
            sites.append(
                Site(
                    "village",
                    f"{t + 1:02d}镇{v + 1:02d}村服务点",
                    f"{town_code}{200 + v:03d}",
                    vlat,
                    vlon,
                    town_index,
                    opens,
                    closes,
                    False,
                )
            )
    return sites


def seed_logistics(
    session: Session, settings: Settings, *, now: datetime, rng: random.Random
) -> str:
    """Network, carriers, vehicles, today's parcels (with a published plan) and history.
    Does nothing when the county already has a hub."""
    from shanhuo.logistics import network, parcels, service, tracking
    from shanhuo.logistics.routing import publishing
    from shanhuo.logistics.routing import service as routing
    from shanhuo.logistics.schemas import (
        CarrierCreate,
        InboundParcelCreate,
        NodeCreate,
        VehicleCreate,
    )

    if network.find_hub(session, COUNTY) is not None:
        return "logistics: already seeded"

    def person(mobile: str, name: str) -> User:
        user = session.scalars(select(User).where(User.mobile == mobile)).one_or_none()
        if user is None:
            user = User(mobile=mobile, display_name=name, created_at=now)
            session.add(user)
            session.flush()
        grant_role(session, user.id, "buyer")
        grant_role(session, user.id, "courier")
        return user

    operator = person(OPERATOR_MOBILE, "县中心赵主任")
    keeper = person(KEEPER_MOBILE, "村站刘大姐")
    layout = county_layout(rng)
    nodes: list[LogisticsNode] = []
    for i, site in enumerate(layout):
        nodes.append(
            network.create_node(
                session,
                NodeCreate(
                    kind=site.kind,
                    name=site.name,
                    county_code=COUNTY,
                    region_code=site.region_code,
                    parent_id=nodes[site.parent].id if site.parent is not None else None,
                    lat=site.lat,
                    lon=site.lon,
                    opens_min=site.opens_min,
                    closes_min=site.closes_min,
                    cold_storage=site.cold_storage,
                    keeper_id=operator.id if i == 0 else (keeper.id if i == 2 else None),
                ),
                now=now,
            )
        )
    hub = nodes[0]
    villages = [n for n in nodes if n.kind == "village"]
    carriers = []
    for code, name in CARRIERS:
        carrier = network.create_carrier(session, CarrierCreate(code=code, name=name), now=now)
        network.attach_carrier(session, carrier, hub)
        carriers.append(carrier)
    for i in range(VEHICLES):
        driver = person(str(DRIVER_MOBILE_BASE + i), f"司机{SURNAMES[i % len(SURNAMES)]}师傅")
        network.create_vehicle(
            session,
            hub,
            VehicleCreate(
                plate=f"陕D·W{i + 1:03d}{'冷' if i < REFRIGERATED else ''}"[:16],
                capacity_kg=rng.choice((1000, 1200, 1500)),
                capacity_l=rng.choice((6000, 8000, 9000)),
                refrigerated=i < REFRIGERATED,
                driver_id=driver.id,
                cost_per_km_fen=rng.choice((180, 200, 220)),
                fixed_cost_fen=8000,
            ),
            now=now,
        )

    def inbound(village: LogisticsNode, at: datetime, *, cold: bool) -> Parcel:
        carrier = rng.choice(carriers)
        surname = rng.choice(SURNAMES)
        return parcels.receive_inbound(
            session,
            hub,
            InboundParcelCreate(
                carrier_code=carrier.code,
                carrier_tracking_number=f"{carrier.code.upper()}{rng.randrange(10**11, 10**12)}",
                destination_node_id=village.id,
                recipient_name=f"{surname}{rng.choice('建国秀英小红志强春梅')}",
                recipient_mobile=f"13{rng.randint(5, 9)}{rng.randrange(10**7, 10**8)}",
                origin_region_code=rng.choice(CITY_ORIGINS),
                weight_g=rng.randint(300, 12_000),
                volume_ml=rng.randint(1_000, 40_000),
                cold=cold,
            ),
            now=at,
            settings=settings,
            actor_id=operator.id,
        )

    # History: 60 days of delivered parcels (received → out → at point → picked up).
    delivered = 0
    for day in range(60, 0, -1):
        for _ in range(rng.randint(1, 4)):
            received = now - timedelta(days=day, hours=rng.uniform(0, 6))
            parcel = inbound(rng.choice(villages), received, cold=False)
            out = received + timedelta(hours=rng.uniform(2, 20))
            at_point = out + timedelta(hours=rng.uniform(1, 5))
            picked = at_point + timedelta(hours=rng.uniform(1, 60))
            tracking.scan(
                session,
                parcel,
                event="departed",
                node_id=hub.id,
                at=out,
                now=out,
                settings=settings,
            )
            point = parcel.destination_node_id
            tracking.scan(
                session,
                parcel,
                event="arrived_service_point",
                node_id=point,
                at=at_point,
                now=at_point,
                settings=settings,
            )
            tracking.scan(
                session,
                parcel,
                event="picked_up",
                node_id=point,
                at=picked,
                now=picked,
                settings=settings,
            )
            delivered += 1

    # Today: downward parcels for ~100 villages, some cold; upward: the county's paid orders.
    today = to_shanghai(now).date()
    morning = now - timedelta(hours=1)
    down = 0
    for village in rng.sample(villages, 100):
        for _ in range(rng.choice((1, 1, 2))):
            inbound(village, morning, cold=rng.random() < 0.15)
            down += 1
    _paid_orders_from_the_county(session, settings, rng, now=now - timedelta(hours=3))
    up = 0
    wugong_orders = session.scalars(
        select(Order)
        .join(Store, Store.id == Order.store_id)
        .where(Store.county_code == COUNTY, Order.status == "paid")
    ).all()
    for order in wugong_orders:
        parcel = service.create_parcel_for_order(session, order.id, now=morning)
        # The demo stores have no village code: put their parcels at a village point.
        parcel.origin_node_id = rng.choice(villages).id
        tracking.scan(
            session,
            parcel,
            event="collected",
            node_id=parcel.origin_node_id,
            at=morning,
            now=morning,
            settings=settings,
        )
        up += 1
    session.flush()
    plan = routing.build_plan(
        session, hub, today, settings=settings, now=now, actor_id=operator.id, seconds=3.0
    )
    publishing.publish(session, plan, now=now)
    routes = session.scalar(select(func.count()).select_from(Route).where(Route.plan_id == plan.id))
    return (
        f"logistics: {COUNTY_NAME} hub + {TOWNSHIPS} townships + {len(villages)} villages, "
        f"{VEHICLES} vehicles, {down} parcels down / {up} up today, {routes} published routes "
        f"({plan.distance_m / 1000:.0f} km), {delivered} delivered in history — "
        f"hub operator {OPERATOR_MOBILE} at /hub/{COUNTY}, keeper {KEEPER_MOBILE} at /station, "
        f"drivers {DRIVER_MOBILE_BASE}+ at /driver"
    )


def _paid_orders_from_the_county(
    session: Session, settings: Settings, rng: random.Random, *, now: datetime
) -> None:
    """A few demo buyers order the county's produce this morning and pay (sandbox), through
    the real checkout and payment services — the marketplace feeding the network."""
    import uuid

    from shanhuo.demo.data import DEMO_BUYERS
    from shanhuo.models import Product, Sku
    from shanhuo.orders.checkout import place_checkout
    from shanhuo.orders.schemas import CheckoutCreate, CheckoutLineIn
    from shanhuo.payments.sandbox import SandboxProvider

    skus = session.scalars(
        select(Sku)
        .join(Product, Product.id == Sku.product_id)
        .join(Store, Store.id == Product.store_id)
        .where(Store.county_code == COUNTY, Sku.on_hand - Sku.reserved >= 3)
        .order_by(Sku.id)
    ).all()
    found = [
        session.scalars(select(User).where(User.mobile == m)).one_or_none() for m, _ in DEMO_BUYERS
    ]
    buyers = [b for b in found if b is not None]
    if not skus or not buyers:
        return
    provider = SandboxProvider(settings.payment_sandbox_secret.get_secret_value())
    for _ in range(8):
        buyer = rng.choice(buyers)
        sku = rng.choice(skus)
        result = place_checkout(
            session,
            buyer_id=buyer.id,
            idempotency_key=f"demo-logistics-{uuid.UUID(int=rng.getrandbits(128))}",
            request=CheckoutCreate(
                recipient_name=buyer.display_name or "买家",
                recipient_mobile=buyer.mobile,
                region_code=rng.choice(CITY_ORIGINS),
                address="城市收货地址 1 号",
                lines=[CheckoutLineIn(sku_id=sku.id, quantity=rng.randint(1, 2))],
            ),
            now=now,
            timeout_minutes=settings.payment_timeout_minutes,
        )
        pay_in_sandbox(
            session,
            checkout_id=result.checkout.id,
            buyer_id=buyer.id,
            bank=provider,
            now=now,
            fee_rate=settings.platform_fee_rate,
        )
