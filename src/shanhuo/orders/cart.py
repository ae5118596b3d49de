"""The buyer's cart: one line per SKU, quantities 1–999, grouped by store for display.

Catalog and store tables are read directly (the catalog and stores services are built in
parallel); a SKU can be put in the cart only while its product is active and its store open.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shanhuo.kit.errors import Conflict, Invalid, NotFound
from shanhuo.kit.timeutil import utcnow
from shanhuo.models import CartItem, Product, Sku, Store
from shanhuo.orders import rules
from shanhuo.orders.schemas import CartItemRead, CartRead, CartStoreGroup


@dataclass(frozen=True)
class SkuOffer:
    """A SKU with what the buyer sees of it and whether it can be bought right now."""

    sku: Sku
    product: Product
    store: Store

    @property
    def available(self) -> bool:
        return self.product.status == "active" and self.store.status == "open"


def load_offers(session: Session, sku_ids: list[int]) -> dict[int, SkuOffer]:
    if not sku_ids:
        return {}
    rows = session.execute(
        select(Sku, Product, Store)
        .join(Product, Product.id == Sku.product_id)
        .join(Store, Store.id == Product.store_id)
        .where(Sku.id.in_(sku_ids))
    ).all()
    return {sku.id: SkuOffer(sku, product, store) for sku, product, store in rows}


def unknown_sku(sku_id: int) -> Invalid:
    return Invalid(
        "unknown_sku", f"商品规格不存在（{sku_id}）", f"No such SKU: {sku_id}", sku_id=sku_id
    )


def ensure_buyable(offer: SkuOffer) -> None:
    if offer.store.status != "open":
        raise Conflict(
            "store_closed",
            f"店铺「{offer.store.name}」已关闭",
            "The store is closed",
            sku_id=offer.sku.id,
        )
    if offer.product.status != "active":
        raise Conflict(
            "product_unavailable",
            f"商品「{offer.product.title}」已下架",
            "The product is not on sale",
            sku_id=offer.sku.id,
        )


def add_item(session: Session, *, user_id: int, sku_id: int, quantity: int) -> CartItem:
    """Put ``quantity`` of a SKU in the cart; adding again adds up, capped at 999."""
    offer = load_offers(session, [sku_id]).get(sku_id)
    if offer is None:
        raise unknown_sku(sku_id)
    ensure_buyable(offer)
    if offer.sku.on_hand - offer.sku.reserved <= 0:
        raise Conflict("out_of_stock", "该规格已售罄", "This SKU is sold out", sku_id=sku_id)
    item = session.scalars(
        select(CartItem).where(CartItem.user_id == user_id, CartItem.sku_id == sku_id)
    ).one_or_none()
    if item is not None:
        item.quantity = rules.add_to_cart_quantity(item.quantity, quantity)
        session.flush()
        return item
    item = CartItem(user_id=user_id, sku_id=sku_id, quantity=quantity, added_at=utcnow())
    try:
        with session.begin_nested():
            session.add(item)
    except IntegrityError:
        # The same buyer added the same SKU in another tab at the same moment: add up instead.
        item = session.scalars(
            select(CartItem).where(CartItem.user_id == user_id, CartItem.sku_id == sku_id)
        ).one()
        item.quantity = rules.add_to_cart_quantity(item.quantity, quantity)
        session.flush()
    return item


def get_item(session: Session, *, user_id: int, item_id: int) -> CartItem:
    item = session.get(CartItem, item_id)
    if item is None or item.user_id != user_id:
        raise NotFound("cart_item_not_found", "购物车里没有这件商品", "No such cart item")
    return item


def update_item(session: Session, *, user_id: int, item_id: int, quantity: int) -> CartItem:
    item = get_item(session, user_id=user_id, item_id=item_id)
    item.quantity = quantity
    session.flush()
    return item


def remove_item(session: Session, *, user_id: int, item_id: int) -> None:
    item = get_item(session, user_id=user_id, item_id=item_id)
    session.delete(item)
    session.flush()


def items_of(session: Session, user_id: int) -> list[CartItem]:
    return list(
        session.scalars(select(CartItem).where(CartItem.user_id == user_id).order_by(CartItem.id))
    )


def remove_skus(session: Session, *, user_id: int, sku_ids: list[int]) -> None:
    if sku_ids:
        session.execute(
            delete(CartItem).where(CartItem.user_id == user_id, CartItem.sku_id.in_(sku_ids))
        )


def get_cart(session: Session, *, user_id: int) -> CartRead:
    """The cart grouped by store (stores in the order their first line was added)."""
    items = items_of(session, user_id)
    offers = load_offers(session, [i.sku_id for i in items])
    groups: dict[int, CartStoreGroup] = {}
    for item in items:
        offer = offers[item.sku_id]
        line = CartItemRead(
            id=item.id,
            sku_id=item.sku_id,
            product_id=offer.product.id,
            store_id=offer.store.id,
            store_name=offer.store.name,
            title=offer.product.title,
            sku_name=offer.sku.name,
            unit_price_fen=offer.sku.price_fen,
            quantity=item.quantity,
            line_fen=offer.sku.price_fen * item.quantity,
            available=offer.available,
        )
        group = groups.setdefault(
            offer.store.id,
            CartStoreGroup(
                store_id=offer.store.id, store_name=offer.store.name, items=[], subtotal_fen=0
            ),
        )
        group.items.append(line)
        if line.available:
            group.subtotal_fen += line.line_fen
    stores = list(groups.values())
    return CartRead(
        stores=stores,
        total_fen=sum(g.subtotal_fen for g in stores),
        count=sum(len(g.items) for g in stores),
    )
