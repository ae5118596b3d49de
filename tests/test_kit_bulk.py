"""kit.bulk: many rows in one statement with constant SQL text (JSON recordset / JSON arrays on
PostgreSQL, SQLAlchemy's multi-row INSERT / IN on SQLite). Runs on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import cast

import pytest
from sqlalchemy import Table, Text, select
from sqlalchemy import cast as sa_cast
from sqlalchemy.exc import DBAPIError, StatementError
from sqlalchemy.orm import Session

from shanhuo.kit.bulk import (
    in_param,
    insert_rows,
    pairs_param,
    param_values,
    upsert_rows,
    values_param,
)
from shanhuo.kit.timeutil import utcnow
from shanhuo.models import LiveDealBuyer, User
from tests.helpers.live import create_live_room, open_deal

USERS = cast(Table, User.__table__)


def _rows(n: int, now: datetime) -> list[dict[str, object]]:
    # Mobiles deliberately not in ascending order, so a sort by value could not fake the order.
    return [
        {
            "mobile": f"1381{(n - k) * 7919 % 10_000_000:07d}",
            "display_name": f"张三{k}" if k % 3 else "",
            "created_at": now + timedelta(seconds=k),
            "last_sign_in_at": None if k % 2 else now,
        }
        for k in range(n)
    ]


def test_ids_come_back_in_the_order_of_the_rows(db: Session) -> None:
    now = utcnow()
    rows = _rows(70, now)
    ids = insert_rows(db, USERS, rows, returning="id")
    assert len(ids) == 70 and len(set(ids)) == 70
    stored = {u.id: u for u in db.scalars(select(User).where(User.id.in_(ids)))}
    for row, user_id in zip(rows, ids, strict=True):
        user = stored[user_id]
        assert user.mobile == row["mobile"]
        assert user.display_name == row["display_name"]  # Chinese text survives
        assert user.created_at == row["created_at"]  # aware UTC in, aware UTC out
        assert user.last_sign_in_at == row["last_sign_in_at"]  # NULL survives


def test_without_returning_inserts_and_returns_nothing(db: Session) -> None:
    rows = _rows(5, utcnow())
    assert insert_rows(db, USERS, rows) == []
    mobiles = [str(r["mobile"]) for r in rows]
    found = set(db.scalars(select(User.mobile).where(User.mobile.in_(mobiles))))
    assert found == set(mobiles)
    assert insert_rows(db, USERS, [], returning="id") == []


def test_a_naive_datetime_is_refused_as_by_the_orm(db: Session) -> None:
    rows = _rows(2, utcnow())
    rows[1]["created_at"] = datetime(2026, 1, 1, 8, 0)  # no tzinfo
    with pytest.raises((ValueError, StatementError)):
        insert_rows(db, USERS, rows, returning="id")


def test_an_over_long_string_is_refused_not_cut(db: Session, is_postgres: bool) -> None:
    if not is_postgres:
        pytest.skip("SQLite does not enforce varchar lengths")
    rows = _rows(2, utcnow())
    rows[0]["mobile"] = "138000000001234"  # 15 characters in a varchar(11)
    with pytest.raises(DBAPIError), db.begin_nested():
        insert_rows(db, USERS, rows)


def test_in_param_matches_exactly_the_values(db: Session, is_postgres: bool) -> None:
    ids = insert_rows(db, USERS, _rows(6, utcnow()), returning="id")
    wanted = {ids[0], ids[3], ids[5], -1}
    query = select(User.id).where(in_param(User.id, "ids", postgres=is_postgres))
    assert set(db.scalars(query, {"ids": param_values(wanted)})) == wanted - {-1}
    assert list(db.scalars(query, {"ids": param_values([])})) == []


def test_upsert_inserts_adds_and_refuses_past_the_guard(db: Session) -> None:
    """The flash-deal per-buyer counter: insert new buyers, add to known ones, and leave
    (and not count) a row whose sum would pass the limit."""
    deal = open_deal(db, create_live_room(db), pool=10, limit=3)  # real rows for the FKs
    ids = insert_rows(db, USERS, _rows(3, utcnow()), returning="id")
    table = cast(Table, LiveDealBuyer.__table__)

    def add(rows: list[tuple[int, int]]) -> int:
        return upsert_rows(
            db,
            table,
            [
                {"deal_id": deal.id, "buyer_id": b, "quantity": q, "per_buyer_limit": 3}
                for b, q in rows
            ],
            key=("deal_id", "buyer_id"),
            on_conflict=lambda stmt: (
                {"quantity": stmt.table.c.quantity + stmt.excluded.quantity},
                stmt.table.c.quantity + stmt.excluded.quantity <= 3,
            ),
        )

    assert add([(ids[0], 1), (ids[1], 2)]) in (2, -1)
    assert add([(ids[0], 2), (ids[1], 2), (ids[2], 1)]) in (2, -1)  # ids[1] would reach 4
    held = dict(
        db.execute(
            select(LiveDealBuyer.buyer_id, LiveDealBuyer.quantity).where(
                LiveDealBuyer.deal_id == deal.id
            )
        ).all()
    )
    assert held == {ids[0]: 3, ids[1]: 2, ids[2]: 1}


def test_in_param_twice_in_a_statement_and_never_cuts_a_value(
    db: Session, is_postgres: bool
) -> None:
    rows = _rows(3, utcnow())
    ids = insert_rows(db, USERS, rows, returning="id")
    mobiles = [str(r["mobile"]) for r in rows]
    both = select(User.id).where(
        in_param(User.id, "ids", postgres=is_postgres),
        in_param(User.mobile, "mobiles", postgres=is_postgres),
    )
    params = {"ids": param_values(ids[:2]), "mobiles": param_values(mobiles)}
    assert set(db.scalars(both, params)) == set(ids[:2])
    # 15 characters whose first 11 are a stored mobile: a cast to varchar(11) would match it.
    too_long = [mobiles[0] + "0000", 'x"y']
    one = select(User.id).where(in_param(User.mobile, "mobiles", postgres=is_postgres))
    assert list(db.scalars(one, {"mobiles": param_values(too_long)})) == []


def test_in_param_statement_is_built_once_and_bound_per_run(db: Session, is_postgres: bool) -> None:
    rows = _rows(4, utcnow())
    ids = insert_rows(db, USERS, rows, returning="id")
    mobiles = [str(r["mobile"]) for r in rows]
    query = select(User.id).where(
        in_param(User.id, "ids", postgres=is_postgres),
        in_param(User.mobile, "mobiles", postgres=is_postgres),
    )
    runs = [
        ({"ids": ids[:3], "mobiles": mobiles[1:]}, set(ids[1:3])),
        ({"ids": ids, "mobiles": [mobiles[0] + "0000", 'x"y']}, set()),  # never a cut prefix
        ({"ids": [], "mobiles": mobiles}, set()),
    ]
    for values, expected in runs:
        params = {name: param_values(v) for name, v in values.items()}
        assert set(db.execute(query, params).scalars()) == expected


def test_a_column_with_a_python_default_must_be_given(db: Session, is_postgres: bool) -> None:
    if is_postgres:
        pytest.skip("the PostgreSQL INSERT … SELECT fills Python-side defaults itself")
    table = cast(Table, LiveDealBuyer.__table__)
    assert any(c.default is not None for c in table.columns)  # what this test relies on
    row = {"deal_id": 1, "buyer_id": 1}  # quantity (default 0) left out
    with pytest.raises(ValueError, match="explicitly"):
        insert_rows(db, table, [row])


def test_pairs_param_matches_exactly_the_pairs_asked_for(db: Session, is_postgres: bool) -> None:
    rows = _rows(3, utcnow())
    ids = insert_rows(db, USERS, rows, returning="id")
    mobiles = [str(r["mobile"]) for r in rows]
    pairs = pairs_param(User.id, User.mobile, "pairs", postgres=is_postgres)
    query = (
        select(User.id)
        .select_from(pairs)
        .join(User, (User.id == pairs.c.first) & (User.mobile == pairs.c.second))
    )
    asked = [(ids[0], mobiles[0]), (ids[1], mobiles[2]), (ids[2], mobiles[2])]
    # (ids[1], mobiles[2]) pairs a real id with another row's mobile: not a match, though
    # both values exist (two IN lists would have matched it).
    assert set(db.scalars(query, {"pairs": param_values(asked)})) == {ids[0], ids[2]}
    assert list(db.scalars(query, {"pairs": param_values([])})) == []
    # Longer than the column: never cut to match a stored value.
    too_long = [(ids[0], mobiles[0] + "0000")]
    assert list(db.scalars(query, {"pairs": param_values(too_long)})) == []


def test_datetimes_are_stored_as_the_orm_stores_them(db: Session) -> None:
    """Same stored text (SQLite) or value (PostgreSQL) as an ORM insert, with and without
    microseconds, so ordering and comparisons across rows written either way hold."""
    for when in (
        datetime(2026, 11, 30, 8, 5, 7, 120, tzinfo=UTC),
        datetime(2026, 1, 2, tzinfo=UTC),
    ):
        by_orm = User(mobile=f"1390000{when.month:04d}", display_name="", created_at=when)
        db.add(by_orm)
        db.flush()
        [row] = _rows(1, when)
        row["mobile"] = f"1390001{when.month:04d}"
        [bulk_id] = insert_rows(db, USERS, [row], returning="id")
        stored = dict(
            db.execute(
                select(User.id, sa_cast(USERS.c.created_at, Text)).where(
                    User.id.in_([by_orm.id, bulk_id])
                )
            ).all()
        )
        assert stored[bulk_id] == stored[by_orm.id]
        assert db.get(User, bulk_id).created_at == when  # type: ignore[union-attr]


def test_values_param_joins_exactly_the_values(db: Session, is_postgres: bool) -> None:
    rows = _rows(3, utcnow())
    ids = insert_rows(db, USERS, rows, returning="id")
    values = values_param(User.id, "ids", postgres=is_postgres)
    query = select(User.id).select_from(values).join(User, User.id == values.c.value)
    assert set(db.scalars(query, {"ids": param_values([ids[0], ids[2], -1])})) == {ids[0], ids[2]}
    assert list(db.scalars(query, {"ids": param_values([])})) == []
    mobiles = values_param(User.mobile, "mobiles", postgres=is_postgres)
    by_mobile = select(User.id).select_from(mobiles).join(User, User.mobile == mobiles.c.value)
    too_long = [str(rows[0]["mobile"]) + "0000"]  # never cut to the column's length
    assert list(db.scalars(by_mobile, {"mobiles": param_values(too_long)})) == []
    assert list(db.scalars(by_mobile, {"mobiles": param_values([rows[1]["mobile"]])})) == [ids[1]]
