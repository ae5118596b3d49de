"""Typed helpers for tests that need products: one product with one SKU, via the services."""

from __future__ import annotations

import io
import itertools

from PIL import Image
from sqlalchemy.orm import Session

from shanhuo.catalog.schemas import ProductCreate, SkuCreate
from shanhuo.catalog.service import create_product as service_create_product
from shanhuo.models import Product, Sku, Store

_titles = itertools.count(1)


def create_product(
    session: Session,
    store: Store,
    *,
    title: str | None = None,
    price_fen: int = 1990,
    stock: int = 100,
    sku_name: str = "5斤装",
    description: str = "",
    category: str = "fruit",
    origin_county: str | None = None,
    perishable: bool = False,
    shelf_life_days: int | None = None,
    status: str = "active",
    weight_g: int = 2500,
) -> tuple[Product, Sku]:
    """A product of ``store`` with one SKU priced ``price_fen`` with ``stock`` on hand."""
    data = ProductCreate(
        title=title or f"测试商品{next(_titles)}",
        description=description,
        category_code=category,
        origin_county_code=origin_county or store.county_code,
        perishable=perishable,
        shelf_life_days=shelf_life_days,
        status=status,
        skus=[SkuCreate(name=sku_name, price_fen=price_fen, on_hand=stock, weight_g=weight_g)],
    )
    product = service_create_product(session, store, data)
    session.flush()
    sku = session.query(Sku).filter(Sku.product_id == product.id).one()
    return product, sku


def image_bytes(kind: str = "PNG", size: tuple[int, int] = (8, 6)) -> bytes:
    """A real, small image in ``kind`` (PNG, JPEG, WEBP, GIF …)."""
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buffer, format=kind)
    return buffer.getvalue()
