"""The simulation scenario: EVERY parameter of the national simulation, in one place.

THIS IS A SCENARIO, NOT REAL STATISTICS. The numbers below are invented so that the report
built on top of them can be seen and tested before the platform has real data. They were set
so that the default scenario *tells the same story* as the "Western E-commerce Development
Report 2021" (Zhongnan University of Economics and Law / Alibaba, June 2021) as reported in
the press: in 2020 the growth of new entrepreneurs in the West led the country, nine of the
ten fastest-growing provinces were western with Ningxia, Yunnan, Guizhou, Qinghai and Gansu
the top five, east↔west parcels arrived 16 hours faster than two years earlier, Yunnan,
Sichuan and Shaanxi were among the ten provinces with the most new-farmer anchors, and western
small merchants used nearly 150 % more financing each than in 2017. Those outcomes are not
written anywhere in the generator: they emerge from the rates below, through the published
indicator definitions.

How the parameters are used (see ``generator.py``):

- **New entrepreneurs** (first-ever store of a person): ``ENTREPRENEURS_FIRST_YEAR`` gives each
  province's relative count in the first year; each following year multiplies it by
  ``1 + growth`` (``ENTREPRENEUR_GROWTH`` per macro-region and year, overridden per province by
  ``ENTREPRENEUR_GROWTH_OVERRIDES``). The relative counts are scaled so that the total number
  of stores is ``stores_per_1000_orders × orders / 1000``. Counts per province and year are
  *exact* (rounded), not Poisson draws, so the growth ranking is the scenario's at any scale;
  the randomness is in where (county, township, village) and when (day, hour) stores open.
- **Later stores** of the same people: ``repeat_store_share`` of all stores; **closures**: a
  constant hazard ``closure_rate_per_year``.
- **Orders**: ``ORDER_YEAR_WEIGHTS`` split the order count over the years; ``MONTH_SEASONALITY``
  spreads them over the months (Double 11 peak, Spring Festival dip); ``LIVE_SHARE`` of each
  year's orders come from live sessions; the rest go to open stores in proportion to a
  lognormal store popularity (``store_popularity_sigma``) times days open.
- **Live rooms**: a store's owner becomes an anchor with probability
  ``LIVE_ADOPTION[province] × LIVE_RAMP[year]``; anchors hold ``sessions_per_anchor_year``
  sessions a year on average.
- **Parcels**: one per order, delivered ``LANE_HOURS[year][lane]`` hours after payment on average
  (gamma distributed, shape ``delivery_gamma_shape``), the lane being the unordered pair of the
  sender's and the buyer's macro-regions.
- **Loans**: each store open at least 30 days in a year takes a loan with probability
  ``LOAN_UPTAKE[macro][year]``; amounts are lognormal with mean ``LOAN_MEAN_YUAN[macro][year]``.
- **E-commerce (Taobao) village inputs**: ``VILLAGES_FIRST_YEAR`` candidate villages per
  macro-region, growing by ``village_growth_per_year``; their sales and active stores are drawn
  around the Taobao-village thresholds so that some pass and some do not.

Change a parameter, re-run ``shanhuo simulate``, and the manifest records a new parameter hash.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from shanhuo.regions.rules import CENTRAL, EAST, MAINLAND_PROVINCES, NORTHEAST, WEST

MACROS = ("east", "central", "west", "northeast")
MACRO_OF: dict[str, str] = {p: m.key for m in (EAST, CENTRAL, WEST, NORTHEAST) for p in m.provinces}

# Unordered macro-region pairs: the delivery lanes.
LANES: tuple[str, ...] = (
    "east-east",
    "central-east",
    "east-west",
    "east-northeast",
    "central-central",
    "central-west",
    "central-northeast",
    "west-west",
    "northeast-west",
    "northeast-northeast",
)


def lane_of(origin_macro: str, dest_macro: str) -> str:
    """The unordered lane key, e.g. ``east-west`` for parcels in either direction."""
    a, b = sorted((origin_macro, dest_macro))
    return f"{a}-{b}"


# --- new entrepreneurs -------------------------------------------------------------------
# Relative number of first-ever stores in the first year, by two-digit province prefix.
ENTREPRENEURS_FIRST_YEAR: dict[str, float] = {
    # East
    "11": 3.0, "12": 1.5, "13": 4.0, "31": 3.0, "32": 7.0,
    "33": 10.0, "35": 5.0, "37": 6.0, "44": 12.0, "46": 0.9,
    # Central
    "14": 1.6, "34": 3.5, "36": 2.5, "41": 4.5, "42": 3.5, "43": 3.0,
    # Northeast
    "21": 2.2, "22": 1.2, "23": 1.5,
    # West
    "15": 1.1, "45": 2.4, "50": 2.0, "51": 4.0, "52": 1.4, "53": 1.8,
    "54": 0.12, "61": 2.2, "62": 1.0, "63": 0.55, "64": 0.65, "65": 0.9,
}  # fmt: skip

# Year-on-year growth of first-ever stores, by macro-region; key = the later year.
ENTREPRENEUR_GROWTH: dict[str, dict[int, float]] = {
    "east": {2017: 0.16, 2018: 0.13, 2019: 0.10, 2020: 0.12, 2021: 0.07},
    "central": {2017: 0.18, 2018: 0.16, 2019: 0.13, 2020: 0.19, 2021: 0.10},
    "west": {2017: 0.20, 2018: 0.19, 2019: 0.17, 2020: 0.30, 2021: 0.15},
    "northeast": {2017: 0.10, 2018: 0.09, 2019: 0.08, 2020: 0.14, 2021: 0.06},
}
# Province-level exceptions (the 2020 story: returning youth, live commerce in the West).
ENTREPRENEUR_GROWTH_OVERRIDES: dict[str, dict[int, float]] = {
    "64": {2020: 0.62},  # Ningxia
    "53": {2020: 0.57},  # Yunnan
    "52": {2020: 0.53},  # Guizhou
    "63": {2020: 0.49},  # Qinghai
    "62": {2020: 0.46},  # Gansu
    "65": {2020: 0.41},  # Xinjiang
    "45": {2020: 0.38},  # Guangxi
    "51": {2020: 0.35},  # Sichuan
    "46": {2020: 0.33},  # Hainan (East) — the one non-western province in the top 10
    "61": {2020: 0.31},  # Shaanxi
    "36": {2020: 0.27},  # Jiangxi
    "50": {2020: 0.24},  # Chongqing
    "15": {2020: 0.20},  # Inner Mongolia
    "54": {2020: 0.75},  # Tibet: fastest of all, but on a base too small to be ranked
}

# --- orders -------------------------------------------------------------------------------
ORDER_YEAR_WEIGHTS: dict[int, float] = {
    2016: 1.0, 2017: 1.35, 2018: 1.75, 2019: 2.2, 2020: 2.9, 2021: 3.4,
}  # fmt: skip
# January … December (Spring Festival dip in Feb, 618 in June, Double 11 in November).
MONTH_SEASONALITY: tuple[float, ...] = (
    0.85, 0.65, 0.9, 0.95, 1.0, 1.2, 0.95, 0.95, 1.0, 1.05, 1.6, 1.3,
)  # fmt: skip
# Where buyers live: relative weights by province (population × spending, invented).
BUYER_WEIGHTS: dict[str, float] = {
    "11": 5.0, "12": 2.0, "13": 4.0, "31": 6.0, "32": 8.0, "33": 8.0, "35": 4.0,
    "37": 6.0, "44": 11.0, "46": 0.7, "14": 1.8, "34": 3.5, "36": 2.3, "41": 4.5,
    "42": 3.6, "43": 3.4, "21": 2.5, "22": 1.3, "23": 1.6, "15": 1.1, "45": 2.2,
    "50": 2.4, "51": 4.8, "52": 1.5, "53": 1.9, "54": 0.15, "61": 2.3, "62": 0.9,
    "63": 0.25, "64": 0.3, "65": 1.0,
}  # fmt: skip
LIVE_SHARE: dict[int, float] = {
    2016: 0.005, 2017: 0.02, 2018: 0.05, 2019: 0.10, 2020: 0.20, 2021: 0.26,
}  # fmt: skip

# --- live rooms ---------------------------------------------------------------------------
# Probability that a store's owner ever becomes an anchor (before the yearly ramp).
LIVE_ADOPTION_BY_MACRO: dict[str, float] = {
    "east": 0.10, "central": 0.10, "west": 0.12, "northeast": 0.08,
}  # fmt: skip
LIVE_ADOPTION_OVERRIDES: dict[str, float] = {"53": 0.30, "51": 0.22, "61": 0.26, "33": 0.16}
LIVE_RAMP: dict[int, float] = {2016: 0.08, 2017: 0.2, 2018: 0.4, 2019: 0.65, 2020: 0.9, 2021: 1.0}

# --- parcels ------------------------------------------------------------------------------
# Mean hours from payment to delivery, by year and unordered macro-region lane.
LANE_HOURS: dict[int, dict[str, float]] = {
    2016: {"east-east": 46, "central-east": 58, "east-west": 92, "east-northeast": 64,
           "central-central": 50, "central-west": 80, "central-northeast": 70,
           "west-west": 74, "northeast-west": 96, "northeast-northeast": 52},
    2017: {"east-east": 44, "central-east": 55, "east-west": 86, "east-northeast": 61,
           "central-central": 48, "central-west": 76, "central-northeast": 67,
           "west-west": 70, "northeast-west": 91, "northeast-northeast": 50},
    2018: {"east-east": 42, "central-east": 52, "east-west": 79, "east-northeast": 58,
           "central-central": 46, "central-west": 71, "central-northeast": 64,
           "west-west": 66, "northeast-west": 86, "northeast-northeast": 48},
    2019: {"east-east": 40, "central-east": 49, "east-west": 71, "east-northeast": 55,
           "central-central": 44, "central-west": 65, "central-northeast": 61,
           "west-west": 61, "northeast-west": 80, "northeast-northeast": 46},
    2020: {"east-east": 38, "central-east": 46, "east-west": 63, "east-northeast": 52,
           "central-central": 42, "central-west": 59, "central-northeast": 58,
           "west-west": 56, "northeast-west": 74, "northeast-northeast": 44},
    2021: {"east-east": 37, "central-east": 44, "east-west": 58, "east-northeast": 50,
           "central-central": 41, "central-west": 55, "central-northeast": 56,
           "west-west": 52, "northeast-west": 70, "northeast-northeast": 43},
}  # fmt: skip

# --- loans --------------------------------------------------------------------------------
LOAN_UPTAKE: dict[str, dict[int, float]] = {
    "east": {2016: 0.10, 2017: 0.12, 2018: 0.13, 2019: 0.14, 2020: 0.15, 2021: 0.16},
    "central": {2016: 0.07, 2017: 0.09, 2018: 0.10, 2019: 0.12, 2020: 0.13, 2021: 0.14},
    "west": {2016: 0.05, 2017: 0.07, 2018: 0.09, 2019: 0.11, 2020: 0.13, 2021: 0.14},
    "northeast": {2016: 0.06, 2017: 0.08, 2018: 0.09, 2019: 0.10, 2020: 0.11, 2021: 0.12},
}
LOAN_MEAN_YUAN: dict[str, dict[int, float]] = {
    "east": {2016: 42000, 2017: 45000, 2018: 47000, 2019: 49000, 2020: 51000, 2021: 53000},
    "central": {2016: 30000, 2017: 33000, 2018: 35000, 2019: 37000, 2020: 39000, 2021: 41000},
    "west": {2016: 24000, 2017: 26000, 2018: 29000, 2019: 32000, 2020: 33500, 2021: 36000},
    "northeast": {2016: 28000, 2017: 30000, 2018: 31500, 2019: 33000, 2020: 34000, 2021: 35000},
}
LOAN_MEAN_YUAN_BY_YEAR: dict[int, dict[str, float]] = {
    y: {m: LOAN_MEAN_YUAN[m][y] for m in LOAN_MEAN_YUAN} for y in LOAN_MEAN_YUAN["west"]
}

# --- e-commerce villages ------------------------------------------------------------------
VILLAGES_FIRST_YEAR: dict[str, int] = {"east": 900, "central": 260, "west": 120, "northeast": 40}

# Categories the platform knows (migration 0002); "farm products" are all but crafts/other.
CATEGORIES: tuple[str, ...] = (
    "fruit", "vegetable", "grain_oil", "tea", "mushroom", "meat_egg", "aquatic", "nut_dried",
    "honey", "seasoning", "flower_plant", "herb", "craft", "other",
)  # fmt: skip
NON_FARM_CATEGORIES: frozenset[str] = frozenset({"craft", "other"})
FARM_SHARE_BY_MACRO: dict[str, float] = {
    "east": 0.45, "central": 0.6, "west": 0.75, "northeast": 0.6,
}  # fmt: skip


@dataclass(frozen=True)
class Scenario:
    """The scalar knobs (the tables above are part of the scenario too and enter its hash).

    ``orders`` is the scale knob: ~200 000 is a laptop demo (seconds), 20 000 000+ the
    benchmark. Everything else scales with it except the village inputs."""

    name: str = "western-rise-2016-2021"
    seed: int = 20210609
    orders: int = 1_000_000
    first_year: int = 2016
    last_year: int = 2021
    stores_per_1000_orders: float = 250.0
    repeat_store_share: float = 0.12
    closure_rate_per_year: float = 0.12
    store_popularity_sigma: float = 1.6
    mean_order_yuan: float = 86.0
    order_amount_sigma: float = 0.7
    sessions_per_anchor_year: float = 8.0
    live_session_hours: float = 2.5
    delivery_gamma_shape: float = 6.0
    undelivered_share: float = 0.01
    loan_amount_sigma: float = 0.35
    loan_default_rate: float = 0.03
    rural_county_weight: float = 1.0
    urban_district_weight: float = 0.45
    villages_per_township: int = 12
    village_growth_per_year: float = 0.35
    village_households_mean: float = 420.0
    tables: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(range(self.first_year, self.last_year + 1))

    def as_dict(self) -> dict[str, Any]:
        """Every parameter, scalar and table, as plain JSON-able data (what the hash covers)."""
        data = {k: v for k, v in asdict(self).items() if k != "tables"}
        data["tables"] = scenario_tables()
        return data

    def parameter_hash(self) -> str:
        """Hash of the scenario's rates and tables — not of the seed or the scale, which the
        manifest records beside it — so two runs of one scenario share a parameter hash."""
        data = {k: v for k, v in self.as_dict().items() if k not in ("seed", "orders")}
        text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


# (min, max) for every scalar knob: a value outside → a clear message, nothing written.
RANGES: dict[str, tuple[float, float]] = {
    "seed": (0, 2**63 - 1),
    "orders": (1_000, 200_000_000),
    "first_year": (2016, 2021),
    "last_year": (2016, 2021),
    "stores_per_1000_orders": (1.0, 1000.0),
    "repeat_store_share": (0.0, 0.9),
    "closure_rate_per_year": (0.0, 1.0),
    "store_popularity_sigma": (0.0, 3.0),
    "mean_order_yuan": (1.0, 10_000.0),
    "order_amount_sigma": (0.0, 2.0),
    "sessions_per_anchor_year": (0.0, 365.0),
    "live_session_hours": (0.25, 12.0),
    "delivery_gamma_shape": (0.5, 100.0),
    "undelivered_share": (0.0, 0.5),
    "loan_amount_sigma": (0.0, 2.0),
    "loan_default_rate": (0.0, 1.0),
    "rural_county_weight": (0.0, 10.0),
    "urban_district_weight": (0.0, 10.0),
    "villages_per_township": (1, 999),
    "village_growth_per_year": (0.0, 3.0),
    "village_households_mean": (50.0, 5000.0),
}


def scenario_tables() -> dict[str, Any]:
    """The table parameters, JSON-able (int keys as strings), for the manifest and the hash."""

    def plain(value: Any) -> Any:
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in value.items()}
        if isinstance(value, (tuple, list, frozenset, set)):
            items = sorted(value) if isinstance(value, (frozenset, set)) else value
            return [plain(v) for v in items]
        return value

    return plain(
        {
            "ENTREPRENEURS_FIRST_YEAR": ENTREPRENEURS_FIRST_YEAR,
            "ENTREPRENEUR_GROWTH": ENTREPRENEUR_GROWTH,
            "ENTREPRENEUR_GROWTH_OVERRIDES": ENTREPRENEUR_GROWTH_OVERRIDES,
            "ORDER_YEAR_WEIGHTS": ORDER_YEAR_WEIGHTS,
            "MONTH_SEASONALITY": MONTH_SEASONALITY,
            "BUYER_WEIGHTS": BUYER_WEIGHTS,
            "LIVE_SHARE": LIVE_SHARE,
            "LIVE_ADOPTION_BY_MACRO": LIVE_ADOPTION_BY_MACRO,
            "LIVE_ADOPTION_OVERRIDES": LIVE_ADOPTION_OVERRIDES,
            "LIVE_RAMP": LIVE_RAMP,
            "LANE_HOURS": LANE_HOURS,
            "LOAN_UPTAKE": LOAN_UPTAKE,
            "LOAN_MEAN_YUAN": LOAN_MEAN_YUAN,
            "VILLAGES_FIRST_YEAR": VILLAGES_FIRST_YEAR,
            "CATEGORIES": CATEGORIES,
            "NON_FARM_CATEGORIES": NON_FARM_CATEGORIES,
            "FARM_SHARE_BY_MACRO": FARM_SHARE_BY_MACRO,
        }
    )


class ScenarioInvalid(ValueError):
    """A parameter is out of range; ``problems`` lists each one in zh-CN and English."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def problems_of(scenario: Scenario) -> list[str]:
    """Every reason the scenario cannot be simulated (empty when it can). Pure."""
    problems: list[str] = []
    for f in fields(scenario):
        if f.name not in RANGES:
            continue
        value = getattr(scenario, f.name)
        low, high = RANGES[f.name]
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            problems.append(f"参数 {f.name} 应为数字 / {f.name} must be a number")
        elif not low <= value <= high:
            problems.append(
                f"参数 {f.name}={value} 超出范围 [{low:g}, {high:g}] / "
                f"{f.name}={value} is outside [{low:g}, {high:g}]"
            )
    if scenario.first_year > scenario.last_year:
        problems.append(
            f"起始年份 {scenario.first_year} 晚于结束年份 {scenario.last_year} / "
            f"first_year {scenario.first_year} is after last_year {scenario.last_year}"
        )
    if not scenario.name.strip() or len(scenario.name) > 80:
        problems.append("情景名称须为 1–80 个字符 / scenario name must be 1–80 characters")
    if set(ENTREPRENEURS_FIRST_YEAR) != set(MAINLAND_PROVINCES):
        problems.append("ENTREPRENEURS_FIRST_YEAR must cover the 31 mainland provinces")
    return problems


def validated(scenario: Scenario) -> Scenario:
    problems = problems_of(scenario)
    if problems:
        raise ScenarioInvalid(problems)
    return scenario


def with_overrides(scenario: Scenario, assignments: list[str]) -> Scenario:
    """Apply ``key=value`` strings from the command line (scalar knobs only), then validate."""
    known = {f.name: f for f in fields(scenario) if f.name != "tables"}
    changes: dict[str, Any] = {}
    problems: list[str] = []
    for item in assignments:
        key, sep, raw = item.partition("=")
        key = key.strip()
        if not sep or key not in known:
            problems.append(
                f"未知参数 {key!r}（可用：{', '.join(sorted(known))}） / unknown parameter {key!r}"
            )
            continue
        current = getattr(scenario, key)
        try:
            changes[key] = type(current)(raw.strip())
        except ValueError:
            problems.append(f"参数 {key} 的值 {raw!r} 无效 / bad value {raw!r} for {key}")
    if problems:
        raise ScenarioInvalid(problems)
    return validated(replace(scenario, **changes))


def entrepreneur_growth(province: str, year: int) -> float:
    override = ENTREPRENEUR_GROWTH_OVERRIDES.get(province, {}).get(year)
    if override is not None:
        return override
    return ENTREPRENEUR_GROWTH[MACRO_OF[province]].get(year, 0.0)


def live_adoption(province: str) -> float:
    return LIVE_ADOPTION_OVERRIDES.get(province, LIVE_ADOPTION_BY_MACRO[MACRO_OF[province]])
