"""Pure rules of the report: comparison windows, growth with a minimum base, rankings with
ties, shares, and headline sentences written from the numbers. No I/O; unit-tested.

The indicator *queries* live in ``sql/*.sql`` (run by DuckDB and by Spark); the rules here are
the parts that are the same whichever engine ran them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

# Asia/Shanghai has been UTC+8 all year round since 1991: a local calendar day starts at
# 16:00 UTC the day before. Fixed offset, so no time-zone database is needed by the engines.
LOCAL_OFFSET = timedelta(hours=8)

DEFAULT_MIN_BASE = 30
DEFAULT_FINANCING_BASE_YEAR = 2017
DEFAULT_SME_MAX_GMV_FEN = 1_000_000_000  # ¥10 million of GMV in the period
TAOBAO_VILLAGE_MIN_SALES_FEN = 1_000_000_000  # ¥10 million a year
TAOBAO_VILLAGE_MIN_ACTIVE_STORES = 100
TAOBAO_VILLAGE_MIN_ACTIVE_PCT = 10  # active stores ≥ 10 % of households
TAOBAO_TOWN_MIN_VILLAGES = 3
ACTIVE_STORE_MIN_DAYS = 30
# "At least one order a month on average": a month is 1/12 of the report year (365 or 366
# days), so a store open the whole year needs 12 orders in a leap year as in any other.
TOP_N = 10


@dataclass(frozen=True)
class Window:
    """A half-open local-date window ``[start, end)`` and the same calendar period in an
    earlier year ``[base_start, base_end)``."""

    start: date
    end: date
    base_start: date
    base_end: date

    @property
    def full_year(self) -> bool:
        return (
            self.start.month == 1
            and self.start.day == 1
            and self.end == date(self.start.year + 1, 1, 1)
        )


def shift_years(day: date, years: int) -> date:
    """The same month and day ``years`` earlier (negative) or later. 29 February becomes
    1 March in a year without one — as an *exclusive* end that keeps 28 February inside the
    window, so a window ending on 29 Feb covers the same whole days in both years."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February → no such day
        return date(day.year + years, 3, 1)


def comparison_window(year: int, *, data_end: date, lag: int = 1) -> Window:
    """The report year's window, cut at the end of the data, and the same calendar period
    ``lag`` years before. ``data_end`` is exclusive (the first local day with no data)."""
    if lag < 1:
        raise ValueError("lag must be at least one year")
    start = date(year, 1, 1)
    end = min(date(year + 1, 1, 1), data_end)
    if end <= start:
        raise ValueError(f"no data in {year}: the data ends before {start}")
    return Window(start, end, shift_years(start, -lag), shift_years(end, -lag))


def local_midnight_utc(day: date) -> datetime:
    """The UTC instant at which a local (Asia/Shanghai) calendar day starts."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC) - LOCAL_OFFSET


def growth_rate(current: int, base: int, *, min_base: int) -> float | None:
    """Year-on-year growth ``(current − base) / base``; ``None`` when the base is below the
    published minimum (a province with 2 → 6 stores is not "200 % growth")."""
    if min_base < 1:
        raise ValueError("min_base must be at least 1 (a zero base has no growth rate)")
    if base < min_base:
        return None
    return (current - base) / base


def competition_ranks(values: Mapping[str, float | int | None]) -> dict[str, int]:
    """Standard competition ranking, largest first: equal values share a rank and the next
    rank is skipped (1, 2, 2, 4). ``None`` values are not ranked. Pure; the SQL uses RANK()."""
    ranked = sorted(((v, k) for k, v in values.items() if v is not None), key=lambda t: -t[0])
    ranks: dict[str, int] = {}
    previous: float | int | None = None
    for position, (value, key) in enumerate(ranked, start=1):
        if previous is None or value != previous:
            rank = position
        ranks[key] = rank
        previous = value
    return ranks


def top_n(
    rows: Sequence[Mapping[str, Any]], rank_key: str, n: int = TOP_N
) -> list[Mapping[str, Any]]:
    """Rows ranked ``n`` or better, best first, ties by province code. A tie at place ``n``
    keeps every tied row, so a "top 10" can list 11 — the rule is published with it."""
    chosen = [r for r in rows if r.get(rank_key) is not None and r[rank_key] <= n]
    return sorted(chosen, key=lambda r: (r[rank_key], r.get("province_code", "")))


def pct_change(current: float | None, base: float | None) -> float | None:
    if current is None or base is None or base == 0:
        return None
    return (current / base - 1) * 100


def is_active_store(exposure_seconds: int, orders: int, *, year_days: int) -> bool:
    """Open at least 30 days in the window, and on average at least one paid order per month
    open, a month being 1/12 of the report year: ``orders × year_seconds ≥ exposure × 12``."""
    return (
        exposure_seconds >= ACTIVE_STORE_MIN_DAYS * 86400
        and orders * year_days * 86400 >= exposure_seconds * 12
    )


def days_in_year(year: int) -> int:
    return (date(year + 1, 1, 1) - date(year, 1, 1)).days


def is_taobao_village(sales_fen: int, active_stores: int, households: int | None) -> bool:
    """The published Taobao-village rule: annual sales ≥ ¥10 million, and at least 100 active
    stores or active stores ≥ 10 % of households."""
    if sales_fen < TAOBAO_VILLAGE_MIN_SALES_FEN:
        return False
    if active_stores >= TAOBAO_VILLAGE_MIN_ACTIVE_STORES:
        return True
    return (
        households is not None and active_stores * 100 >= households * TAOBAO_VILLAGE_MIN_ACTIVE_PCT
    )


def share(part: float | int | None, whole: float | int | None) -> float | None:
    if part is None or not whole:
        return None
    return part / whole


def sum_by(
    rows: Iterable[Mapping[str, Any]], key: str, columns: Sequence[str]
) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for row in rows:
        bucket = out.setdefault(row[key], dict.fromkeys(columns, 0))
        for c in columns:
            bucket[c] += row[c] or 0
    return out


def fmt_pct(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}%"


def fmt_int(value: int | float | None) -> str:
    return "—" if value is None else f"{round(value):,}"


def fmt_yuan_fen(value: int | float | None) -> str:
    return "—" if value is None else f"¥{value / 100:,.0f}"


_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "特别行政区", "省", "市")


def short_name(name: str) -> str:
    """宁夏回族自治区 → 宁夏, 云南省 → 云南, 北京市 → 北京 (for charts and sentences)."""
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


MAINLAND_PREFIXES = frozenset(
    ("11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
     "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65")
)  # fmt: skip


def is_province_code(code: str) -> bool:
    """``53`` or ``530000`` for one of the 31 mainland provinces."""
    text = code.strip()
    if (
        not text.isdigit()
        or len(text) not in (2, 6)
        or (len(text) == 6 and not text.endswith("0000"))
    ):
        return False
    return text[:2] in MAINLAND_PREFIXES
