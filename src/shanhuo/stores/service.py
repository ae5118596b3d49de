"""Opening, editing, closing and reopening stores; the new-entrepreneur event of a first store.

Functions take the session first and never commit: the route or command that calls them owns
the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shanhuo.accounts.roles import grant_role
from shanhuo.kit.errors import Forbidden, Invalid, NotFound
from shanhuo.kit.masking import mask_mobile
from shanhuo.kit.timeutil import utcnow
from shanhuo.models import Category, EntrepreneurEvent, Store, User
from shanhuo.stores import rules
from shanhuo.stores.locations import region_facts, region_path
from shanhuo.stores.schemas import (
    RegionRef,
    StoreCreate,
    StoreOwnerRead,
    StoreRead,
    StoreUpdate,
)


@dataclass(frozen=True)
class Location:
    county_code: str
    township_code: str | None
    village_code: str | None


def check_category(session: Session, code: str) -> None:
    """422 `category_unknown` unless ``code`` is one of the seeded categories."""
    if session.get(Category, code) is None:
        raise Invalid(
            "category_unknown",
            f"品类 {code} 不存在",
            f"Unknown category {code}",
            field="category_code",
        )


def _check_location(session: Session, location: Location) -> None:
    county = region_facts(session, location.county_code, field="county_code")
    township = (
        region_facts(session, location.township_code, field="township_code")
        if location.township_code
        else None
    )
    village = (
        region_facts(session, location.village_code, field="village_code")
        if location.village_code
        else None
    )
    rules.check_store_location(county, township, village)


def _grant_seller(session: Session, user_id: int) -> None:
    """Idempotent even when two first stores of one person are opened at the same moment:
    the (user, role) primary key decides, inside a savepoint."""
    try:
        with session.begin_nested():
            grant_role(session, user_id, "seller")
    except IntegrityError:
        pass  # granted by a concurrent request


def _record_entrepreneur(session: Session, store: Store) -> bool:
    """Record 新创业者 for the owner's first-ever store. The unique ``user_id`` is the guard:
    a concurrent first store loses the insert and is simply not counted again."""
    already = session.scalar(
        select(EntrepreneurEvent.id).where(EntrepreneurEvent.user_id == store.owner_id)
    )
    if already is not None:
        return False
    try:
        with session.begin_nested():
            session.add(
                EntrepreneurEvent(
                    user_id=store.owner_id,
                    store_id=store.id,
                    county_code=store.county_code,
                    province_code=store.province_code,
                    occurred_at=store.opened_at,
                )
            )
            session.flush()
    except IntegrityError:
        return False
    return True


def open_store(session: Session, owner: User, data: StoreCreate) -> Store:
    """Open a store for ``owner``: validates category and location, grants the seller role,
    and counts a new entrepreneur if this is the first store they ever opened."""
    check_category(session, data.category_code)
    location = Location(data.county_code, data.township_code, data.village_code)
    _check_location(session, location)
    now = utcnow()
    store = Store(
        owner_id=owner.id,
        name=data.name,
        category_code=data.category_code,
        description=data.description,
        county_code=location.county_code,
        township_code=location.township_code,
        village_code=location.village_code,
        province_code=rules.province_of(location.county_code),
        address=data.address,
        contact_mobile=data.contact_mobile,
        status=rules.STORE_OPEN,
        opened_at=now,
    )
    session.add(store)
    session.flush()
    _grant_seller(session, owner.id)
    _record_entrepreneur(session, store)
    return store


def get_store(session: Session, store_id: int) -> Store:
    store = session.get(Store, store_id)
    if store is None:
        raise NotFound("store_not_found", "店铺不存在", "Store not found")
    return store


def check_owner(store: Store, user: User) -> None:
    if store.owner_id != user.id:
        raise Forbidden("store_not_owned", "这不是您的店铺", "This store is not yours")


def get_owned_store(session: Session, store_id: int, user: User) -> Store:
    """The store, if ``user`` owns it: 404 when missing, 403 ``store_not_owned`` otherwise."""
    store = get_store(session, store_id)
    check_owner(store, user)
    return store


def list_stores_of(session: Session, owner: User) -> list[Store]:
    return list(session.scalars(select(Store).where(Store.owner_id == owner.id).order_by(Store.id)))


def _merged_location(store: Store, data: StoreUpdate) -> Location | None:
    sent = data.model_fields_set & {"county_code", "township_code", "village_code"}
    if not sent:
        return None
    county = data.county_code or store.county_code
    same_county = county == store.county_code
    township = (
        data.township_code
        if "township_code" in sent
        else (store.township_code if same_county else None)
    )
    village = (
        data.village_code
        if "village_code" in sent
        else (store.village_code if same_county and township == store.township_code else None)
    )
    return Location(county, township, village)


def update_store(session: Session, store_id: int, data: StoreUpdate, *, user: User) -> Store:
    store = get_owned_store(session, store_id, user)
    sent = data.model_fields_set
    for field in ("name", "category_code", "contact_mobile"):
        if field in sent and getattr(data, field) is None:
            raise Invalid(
                "field_required", f"{field} 不能为空", f"{field} cannot be empty", field=field
            )
    if data.category_code is not None:
        check_category(session, data.category_code)
    location = _merged_location(store, data)
    if location is not None:
        _check_location(session, location)
        store.county_code = location.county_code
        store.township_code = location.township_code
        store.village_code = location.village_code
        store.province_code = rules.province_of(location.county_code)
    if data.name is not None:
        store.name = data.name
    if data.category_code is not None:
        store.category_code = data.category_code
    if "description" in sent:
        store.description = data.description or ""
    if "address" in sent:
        store.address = data.address or ""
    if data.contact_mobile is not None:
        store.contact_mobile = data.contact_mobile
    session.flush()
    return store


def close_store(session: Session, store_id: int, *, user: User) -> Store:
    """Closing hides the store's products from browse and search; the entrepreneur event
    (a fact about the past) stays."""
    store = get_owned_store(session, store_id, user)
    rules.check_can_close(store.status)
    store.status = rules.STORE_CLOSED
    store.closed_at = utcnow()
    session.flush()
    return store


def reopen_store(session: Session, store_id: int, *, user: User) -> Store:
    store = get_owned_store(session, store_id, user)
    rules.check_can_reopen(store.status)
    store.status = rules.STORE_OPEN
    store.closed_at = None
    session.flush()
    return store


def get_category(session: Session, code: str) -> Category:
    category = session.get(Category, code)
    if category is None:
        raise NotFound("category_not_found", "品类不存在", "Category not found")
    return category


def list_categories(session: Session) -> list[Category]:
    return list(session.scalars(select(Category).order_by(Category.sort, Category.code)))


def _read_fields(session: Session, store: Store) -> dict[str, Any]:
    path = [
        RegionRef(code=r.code, name=r.name, level=r.level)
        for r in region_path(
            session, store.village_code or store.township_code or store.county_code
        )
    ]
    return {
        "id": store.id,
        "owner_id": store.owner_id,
        "name": store.name,
        "category_code": store.category_code,
        "description": store.description,
        "county_code": store.county_code,
        "township_code": store.township_code,
        "village_code": store.village_code,
        "province_code": store.province_code,
        "address": store.address,
        "contact_mobile_masked": mask_mobile(store.contact_mobile),
        "status": store.status,
        "opened_at": store.opened_at,
        "closed_at": store.closed_at,
        "region_path": path,
    }


def store_read(session: Session, store: Store) -> StoreRead:
    """The public API shape of a store, with its region path and a masked contact number."""
    return StoreRead(**_read_fields(session, store))


def store_owner_read(session: Session, store: Store) -> StoreOwnerRead:
    """What the owner sees: also the contact number unmasked."""
    return StoreOwnerRead(**_read_fields(session, store), contact_mobile=store.contact_mobile)
