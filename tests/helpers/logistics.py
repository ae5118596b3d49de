"""Typed helpers for logistics tests: a small county network (hub, townships, villages),
carriers and vehicles made through the services, and parcels pushed through their scans."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from shanhuo.config import Settings
from shanhuo.kit.timeutil import utcnow
from shanhuo.logistics import network, parcels, tracking
from shanhuo.logistics.schemas import CarrierCreate, InboundParcelCreate, NodeCreate, VehicleCreate
from shanhuo.models import Carrier, LogisticsNode, Parcel, Region, User, Vehicle
from tests.helpers.accounts import create_user
from tests.helpers.orders import WUGONG, ensure_county

HUB_LAT, HUB_LON = 34.26, 108.21
SETTINGS = Settings(env="test", database_url="sqlite://")


@dataclass
class County:
    code: str
    hub: LogisticsNode
    townships: list[LogisticsNode]
    villages: list[LogisticsNode]
    carriers: list[Carrier]
    vehicles: list[Vehicle]
    operator: User
    keeper: User
    driver: User
    extra: dict[str, object] = field(default_factory=dict)


def ensure_region(session: Session, code: str, level: str, parent: str) -> None:
    if session.get(Region, code) is None:
        session.add(
            Region(
                code=code,
                name=f"{level}{code[-3:]}",
                level=level,
                parent_code=parent,
                province_code=code[:2],
            )
        )
        session.flush()


def node(
    session: Session,
    *,
    kind: str,
    name: str,
    county: str = WUGONG,
    parent: LogisticsNode | None = None,
    lat: float = HUB_LAT,
    lon: float = HUB_LON,
    keeper: User | None = None,
    region_code: str | None = None,
    opens_min: int = 8 * 60,
    closes_min: int = 18 * 60,
) -> LogisticsNode:
    return network.create_node(
        session,
        NodeCreate(
            kind=kind,  # type: ignore[arg-type]
            name=name,
            county_code=county,
            region_code=region_code or county,
            parent_id=parent.id if parent else None,
            lat=lat,
            lon=lon,
            opens_min=opens_min,
            closes_min=closes_min,
            keeper_id=keeper.id if keeper else None,
        ),
        now=utcnow(),
    )


def build_county(
    session: Session,
    *,
    county: str = WUGONG,
    townships: int = 2,
    villages_per_township: int = 3,
    vehicles: int = 2,
    refrigerated: int = 1,
    seed: int = 7,
) -> County:
    ensure_county(session, county)
    rng = random.Random(seed)
    operator = create_user(session, roles=("buyer", "courier"), name="县中心张站长")
    keeper = create_user(session, roles=("buyer", "courier"), name="村站李大姐")
    driver = create_user(session, roles=("buyer", "courier"), name="司机王师傅")
    hub = node(session, kind="hub", name=f"{county}县级中心", county=county, keeper=operator)
    for t in range(townships):
        ensure_region(session, f"{county}{100 + t:03d}", "township", county)
        for v in range(villages_per_township):
            ensure_region(
                session, f"{county}{100 + t:03d}{200 + v:03d}", "village", f"{county}{100 + t:03d}"
            )
    towns: list[LogisticsNode] = []
    villages: list[LogisticsNode] = []
    for t in range(townships):
        town = node(
            session,
            kind="township",
            name=f"第{t + 1}乡镇站",
            county=county,
            parent=hub,
            lat=HUB_LAT + rng.uniform(-0.1, 0.1),
            lon=HUB_LON + rng.uniform(-0.1, 0.1),
            region_code=f"{county}{100 + t:03d}",
        )
        towns.append(town)
        for v in range(villages_per_township):
            villages.append(
                node(
                    session,
                    kind="village",
                    name=f"第{t + 1}乡第{v + 1}村",
                    county=county,
                    parent=town,
                    lat=town.lat + rng.uniform(-0.03, 0.03),
                    lon=town.lon + rng.uniform(-0.03, 0.03),
                    keeper=keeper if not villages else None,
                    region_code=f"{county}{100 + t:03d}{200 + v:03d}",
                )
            )
    carriers = []
    for code, name in (("zto", "中通"), ("yto", "圆通")):
        existing = session.query(Carrier).filter_by(code=code).one_or_none()
        carrier = existing or network.create_carrier(
            session, CarrierCreate(code=code, name=name), now=utcnow()
        )
        network.attach_carrier(session, carrier, hub)
        carriers.append(carrier)
    fleet = []
    for i in range(vehicles):
        fleet.append(
            network.create_vehicle(
                session,
                hub,
                VehicleCreate(
                    plate=f"陕D{county[-3:]}{i:02d}",
                    capacity_kg=800,
                    capacity_l=4000,
                    refrigerated=i < refrigerated,
                    driver_id=driver.id if i == 0 else None,
                ),
                now=utcnow(),
            )
        )
    return County(county, hub, towns, villages, carriers, fleet, operator, keeper, driver)


def inbound(
    session: Session,
    county: County,
    destination: LogisticsNode,
    *,
    number: str,
    weight_g: int = 2000,
    cold: bool = False,
    mobile: str = "13812341234",
    now: datetime | None = None,
) -> Parcel:
    """A carrier's parcel arriving at the hub for ``destination`` (status at_node)."""
    return parcels.receive_inbound(
        session,
        county.hub,
        InboundParcelCreate(
            carrier_code=county.carriers[0].code,
            carrier_tracking_number=number,
            destination_node_id=destination.id,
            recipient_name="张三丰",
            recipient_mobile=mobile,
            weight_g=weight_g,
            cold=cold,
        ),
        now=now or utcnow(),
        settings=SETTINGS,
        actor_id=county.operator.id,
    )


def scan(
    session: Session, parcel: Parcel, event: str, node_id: int | None, *, at: datetime | None = None
) -> tracking.ScanOutcome:
    now = at or utcnow()
    return tracking.scan(
        session, parcel, event=event, node_id=node_id, at=now, now=now, settings=SETTINGS
    )


def paid_order_in_village(
    session: Session,
    county: County,
    *,
    village: LogisticsNode | None = None,
    shelf_life_days: int | None = None,
    weight_g: int = 1500,
):
    """A store in ``village`` (default: the first) with a paid order of one SKU; returns
    (shop, buyer, order)."""
    from tests.helpers.orders import create_shop, pay_checkout, place_checkout

    village = village or county.villages[0]
    shop = create_shop(session, county=county.code)
    shop.store.village_code = village.region_code
    shop.store.township_code = village.region_code[:9]
    shop.skus[0].weight_g = weight_g
    if shelf_life_days is not None:
        shop.product.perishable = True
        shop.product.shelf_life_days = shelf_life_days
    session.flush()
    buyer = create_user(session, roles=("buyer",), name="王小明")
    result = place_checkout(session, buyer, [(shop.skus[0].id, 2)])
    pay_checkout(session, buyer, result.checkout.id)
    order = result.orders[0]
    session.refresh(order)
    return shop, buyer, order
