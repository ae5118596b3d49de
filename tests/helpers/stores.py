"""Typed helpers for tests that need stores (and the townships/villages they sit in)."""

from __future__ import annotations

import itertools

from sqlalchemy.orm import Session

from shanhuo.models import Region, Store, User
from shanhuo.stores.schemas import StoreCreate
from shanhuo.stores.service import open_store
from tests.helpers.accounts import create_user

WUGONG = "610431"  # 陕西省 咸阳市 武功县 — kiwi country
_names = itertools.count(1)


def create_store(
    session: Session,
    *,
    owner: User | None = None,
    county: str = WUGONG,
    name: str | None = None,
    category: str = "fruit",
    township: str | None = None,
    village: str | None = None,
    description: str = "",
    contact_mobile: str = "13800138000",
) -> Store:
    """Open a store through the service (grants the seller role, counts the entrepreneur)."""
    owner = owner or create_user(session)
    data = StoreCreate(
        name=name or f"测试小店{next(_names)}",
        category_code=category,
        description=description,
        county_code=county,
        township_code=township,
        village_code=village,
        address="",
        contact_mobile=contact_mobile,
    )
    store = open_store(session, owner, data)
    session.flush()
    return store


def create_township(session: Session, *, code: str = "610431100", name: str = "普集街道") -> Region:
    """A township under its county (9-digit code whose first six digits are the county)."""
    return _region(session, code=code, name=name, level="township", parent=code[:6])


def create_village(session: Session, *, code: str = "610431100201", name: str = "南仁村") -> Region:
    """A village under its township (12-digit code whose first nine digits are the township)."""
    return _region(session, code=code, name=name, level="village", parent=code[:9])


def _region(session: Session, *, code: str, name: str, level: str, parent: str) -> Region:
    existing = session.get(Region, code)
    if existing is not None:
        return existing
    region = Region(
        code=code,
        name=name,
        level=level,
        parent_code=parent,
        province_code=code[:2],
        source="test",
    )
    session.add(region)
    session.flush()
    return region
