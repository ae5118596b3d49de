"""Stock moves as guarded single-statement updates, portable to SQLite and PostgreSQL.

Each statement both checks and changes a row, so two transactions can never both read "5 left"
and both take them: on PostgreSQL the second UPDATE waits for the first row lock and re-checks
its WHERE clause against the committed row; on SQLite writers are serialised by BEGIN IMMEDIATE.
Rows are always touched in SKU id order so two multi-SKU transactions cannot deadlock.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import update
from sqlalchemy.orm import Session

from shanhuo.kit.db import rowcount
from shanhuo.kit.errors import Conflict
from shanhuo.models import Sku
from shanhuo.orders.rules import StockEffect


def insufficient_stock(sku_id: int) -> Conflict:
    return Conflict(
        "insufficient_stock",
        f"库存不足（SKU {sku_id}）",
        f"Not enough stock for SKU {sku_id}",
        sku_id=sku_id,
    )


def reserve(session: Session, quantities: Mapping[int, int]) -> None:
    """Hold ``quantities`` (sku_id → q) for an unpaid order, or raise 409 insufficient_stock."""
    for sku_id in sorted(quantities):
        q = quantities[sku_id]
        result = session.execute(
            update(Sku)
            .where(Sku.id == sku_id, Sku.on_hand - Sku.reserved >= q)
            .values(reserved=Sku.reserved + q)
            .execution_options(synchronize_session=False)
        )
        if rowcount(result) != 1:
            raise insufficient_stock(sku_id)


def apply(session: Session, effect: StockEffect, quantities: Mapping[int, int]) -> None:
    """Apply the stock side of an order transition. The guards can only fail if the books are
    already wrong, so failing loudly (409, transaction rolled back) is the right answer."""
    if effect is StockEffect.NONE:
        return
    for sku_id in sorted(quantities):
        q = quantities[sku_id]
        statement = update(Sku).where(Sku.id == sku_id)
        if effect is StockEffect.SELL:
            statement = statement.where(Sku.reserved >= q).values(
                on_hand=Sku.on_hand - q, reserved=Sku.reserved - q
            )
        elif effect is StockEffect.RELEASE:
            statement = statement.where(Sku.reserved >= q).values(reserved=Sku.reserved - q)
        else:  # RESTOCK
            statement = statement.values(on_hand=Sku.on_hand + q)
        result = session.execute(statement.execution_options(synchronize_session=False))
        if rowcount(result) != 1:
            raise Conflict(
                "stock_books_inconsistent",
                f"库存记录不一致（SKU {sku_id}）",
                f"Stock records are inconsistent for SKU {sku_id}",
                sku_id=sku_id,
            )
