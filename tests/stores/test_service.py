"""Stores service on the real database (SQLite and PostgreSQL)."""

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shanhuo.accounts.roles import roles_of
from shanhuo.kit.errors import Conflict, Forbidden, Invalid, NotFound
from shanhuo.models import EntrepreneurEvent, Store
from shanhuo.stores import service
from shanhuo.stores.schemas import StoreCreate, StoreUpdate
from tests.helpers.accounts import create_user
from tests.helpers.stores import create_store, create_township, create_village


def _data(**overrides: object) -> StoreCreate:
    base = {
        "name": "武功猕猴桃合作社",
        "category_code": "fruit",
        "county_code": "610431",
        "contact_mobile": "13800138000",
    }
    return StoreCreate.model_validate({**base, **overrides})


def _store_count(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(Store)) or 0


def test_open_store_grants_seller_and_records_entrepreneur(db: Session) -> None:
    owner = create_user(db, roles=("buyer",))
    store = service.open_store(db, owner, _data())
    assert store.status == "open"
    assert store.province_code == "61"
    assert roles_of(db, owner.id) == {"buyer", "seller"}
    event = db.scalars(select(EntrepreneurEvent)).one()
    assert (event.user_id, event.store_id, event.county_code, event.province_code) == (
        owner.id,
        store.id,
        "610431",
        "61",
    )
    assert event.occurred_at == store.opened_at


def test_second_store_does_not_count_again(db: Session) -> None:
    owner = create_user(db)
    first = create_store(db, owner=owner)
    second = create_store(db, owner=owner, county="530102", name="昆明多肉")
    events = db.scalars(select(EntrepreneurEvent)).all()
    assert [e.store_id for e in events] == [first.id]
    assert second.province_code == "53"


def test_township_and_village_nested_in_county(db: Session) -> None:
    create_township(db)
    create_village(db)
    store = create_store(db, township="610431100", village="610431100201")
    assert (store.county_code, store.township_code, store.village_code) == (
        "610431",
        "610431100",
        "610431100201",
    )


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"county_code": "999999"}, "region_unknown"),
        ({"county_code": "610400"}, "region_not_county"),
        ({"county_code": "610000"}, "region_not_county"),
        ({"township_code": "610432100"}, "region_unknown"),
        ({"category_code": "spaceships"}, "category_unknown"),
    ],
)
def test_bad_location_or_category_changes_nothing(
    db: Session, overrides: dict[str, str], code: str
) -> None:
    owner = create_user(db, roles=("buyer",))
    with pytest.raises(Invalid) as exc:
        service.open_store(db, owner, _data(**overrides))
    assert exc.value.code == code
    assert _store_count(db) == 0
    assert roles_of(db, owner.id) == {"buyer"}


def test_township_of_another_county_is_refused(db: Session) -> None:
    create_township(db, code="610402001", name="某街道")  # a township of 秦都区
    owner = create_user(db)
    with pytest.raises(Invalid) as exc:
        service.open_store(db, owner, _data(township_code="610402001"))
    assert exc.value.code == "township_outside_county"
    assert _store_count(db) == 0


def test_get_owned_store_refuses_another_seller(db: Session) -> None:
    store = create_store(db)
    other = create_user(db, roles=("seller",))
    with pytest.raises(Forbidden) as exc:
        service.get_owned_store(db, store.id, other)
    assert exc.value.code == "store_not_owned"


def test_get_owned_store_missing_is_404(db: Session) -> None:
    with pytest.raises(NotFound):
        service.get_owned_store(db, 123456, create_user(db))


def test_update_store_changes_only_sent_fields(db: Session) -> None:
    store = create_store(db, description="旧介绍")
    owner = store.owner_id
    user = db.get(type(create_user(db)), owner)
    assert user is not None
    service.update_store(db, store.id, StoreUpdate(name="新名字"), user=user)
    assert (store.name, store.description, store.county_code) == ("新名字", "旧介绍", "610431")


def test_moving_county_clears_township(db: Session) -> None:
    create_township(db)
    owner = create_user(db)
    store = create_store(db, owner=owner, township="610431100")
    service.update_store(db, store.id, StoreUpdate(county_code="530102"), user=owner)
    assert (store.county_code, store.township_code, store.province_code) == (
        "530102",
        None,
        "53",
    )


def test_close_and_reopen_keep_entrepreneur_event(db: Session) -> None:
    owner = create_user(db)
    store = create_store(db, owner=owner)
    service.close_store(db, store.id, user=owner)
    assert store.status == "closed" and store.closed_at is not None
    with pytest.raises(Conflict):
        service.close_store(db, store.id, user=owner)
    service.reopen_store(db, store.id, user=owner)
    assert store.status == "open" and store.closed_at is None
    assert db.scalar(select(func.count()).select_from(EntrepreneurEvent)) == 1


def test_list_stores_of_owner_only(db: Session) -> None:
    owner = create_user(db)
    mine = [create_store(db, owner=owner), create_store(db, owner=owner)]
    create_store(db)
    assert [s.id for s in service.list_stores_of(db, owner)] == [s.id for s in mine]
