"""Stores opened by rural entrepreneurs, and the new-entrepreneur event of a first store."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from shanhuo.models.base import Base


class Store(Base):
    __tablename__ = "store"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    category_code: Mapped[str] = mapped_column(ForeignKey("category.code"))
    description: Mapped[str] = mapped_column(Text, default="")
    county_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    township_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"))
    village_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"))
    province_code: Mapped[str] = mapped_column(String(2), index=True)
    address: Mapped[str] = mapped_column(String(200), default="")
    contact_mobile: Mapped[str] = mapped_column(String(11))
    status: Mapped[str] = mapped_column(String(12), default="open")  # open | closed
    opened_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]


class EntrepreneurEvent(Base):
    """新创业者: recorded once per person, when their first-ever store opens.

    ``user_id`` is unique, so two concurrent first stores cannot both count."""

    __tablename__ = "entrepreneur_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), unique=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"))
    county_code: Mapped[str] = mapped_column(ForeignKey("region.code"))
    province_code: Mapped[str] = mapped_column(String(2), index=True)
    occurred_at: Mapped[datetime] = mapped_column(index=True)
