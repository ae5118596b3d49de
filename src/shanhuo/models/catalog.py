"""Categories of specialty produce, products, their variants (SKUs) with stock, and photos."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from shanhuo.models.base import Base


class Category(Base):
    __tablename__ = "category"

    code: Mapped[str] = mapped_column(String(24), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(20))
    name_en: Mapped[str] = mapped_column(String(40))
    sort: Mapped[int] = mapped_column(Integer, default=0)


class Product(Base):
    __tablename__ = "product"
    __table_args__ = (
        CheckConstraint(
            "shelf_life_days IS NULL OR shelf_life_days BETWEEN 1 AND 3650", name="shelf_life"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"), index=True)
    title: Mapped[str] = mapped_column(String(60))
    description: Mapped[str] = mapped_column(Text, default="")
    category_code: Mapped[str] = mapped_column(ForeignKey("category.code"), index=True)
    origin_county_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    origin_province_code: Mapped[str] = mapped_column(String(2), index=True)
    perishable: Mapped[bool] = mapped_column(default=False)
    shelf_life_days: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(12), default="active")  # active | hidden
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Sku(Base):
    """A variant with its own price and stock.

    ``on_hand`` is stock in the store; ``reserved`` is held by orders not yet paid. Both are
    guarded by CHECK constraints so no code path can drive available stock below zero."""

    __tablename__ = "sku"
    __table_args__ = (
        CheckConstraint("price_fen > 0", name="price_positive"),
        CheckConstraint("on_hand >= 0", name="on_hand_nonnegative"),
        CheckConstraint("reserved >= 0 AND reserved <= on_hand", name="reserved_within_on_hand"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    price_fen: Mapped[int]
    on_hand: Mapped[int] = mapped_column(default=0)
    reserved: Mapped[int] = mapped_column(default=0)
    weight_g: Mapped[int] = mapped_column(default=0)
    sort: Mapped[int] = mapped_column(default=0)


class ProductPhoto(Base):
    __tablename__ = "product_photo"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), index=True)
    storage_key: Mapped[str] = mapped_column(String(120), unique=True)
    content_type: Mapped[str] = mapped_column(String(40))
    width: Mapped[int]
    height: Mapped[int]
    size_bytes: Mapped[int]
    sort: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]
