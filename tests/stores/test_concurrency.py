"""Two first stores of one person opened at the same moment: one new-entrepreneur event."""

import threading
import time

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import sessionmaker

from shanhuo.accounts.roles import roles_of
from shanhuo.models import EntrepreneurEvent, Store, User
from shanhuo.stores.schemas import StoreCreate
from shanhuo.stores.service import open_store
from tests.helpers.accounts import create_user


def _data(name: str) -> StoreCreate:
    return StoreCreate(
        name=name, category_code="fruit", county_code="610431", contact_mobile="13800138000"
    )


@pytest.mark.postgres_only
def test_concurrent_first_stores_record_one_entrepreneur_event(
    committed_engine: Engine, is_postgres: bool
) -> None:
    if not is_postgres:
        pytest.skip("needs PostgreSQL: SQLite serialises writers with BEGIN IMMEDIATE")
    factory = sessionmaker(bind=committed_engine, expire_on_commit=False)
    with factory() as session:
        user_id = create_user(session, roles=("buyer",)).id
        session.commit()

    first_flushed = threading.Event()
    errors: list[BaseException] = []

    def first() -> None:
        # Opens a store and holds its uncommitted event row while the second one runs, so the
        # second really races on the unique user_id (and on the seller role's primary key).
        try:
            with factory() as session:
                user = session.get(User, user_id)
                assert user is not None
                open_store(session, user, _data("第一家"))
                first_flushed.set()
                time.sleep(0.5)
                session.commit()
        except BaseException as exc:
            errors.append(exc)
            first_flushed.set()

    def second() -> None:
        try:
            first_flushed.wait(5)
            with factory() as session:
                user = session.get(User, user_id)
                assert user is not None
                open_store(session, user, _data("第二家"))
                session.commit()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert errors == []

    with factory() as session:
        stores = session.scalars(select(Store).where(Store.owner_id == user_id)).all()
        assert sorted(s.name for s in stores) == ["第一家", "第二家"]
        events = session.scalars(select(EntrepreneurEvent)).all()
        assert len(events) == 1
        assert events[0].user_id == user_id
        assert events[0].store_id == next(s.id for s in stores if s.name == "第一家")
        assert roles_of(session, user_id) == {"buyer", "seller"}
        assert session.scalar(select(func.count()).select_from(EntrepreneurEvent)) == 1
