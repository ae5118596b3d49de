"""Pure rules of the report: windows (leap years), growth with a minimum base, rankings with
ties, the Taobao-village and active-store rules, SQL literals."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from shanhuo.report import rules
from shanhuo.report.engines import render_sql, sql_literal


def test_full_year_window_compares_with_the_whole_previous_year() -> None:
    w = rules.comparison_window(2020, data_end=date(2022, 1, 1))
    assert (w.start, w.end, w.base_start, w.base_end) == (
        date(2020, 1, 1),
        date(2021, 1, 1),
        date(2019, 1, 1),
        date(2020, 1, 1),
    )
    assert w.full_year


def test_partial_year_compares_with_the_same_calendar_period() -> None:
    w = rules.comparison_window(2021, data_end=date(2021, 6, 10))
    assert (w.start, w.end, w.base_start, w.base_end) == (
        date(2021, 1, 1),
        date(2021, 6, 10),
        date(2020, 1, 1),
        date(2020, 6, 10),
    )
    assert not w.full_year


def test_window_ending_on_leap_day_keeps_28_february_in_the_base_year() -> None:
    # Data through 28 Feb 2020 (29 Feb excluded): the base window ends at 1 March 2019
    # (exclusive), i.e. it also runs through 28 Feb — the same whole days.
    w = rules.comparison_window(2020, data_end=date(2020, 2, 29))
    assert (w.base_start, w.base_end) == (date(2019, 1, 1), date(2019, 3, 1))
    assert rules.shift_years(date(2020, 2, 29), -2) == date(2018, 3, 1)
    assert rules.shift_years(date(2020, 3, 1), -1) == date(2019, 3, 1)


def test_window_for_a_year_after_the_data_is_refused() -> None:
    with pytest.raises(ValueError, match="no data in 2022"):
        rules.comparison_window(2022, data_end=date(2022, 1, 1))


def test_local_midnight_is_16_00_utc_the_day_before() -> None:
    assert rules.local_midnight_utc(date(2020, 1, 1)) == datetime(2019, 12, 31, 16, tzinfo=UTC)


def test_growth_needs_the_minimum_base() -> None:
    assert rules.growth_rate(45, 30, min_base=30) == 0.5
    assert rules.growth_rate(90, 29, min_base=30) is None
    assert rules.growth_rate(5, 0, min_base=1) is None  # a zero base has no growth rate
    with pytest.raises(ValueError):
        rules.growth_rate(5, 0, min_base=0)


def test_competition_ranks_share_a_rank_on_ties_and_skip_the_next() -> None:
    ranks = rules.competition_ranks({"64": 0.5, "53": 0.8, "52": 0.5, "63": 0.1, "54": None})
    assert ranks == {"53": 1, "52": 2, "64": 2, "63": 4}


def test_top_n_keeps_every_province_tied_at_the_last_place() -> None:
    rows = [
        {"province_code": f"{i:02d}", "rank": r}
        for i, r in enumerate([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 10, 12], start=10)
    ]
    top = rules.top_n(rows, "rank")
    assert [r["province_code"] for r in top][-2:] == ["19", "20"]
    assert len(top) == 11


def test_active_store_rule_counts_a_month_as_a_twelfth_of_the_year() -> None:
    day = 86400
    assert rules.is_active_store(366 * day, 12, year_days=366)  # whole leap year, 12 orders
    assert rules.is_active_store(365 * day, 12, year_days=365)
    assert not rules.is_active_store(365 * day, 11, year_days=365)
    assert not rules.is_active_store(29 * day, 5, year_days=365)  # opened in December: < 30 days
    assert rules.is_active_store(61 * day, 2, year_days=366)
    assert rules.days_in_year(2020) == 366 and rules.days_in_year(2021) == 365


def test_taobao_village_rule_at_its_boundaries() -> None:
    ten_million = 1_000_000_000
    assert rules.is_taobao_village(ten_million, 100, None)
    assert not rules.is_taobao_village(ten_million - 1, 500, 100)
    assert rules.is_taobao_village(ten_million, 99, 990)  # 10.0 % of households
    assert not rules.is_taobao_village(ten_million, 98, 990)
    assert not rules.is_taobao_village(ten_million, 99, None)


def test_pct_change_and_share() -> None:
    assert rules.pct_change(250.0, 100.0) == pytest.approx(150.0)
    assert rules.pct_change(1.0, 0.0) is None
    assert rules.share(1, 4) == 0.25 and rules.share(1, 0) is None


def test_short_names_and_province_codes() -> None:
    assert [
        rules.short_name(n) for n in ("宁夏回族自治区", "云南省", "北京市", "新疆维吾尔自治区")
    ] == ["宁夏", "云南", "北京", "新疆"]
    assert rules.is_province_code("53") and rules.is_province_code("530000")
    assert not any(rules.is_province_code(c) for c in ("99", "71", "5300", "530100", "abc", ""))


def test_sql_literals_are_typed_and_unknown_parameters_fail() -> None:
    assert sql_literal(datetime(2019, 12, 31, 16, tzinfo=UTC)) == "TIMESTAMP '2019-12-31 16:00:00'"
    assert sql_literal(30) == "30" and sql_literal(True) == "TRUE"
    with pytest.raises(TypeError):
        sql_literal("2020'; DROP TABLE stores; --")
    with pytest.raises(ValueError):
        sql_literal(datetime(2020, 1, 1))  # naive
    assert render_sql("WHERE year = ${year}", {"year": 2020}) == "WHERE year = 2020"
    with pytest.raises(KeyError):
        render_sql("${nope}", {})
