"""Typed helpers for order and payment tests: a store with a product and SKUs (plain rows, so
these tests do not depend on the stores/catalog services), a checkout placed through the
service, and a payment completed through the sandbox bank's signed notification — the same
steps the browser test and the demo take."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from shanhuo.kit.timeutil import utcnow
from shanhuo.models import Order, Payment, Product, Region, Sku, Store, User
from shanhuo.orders import checkout as checkout_service
from shanhuo.orders.checkout import CheckoutResult
from shanhuo.orders.schemas import CheckoutCreate, CheckoutLineIn
from shanhuo.payments import service as payments
from shanhuo.payments.sandbox import SandboxProvider
from shanhuo.payments.sandbox_bank import pay_in_sandbox
from tests.helpers.accounts import create_user

WUGONG = "610431"  # 陕西 咸阳 武功县
KUNMING_WUHUA = "530102"  # 云南 昆明 五华区
SANDBOX_SECRET = "sandbox-dev-payment-secret"  # the Settings default
_names = itertools.count(1)


def ensure_county(session: Session, code: str) -> None:
    """Counties come from the regions loader; make one only if it has not run."""
    if session.get(Region, code) is None:
        session.add(Region(code=code, name=f"县{code}", level="county", province_code=code[:2]))
        session.flush()


@dataclass
class Shop:
    store: Store
    product: Product
    skus: list[Sku]

    @property
    def owner_id(self) -> int:
        return self.store.owner_id


def create_shop(
    session: Session,
    *,
    owner: User | None = None,
    county: str = WUGONG,
    prices: tuple[int, ...] = (3990,),
    stock: int = 100,
    store_status: str = "open",
    product_status: str = "active",
) -> Shop:
    """A store with one product and one SKU per price, each with ``stock`` on hand."""
    ensure_county(session, county)
    owner = owner or create_user(session, roles=("buyer", "seller"))
    now = utcnow()
    n = next(_names)
    store = Store(
        owner_id=owner.id,
        name=f"测试果园{n}",
        category_code="fruit",
        county_code=county,
        province_code=county[:2],
        contact_mobile="13800138000",
        status=store_status,
        opened_at=now,
    )
    session.add(store)
    session.flush()
    product = Product(
        store_id=store.id,
        title=f"武功猕猴桃{n}",
        category_code="fruit",
        origin_county_code=county,
        origin_province_code=county[:2],
        status=product_status,
        created_at=now,
        updated_at=now,
    )
    session.add(product)
    session.flush()
    skus = [
        Sku(product_id=product.id, name=f"{i + 1}号装", price_fen=price, on_hand=stock, sort=i)
        for i, price in enumerate(prices)
    ]
    session.add_all(skus)
    session.flush()
    return Shop(store, product, skus)


def checkout_body(
    lines: list[tuple[int, int]] | None = None,
    *,
    region_code: str = WUGONG,
    mobile: str = "13912345678",
) -> dict[str, object]:
    """A JSON checkout body: explicit ``lines`` [(sku_id, quantity)] or the cart when None."""
    body: dict[str, object] = {
        "recipient_name": "王小明",
        "recipient_mobile": mobile,
        "region_code": region_code,
        "address": "幸福路 1 号",
    }
    if lines is None:
        body["from_cart"] = True
    else:
        body["lines"] = [{"sku_id": s, "quantity": q} for s, q in lines]
    return body


def place_checkout(
    session: Session,
    buyer: User,
    lines: list[tuple[int, int]],
    *,
    key: str | None = None,
    now: datetime | None = None,
    timeout_minutes: int = 30,
    coupon_claim_ids: list[int] | None = None,
) -> CheckoutResult:
    """Place a checkout of explicit lines (and optional coupon claims) through the service."""
    ensure_county(session, WUGONG)
    request = CheckoutCreate(
        recipient_name="王小明",
        recipient_mobile="13912345678",
        region_code=WUGONG,
        address="幸福路 1 号",
        lines=[CheckoutLineIn(sku_id=s, quantity=q) for s, q in lines],
        coupon_claim_ids=coupon_claim_ids or [],
    )
    return checkout_service.place_checkout(
        session,
        buyer_id=buyer.id,
        idempotency_key=key or uuid.uuid4().hex,
        request=request,
        now=now or utcnow(),
        timeout_minutes=timeout_minutes,
    )


def sandbox() -> SandboxProvider:
    return SandboxProvider(SANDBOX_SECRET)


def pay_checkout(
    session: Session,
    buyer: User,
    checkout_id: int,
    *,
    status: str = "succeeded",
    now: datetime | None = None,
    fee_rate: Decimal = Decimal("0.006"),
) -> payments.CallbackOutcome:
    """Start the payment and let the sandbox bank deliver its signed notification."""
    now = now or utcnow()
    return pay_in_sandbox(
        session,
        checkout_id=checkout_id,
        buyer_id=buyer.id,
        bank=sandbox(),
        now=now,
        fee_rate=fee_rate,
        status=status,  # type: ignore[arg-type]
    )


def payment_for(session: Session, checkout_id: int) -> Payment:
    return session.scalars(select(Payment).where(Payment.checkout_id == checkout_id)).one()


def sku_stock(session: Session, sku_id: int) -> tuple[int, int]:
    """(on_hand, reserved) as committed in the database right now."""
    row = session.execute(select(Sku.on_hand, Sku.reserved).where(Sku.id == sku_id)).one()
    return int(row[0]), int(row[1])


def order_status(session: Session, order_id: int) -> str:
    return str(session.execute(select(Order.status).where(Order.id == order_id)).scalar_one())
