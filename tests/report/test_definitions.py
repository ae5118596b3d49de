"""The list of indicators and shared tables says what the SQL files really read."""

from __future__ import annotations

import re

from shanhuo.report.dataset import REQUIRED
from shanhuo.report.definitions import INDICATORS, SHARED, SQL_DIR, shared_files

SHARED_NAMES = [s.name for s in SHARED]
DIMENSIONS = {"provinces", "macros", "lanes"}


def read_after_from_or_join(sql: str) -> set[str]:
    """Table names the SQL reads (after FROM / JOIN), its own CTE names left out."""
    without_comments = re.sub(r"--[^\n]*", "", sql)
    ctes = set(re.findall(r"(\w+)\s+AS\s*\(", without_comments, flags=re.IGNORECASE))
    names = set(re.findall(r"\b(?:FROM|JOIN)\s+(\w+)", without_comments, flags=re.IGNORECASE))
    return names - ctes


def test_each_indicator_declares_the_shared_tables_its_sql_reads() -> None:
    for ind in INDICATORS:
        if ind.sql_file is None:
            continue
        read = read_after_from_or_join(ind.sql())
        assert read & set(SHARED_NAMES) == set(ind.shared), ind.key
        assert read <= set(SHARED_NAMES) | set(REQUIRED) | DIMENSIONS, ind.key


def test_each_shared_table_declares_what_it_reads_and_is_built_after_it() -> None:
    for position, shared in enumerate(SHARED):
        read = read_after_from_or_join(shared.sql())
        assert read & set(SHARED_NAMES) == set(shared.reads), shared.name
        assert set(shared.reads) <= set(SHARED_NAMES[:position]), shared.name
        assert read - set(SHARED_NAMES) - DIMENSIONS == set(shared.tables), shared.name
    assert sorted(p.stem for p in (SQL_DIR / "shared").glob("*.sql")) == sorted(SHARED_NAMES)


def test_shared_files_follow_what_an_indicator_reads_in_build_order() -> None:
    assert shared_files(("anchor_sessions",)) == [
        "shared/store_sales.sql",
        "shared/store_facts.sql",
        "shared/anchor_sessions.sql",
    ]
    assert shared_files(("lane_times",)) == ["shared/lane_times.sql"]
