"""Build the demo marketplace through the real services: sellers open stores (counted as new
entrepreneurs), list products, and demo buyers place, pay, and receive past orders.

Dates are spread deterministically (seeded) so the demo looks lived-in: stores opened over the
last few years, orders over the last 60 days. Running it again on a seeded database does nothing.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from shanhuo.accounts.roles import Role, grant_role
from shanhuo.catalog.schemas import ProductCreate, SkuCreate
from shanhuo.catalog.service import create_product
from shanhuo.config import Settings
from shanhuo.demo.data import DEMO_ADMIN, DEMO_BUYERS, DEMO_SELLER_MOBILE_BASE, STORES
from shanhuo.kit.timeutil import utcnow
from shanhuo.models import EntrepreneurEvent, Product, Sku, Store, User
from shanhuo.orders import service as orders
from shanhuo.orders.checkout import place_checkout
from shanhuo.orders.schemas import CheckoutCreate, CheckoutLineIn
from shanhuo.payments import service as payments
from shanhuo.payments.sandbox import SandboxProvider
from shanhuo.payments.sandbox_bank import pay_in_sandbox
from shanhuo.stores.schemas import StoreCreate
from shanhuo.stores.service import open_store

SEED = 2021
PAST_CHECKOUTS = 80
ADDRESSES = (
    ("110105", "北京市朝阳区建国路88号"),
    ("310104", "上海市徐汇区漕溪北路201号"),
    ("440305", "深圳市南山区科技园南区"),
    ("330106", "杭州市西湖区文三路90号"),
    ("510107", "成都市武侯区人民南路四段"),
    ("610113", "西安市雁塔区小寨东路"),
)


@dataclass(frozen=True)
class DemoSummary:
    created: bool
    stores: int
    products: int
    orders: int
    seller_mobile: str
    buyer_mobile: str
    admin_mobile: str


def _ensure_user(
    session: Session, mobile: str, name: str, roles: tuple[Role, ...], now: datetime
) -> User:
    user = session.scalars(select(User).where(User.mobile == mobile)).one_or_none()
    if user is None:
        user = User(mobile=mobile, display_name=name, created_at=now)
        session.add(user)
        session.flush()
    for role in roles:
        grant_role(session, user.id, role)
    return user


def _summary(session: Session, created: bool) -> DemoSummary:
    return DemoSummary(
        created=created,
        stores=session.scalar(select(func.count()).select_from(Store)) or 0,
        products=session.scalar(select(func.count()).select_from(Product)) or 0,
        orders=session.scalar(select(func.count()).select_from(orders.Order)) or 0,
        seller_mobile=str(DEMO_SELLER_MOBILE_BASE),
        buyer_mobile=DEMO_BUYERS[0][0],
        admin_mobile=DEMO_ADMIN[0],
    )


def seed_demo(
    session: Session,
    settings: Settings,
    *,
    now: datetime | None = None,
    progress: Callable[[str], None] = lambda _message: None,
) -> DemoSummary:
    """Seed the demo into ``session`` (the caller commits)."""
    if session.scalar(select(func.count()).select_from(Store)):
        return _summary(session, created=False)
    now = now or utcnow()
    rng = random.Random(SEED)

    _ensure_user(session, DEMO_ADMIN[0], DEMO_ADMIN[1], ("buyer", "admin", "analyst"), now)
    buyers = [_ensure_user(session, m, n, ("buyer",), now) for m, n in DEMO_BUYERS]

    skus: list[tuple[Sku, Store, User]] = []
    for index, demo in enumerate(STORES):
        seller = _ensure_user(
            session, str(DEMO_SELLER_MOBILE_BASE + index), demo.owner, ("buyer",), now
        )
        store = open_store(
            session,
            seller,
            StoreCreate(
                name=demo.name,
                category_code=demo.category,
                description=demo.description,
                county_code=demo.county,
                contact_mobile=seller.mobile,
            ),
        )
        opened = now - timedelta(days=rng.randint(90, 6 * 365))
        store.opened_at = opened
        session.execute(
            update(EntrepreneurEvent)
            .where(EntrepreneurEvent.store_id == store.id)
            .values(occurred_at=opened)
        )
        for item in demo.products:
            product = create_product(
                session,
                store,
                ProductCreate(
                    title=item.title,
                    description=item.description,
                    category_code=item.category,
                    origin_county_code=demo.county,
                    perishable=item.shelf_life_days is not None,
                    shelf_life_days=item.shelf_life_days,
                    skus=[
                        SkuCreate(
                            name=s.name, price_fen=s.price_fen, on_hand=s.stock, weight_g=s.weight_g
                        )
                        for s in item.skus
                    ],
                ),
            )
            for sku in session.scalars(
                select(Sku).where(Sku.product_id == product.id).order_by(Sku.id)
            ):
                skus.append((sku, store, seller))
        progress(f"stores {index + 1}/{len(STORES)}")
    session.flush()

    _past_orders(session, settings, rng, buyers, skus, now, progress)
    return _summary(session, created=True)


def _past_orders(
    session: Session,
    settings: Settings,
    rng: random.Random,
    buyers: list[User],
    skus: list[tuple[Sku, Store, User]],
    now: datetime,
    progress: Callable[[str], None],
) -> None:
    """Orders over the last 60 days, each carried as far as its age allows: paid, shipped
    after a day, delivered after three, completed after five; a few are left for the demo
    user to act on (one unpaid, some paid and waiting to ship)."""
    # The demo's past orders are paid in the sandbox, whatever provider is configured.
    provider = SandboxProvider(settings.payment_sandbox_secret.get_secret_value())
    for n in range(PAST_CHECKOUTS):
        buyer = rng.choice(buyers)
        placed = now - timedelta(days=rng.uniform(0.2, 60), minutes=rng.randint(0, 600))
        picked = rng.sample(skus, k=rng.choice((1, 1, 2)))
        region, address = rng.choice(ADDRESSES)
        result = place_checkout(
            session,
            buyer_id=buyer.id,
            idempotency_key=f"demo-{uuid.UUID(int=rng.getrandbits(128))}",
            request=CheckoutCreate(
                recipient_name=buyer.display_name,
                recipient_mobile=buyer.mobile,
                region_code=region,
                address=address,
                lines=[
                    CheckoutLineIn(sku_id=sku.id, quantity=rng.randint(1, 3))
                    for sku, _, _ in picked
                ],
            ),
            now=placed,
            timeout_minutes=settings.payment_timeout_minutes,
        )
        pay_in_sandbox(
            session,
            checkout_id=result.checkout.id,
            buyer_id=buyer.id,
            bank=provider,
            now=placed + timedelta(minutes=3),
            fee_rate=settings.platform_fee_rate,
        )
        for order in result.orders:
            seller = next(s for _, st, s in skus if st.id == order.store_id)
            steps = (
                (timedelta(days=1), "ship"),
                (timedelta(days=3), "deliver"),
                (timedelta(days=5), "complete"),
            )
            for delay, step in steps:
                at = placed + delay + timedelta(minutes=rng.randint(0, 240))
                if at > now:
                    break
                if step == "ship":
                    orders.ship(
                        session,
                        order_id=order.id,
                        user_id=seller.id,
                        roles={"seller"},
                        tracking_number=f"SH{order.id:010d}",
                        now=at,
                    )
                elif step == "deliver":
                    orders.deliver(
                        session, order_id=order.id, user_id=seller.id, roles={"seller"}, now=at
                    )
                else:
                    payments.complete_order(
                        session, order_id=order.id, user_id=buyer.id, roles={"buyer"}, now=at
                    )
        if (n + 1) % 20 == 0:
            progress(f"orders {n + 1}/{PAST_CHECKOUTS}")
