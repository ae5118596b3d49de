from datetime import UTC, datetime
from decimal import Decimal

import pytest

from shanhuo.kit.masking import mask_mobile, mask_mobiles_in, mask_name
from shanhuo.kit.money import fen_times_rate, format_fen, yuan_to_fen
from shanhuo.kit.timeutil import format_local


def test_format_fen_shows_yuan_with_two_decimals() -> None:
    assert format_fen(1230) == "¥12.30"
    assert format_fen(5) == "¥0.05"
    assert format_fen(123456789) == "¥1,234,567.89"
    assert format_fen(-250) == "-¥2.50"


def test_fee_rounds_half_up_to_the_fen() -> None:
    assert fen_times_rate(10_000, Decimal("0.006")) == 60
    assert fen_times_rate(250, Decimal("0.006")) == 2  # 1.5 fen rounds up
    assert fen_times_rate(0, Decimal("0.006")) == 0


def test_yuan_to_fen_parses_what_a_person_types() -> None:
    assert yuan_to_fen("12.3") == 1230
    assert yuan_to_fen("¥1,000") == 100_000
    with pytest.raises(ValueError):
        yuan_to_fen("1.234")


def test_masking_hides_the_middle_of_numbers_and_names() -> None:
    assert mask_mobile("13812341234") == "138****1234"
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳娜娜") == "欧***"
    assert mask_mobiles_in("sent 13812341234 code") == "sent 138****1234 code"
    assert mask_mobiles_in("order 2026061813812341234") == "order 2026061813812341234"


def test_local_time_is_asia_shanghai() -> None:
    assert format_local(datetime(2026, 6, 18, 16, 30, tzinfo=UTC)) == "2026-06-19 00:30"


def test_sqlite_request_sessions_hold_the_write_lock_only_until_the_root_commit(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import sqlite3

    from sqlalchemy import text

    from shanhuo.kit.db import make_engine, make_session_factory, use_sqlite_write_lock_until_commit

    path = tmp_path / "lock.db"
    factory = make_session_factory(make_engine(f"sqlite:///{path}"))

    def locked() -> bool:
        probe = sqlite3.connect(path, timeout=0.05, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError:
            return True
        finally:
            probe.close()

    writer = factory()
    use_sqlite_write_lock_until_commit(writer, may_write=True)
    writer.execute(text("CREATE TABLE t (x INTEGER)"))
    assert locked()
    with writer.begin_nested():  # a released SAVEPOINT keeps the same transaction
        writer.execute(text("INSERT INTO t VALUES (1)"))
    writer.execute(text("INSERT INTO t VALUES (2)"))
    assert locked()
    writer.commit()
    assert writer.execute(text("SELECT count(*) FROM t")).scalar_one() == 2
    assert not locked()  # the read after the commit takes no write lock
    writer.close()

    reader = factory()
    use_sqlite_write_lock_until_commit(reader, may_write=False)
    assert reader.execute(text("SELECT count(*) FROM t")).scalar_one() == 2
    assert not locked()
    reader.close()


def test_atomic_dir_replaces_the_target_only_when_everything_was_written(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from shanhuo.kit.files import atomic_dir

    target = tmp_path / "out" / "2020"
    with atomic_dir(target) as tmp:
        (tmp / "a.csv").write_text("first")
    assert (target / "a.csv").read_text() == "first"

    with pytest.raises(RuntimeError), atomic_dir(target) as tmp:
        (tmp / "a.csv").write_text("half-written")
        raise RuntimeError("disk full")
    assert (target / "a.csv").read_text() == "first"  # the old output is untouched
    assert sorted(p.name for p in target.parent.iterdir()) == ["2020"]  # no leftovers
