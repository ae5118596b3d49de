"""Typed helpers for tests that need regions beyond the standard provinces/prefectures/counties
(which the test database always holds, loaded from the data package)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from shanhuo.models import Region
from shanhuo.regions.service import create_region


def a_county(session: Session, *, province: str = "61") -> Region:
    """The first standard county of a province (by two-digit prefix), from the loaded data."""
    return session.scalars(
        select(Region)
        .where(Region.province_code == province, Region.level == "county")
        .order_by(Region.code)
        .limit(1)
    ).one()


def create_township(
    session: Session, *, county: str, suffix: str = "901", name: str = "测试镇"
) -> Region:
    """An operator-added township under ``county`` (code = county + ``suffix``)."""
    return create_region(session, code=county + suffix, name=name, level="township")


def create_village(
    session: Session,
    *,
    township: str,
    suffix: str = "201",
    name: str = "测试村",
    households: int | None = None,
) -> Region:
    return create_region(
        session, code=township + suffix, name=name, level="village", households=households
    )


def region_count(session: Session) -> int:
    return len(session.scalars(select(Region.code)).all())
