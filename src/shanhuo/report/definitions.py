"""Every indicator: its published definition, formula, comparison window and base rule, the
SQL file that computes it, and the exact output columns (so both engines' results are cast
to the same Arrow schema and compared, and the CSV bytes do not depend on the engine).

The appendix of every report output is rendered from this list.

Several indicators read the same big tables (orders, parcels, live sessions, stores), so the
per-store and per-lane work they share is written once, in ``sql/shared/*.sql`` (``SHARED``),
kept by the engine as a table under the file's name before the indicators run, and named in
each indicator's ``shared``. An indicator's definition is its own SQL file read together with
the shared files it names; ``tables`` stays the dataset tables it depends on in the end.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from shanhuo.report import rules

SQL_DIR = Path(__file__).resolve().parent / "sql"


@dataclass(frozen=True)
class Column:
    name: str
    type: pa.DataType
    zh: str
    en: str


@dataclass(frozen=True)
class Indicator:
    key: str
    title_zh: str
    title_en: str
    definition_zh: str
    definition_en: str
    formula: str
    window: str
    base_rule: str
    columns: tuple[Column, ...]
    sort_by: tuple[str, ...]
    tables: tuple[str, ...]  # dataset tables it reads (directly or through ``shared``)
    sql_file: str | None = None  # None: derived in Python from other indicators
    shared: tuple[str, ...] = ()  # shared tables (``SHARED``) its SQL reads

    @property
    def schema(self) -> pa.Schema:
        return pa.schema([(c.name, c.type) for c in self.columns])

    def sql(self) -> str:
        assert self.sql_file is not None
        return (SQL_DIR / self.sql_file).read_text(encoding="utf-8")


@dataclass(frozen=True)
class Shared:
    """An intermediate table several indicators read: ``sql/shared/<name>.sql``, a SELECT the
    engine keeps as the table ``name`` before any indicator runs."""

    name: str
    tables: tuple[str, ...]  # dataset tables its SQL reads
    reads: tuple[str, ...] = ()  # shared tables (built before it) its SQL reads

    @property
    def sql_file(self) -> str:
        return f"shared/{self.name}.sql"

    def sql(self) -> str:
        return (SQL_DIR / self.sql_file).read_text(encoding="utf-8")


# In the order they are built: each reads only dataset tables and the shared tables above it.
SHARED: tuple[Shared, ...] = (
    Shared("first_stores", ("stores",)),
    Shared("store_sales", ("orders",)),
    Shared("store_facts", ("stores", "regions"), reads=("store_sales",)),
    Shared("anchor_sessions", ("live_sessions",), reads=("store_facts",)),
    Shared("lane_times", ("parcels",)),
)
SHARED_BY_NAME = {s.name: s for s in SHARED}


def shared_files(names: tuple[str, ...]) -> list[str]:
    """The shared SQL files behind ``names`` and everything they read, in build order."""
    needed: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if name not in needed:
            needed.add(name)
            todo.extend(SHARED_BY_NAME[name].reads)
    return [s.sql_file for s in SHARED if s.name in needed]


def _c(name: str, type_: pa.DataType, zh: str, en: str) -> Column:
    return Column(name, type_, zh, en)


S, I64, F64, B, I32 = pa.string(), pa.int64(), pa.float64(), pa.bool_(), pa.int32()
PROVINCE = (
    _c("province_code", S, "省份代码", "Province code"),
    _c("province_name", S, "省份", "Province"),
    _c("macro_region", S, "区域", "Macro-region"),
)
SAME_PERIOD = (
    "报告年 1 月 1 日至数据截止日（不含）与上一年同一日历期间比较；时间按北京时间 / "
    "Report year from 1 January to the end of the data, against the same calendar period a "
    "year earlier; local (Asia/Shanghai) time"
)
MIN_BASE = (
    f"基期数量不足 N（默认 N={rules.DEFAULT_MIN_BASE}）的不计算增速、不参与排名；并列名次相同"
    f"（1,2,2,4），前 10 含并列第 10 名 / Growth only when the base count is at least N "
    f"(default {rules.DEFAULT_MIN_BASE}); ties share a rank (1, 2, 2, 4) and a tie at 10th keeps "
    "every tied province"
)

INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        key="entrepreneurs_province",
        title_zh="新创业者（首次开店）按省份",
        title_en="New entrepreneurs (first-ever store) by province",
        definition_zh="新创业者：在窗口内开出其人生第一家店的人（每人只计一次）。",
        definition_en="A new entrepreneur is a person whose first-ever store opened in the window (counted once per person).",
        formula="growth = (current_count − base_count) / base_count; growth_rank = RANK() by growth, largest first",
        window=SAME_PERIOD,
        base_rule=MIN_BASE,
        columns=(
            *PROVINCE,
            _c("current_count", I64, "本期新创业者", "New entrepreneurs"),
            _c("base_count", I64, "上年同期", "Same period last year"),
            _c("growth", F64, "同比增速", "Growth y/y"),
            _c("eligible", B, "基数达标", "Base large enough"),
            _c("growth_rank", I64, "增速排名", "Growth rank"),
        ),
        sort_by=("province_code",),
        tables=("stores",),
        sql_file="entrepreneurs_province.sql",
        shared=("first_stores",),
    ),
    Indicator(
        key="entrepreneurs_macro",
        title_zh="新创业者按区域",
        title_en="New entrepreneurs by macro-region",
        definition_zh="同上，按国家统计局四大区域（东部、中部、西部、东北）汇总。",
        definition_en="As above, summed by the NBS macro-regions (East, Central, West, Northeast).",
        formula="growth = (current_count − base_count) / base_count",
        window=SAME_PERIOD,
        base_rule=MIN_BASE,
        columns=(
            _c("macro_region", S, "区域", "Macro-region"),
            _c("macro_name", S, "区域名称", "Name"),
            _c("macro_order", I32, "序", "Order"),
            _c("current_count", I64, "本期新创业者", "New entrepreneurs"),
            _c("base_count", I64, "上年同期", "Same period last year"),
            _c("growth", F64, "同比增速", "Growth y/y"),
        ),
        sort_by=("macro_order",),
        tables=("stores",),
        sql_file="entrepreneurs_macro.sql",
        shared=("first_stores",),
    ),
    Indicator(
        key="entrepreneurs_trend",
        title_zh="新创业者年度趋势",
        title_en="New entrepreneurs per year",
        definition_zh="每个完整自然年（北京时间）的新创业者数，按区域。",
        definition_en="New entrepreneurs per whole local calendar year, by macro-region.",
        formula="COUNT(first stores) GROUP BY macro_region, year",
        window="每个完整自然年 / each whole calendar year in the data",
        base_rule="—",
        columns=(
            _c("macro_region", S, "区域", "Macro-region"),
            _c("year", I32, "年份", "Year"),
            _c("new_entrepreneurs", I64, "新创业者", "New entrepreneurs"),
        ),
        sort_by=("macro_region", "year"),
        tables=("stores",),
        sql_file="entrepreneurs_trend.sql",
        shared=("first_stores",),
    ),
    Indicator(
        key="stores_province",
        title_zh="店铺与活跃店铺按省份",
        title_en="Stores and active stores by province",
        definition_zh=(
            "期内店铺：窗口内任一时刻营业的店；期末店铺：窗口结束时仍营业；活跃店铺：窗口内营业满 "
            "30 天，且平均每月（报告年的 1/12）至少 1 笔已付款订单。"
        ),
        definition_en=(
            "Stores in period: open at any time in the window; open at end: still open when it "
            "ends; active: open 30+ days in the window with on average at least one paid order per "
            "month open (a month = 1/12 of the report year, so leap years need no special case)."
        ),
        formula="active ⇔ seconds_open ≥ 30 days ∧ orders × seconds_in_year ≥ seconds_open × 12 (open time inside the window)",
        window="报告窗口 / the report window",
        base_rule="—",
        columns=(
            *PROVINCE,
            _c("stores_in_period", I64, "期内店铺", "Stores in period"),
            _c("stores_open_at_end", I64, "期末店铺", "Open at end"),
            _c("active_stores", I64, "活跃店铺", "Active stores"),
        ),
        sort_by=("province_code",),
        tables=("stores", "orders"),
        sql_file="stores_province.sql",
        shared=("store_facts",),
    ),
    Indicator(
        key="delivery_lanes",
        title_zh="包裹送达时长按线路",
        title_en="Parcel delivery time by lane",
        definition_zh=(
            "送达时长：付款到签收的小时数；线路为发货省与收货省所属区域的无序组合（东部↔西部含双向）；"
            "未签收包裹不计。与两年前同一日历期间比较。"
        ),
        definition_en=(
            "Delivery time: hours from payment to delivery; a lane is the unordered pair of the "
            "sender's and buyer's macro-regions (east↔west counts both directions); undelivered "
            "parcels are left out. Compared with the same calendar period two years earlier."
        ),
        formula="avg = Σ seconds / n / 3600; median = median(seconds) / 3600; change = avg − avg(two years before)",
        window="报告窗口与两年前同期 / the report window and the same period two years earlier",
        base_rule="—",
        columns=(
            _c("lane", S, "线路", "Lane"),
            _c("lane_order", I32, "序", "Order"),
            _c("parcels", I64, "包裹数", "Parcels"),
            _c("avg_hours", F64, "平均时长(小时)", "Average hours"),
            _c("median_hours", F64, "中位时长(小时)", "Median hours"),
            _c("parcels_before", I64, "两年前包裹数", "Parcels two years before"),
            _c("avg_hours_before", F64, "两年前平均(小时)", "Average hours two years before"),
            _c("median_hours_before", F64, "两年前中位(小时)", "Median hours two years before"),
            _c("avg_change_hours", F64, "平均时长变化(小时)", "Change in average (hours)"),
        ),
        sort_by=("lane_order",),
        tables=("parcels",),
        sql_file="delivery_lanes.sql",
        shared=("lane_times",),
    ),
    Indicator(
        key="delivery_trend",
        title_zh="各线路平均送达时长年度趋势",
        title_en="Average delivery hours per lane and year",
        definition_zh="每个完整自然年、每条线路的平均送达小时数。",
        definition_en="Average delivery hours per lane and whole calendar year.",
        formula="Σ seconds / n / 3600 GROUP BY lane, year",
        window="每个完整自然年 / each whole calendar year",
        base_rule="—",
        columns=(
            _c("lane", S, "线路", "Lane"),
            _c("year", I32, "年份", "Year"),
            _c("parcels", I64, "包裹数", "Parcels"),
            _c("avg_hours", F64, "平均时长(小时)", "Average hours"),
        ),
        sort_by=("lane", "year"),
        tables=("parcels",),
        sql_file="delivery_trend.sql",
        shared=("lane_times",),
    ),
    Indicator(
        key="anchors_province",
        title_zh="新农人主播按省份",
        title_en="New-farmer anchors by province",
        definition_zh=(
            "新农人主播：窗口内至少为一家店开播一场、且该店位于农村县（名称不以“区”结尾的县级单位）"
            "并销售农产品（手工艺品、其他以外的类目）的主播，按店铺所在省去重计数。"
        ),
        definition_en=(
            "A new-farmer anchor held at least one live session in the window for a store in a "
            "rural county (a county-level unit whose name does not end in 区) that sells farm "
            "products (any category but crafts and other); distinct anchors per store province."
        ),
        formula="COUNT(DISTINCT anchor_id) per province; anchor_rank = RANK() largest first",
        window="报告窗口 / the report window",
        base_rule="并列名次相同（1,2,2,4），前 10 含并列第 10 名 / ties share a rank; a tie at 10th keeps all",
        columns=(
            *PROVINCE,
            _c("new_farmer_anchors", I64, "新农人主播", "New-farmer anchors"),
            _c("all_anchors", I64, "全部主播", "All anchors"),
            _c("anchor_rank", I64, "排名", "Rank"),
        ),
        sort_by=("province_code",),
        tables=("live_sessions", "stores", "regions"),
        sql_file="anchors_province.sql",
        shared=("anchor_sessions",),
    ),
    Indicator(
        key="financing_macro",
        title_zh="中小商家人均融资按区域",
        title_en="Financing per small and medium merchant by macro-region",
        definition_zh=(
            "中小商家：窗口内营业、且窗口内已付款成交额不超过 1000 万元的店铺；人均融资：窗口内发放给这些"
            "店铺的贷款总额 ÷ 中小商家数。与基准年（默认 2017 年）同一日历期间比较。"
        ),
        definition_en=(
            "SME merchant: a store open in the window with paid GMV in the window of at most "
            "¥10 million; financing per merchant: loans disbursed to them in the window ÷ their "
            "number. Compared with the same calendar period of the base year (2017 by default)."
        ),
        formula="per_merchant = Σ amount_fen / sme_merchants; change % = (per / per_base − 1) × 100",
        window="报告窗口与基准年同期 / the report window and the same period of the base year",
        base_rule="基准年无中小商家时不计算变化 / no change when the base year has no SME merchants",
        columns=(
            _c("macro_region", S, "区域", "Macro-region"),
            _c("macro_name", S, "区域名称", "Name"),
            _c("macro_order", I32, "序", "Order"),
            _c("sme_merchants", I64, "中小商家", "SME merchants"),
            _c("loan_fen", I64, "融资额", "Financing"),
            _c("per_merchant_fen", F64, "人均融资", "Per merchant"),
            _c("base_sme_merchants", I64, "基准年中小商家", "Base-year SME merchants"),
            _c("base_loan_fen", I64, "基准年融资额", "Base-year financing"),
            _c("base_per_merchant_fen", F64, "基准年人均", "Base-year per merchant"),
        ),
        sort_by=("macro_order",),
        tables=("stores", "orders", "loans"),
        sql_file="financing_macro.sql",
        shared=("store_facts",),
    ),
    Indicator(
        key="live_province",
        title_zh="直播电商按省份",
        title_en="Live commerce by province",
        definition_zh="窗口内开播场次、直播间下单且已付款的订单数与成交额（按店铺所在省），及全部已付款订单。",
        definition_en="Live sessions started in the window, paid orders placed in a live room and their GMV (by the store's province), beside all paid orders.",
        formula="live_orders = COUNT(orders with live_session_id); live_gmv = Σ total_fen of those",
        window="报告窗口 / the report window",
        base_rule="—",
        columns=(
            *PROVINCE,
            _c("live_sessions", I64, "直播场次", "Live sessions"),
            _c("live_orders", I64, "直播订单", "Live orders"),
            _c("live_gmv_fen", I64, "直播成交额", "Live GMV"),
            _c("orders", I64, "全部订单", "All orders"),
            _c("gmv_fen", I64, "全部成交额", "All GMV"),
        ),
        sort_by=("province_code",),
        tables=("live_sessions", "orders", "stores"),
        sql_file="live_province.sql",
        shared=("store_facts", "anchor_sessions"),
    ),
    Indicator(
        key="villages_province",
        title_zh="电商村与电商镇按省份",
        title_en="E-commerce villages and towns by province",
        definition_zh=(
            "电商村（淘宝村规则）：年销售额 ≥ 1000 万元，且活跃网店 ≥ 100 家或活跃网店 ≥ 家庭户数的 10%；"
            "电商镇：至少 3 个电商村的乡镇。"
        ),
        definition_en=(
            "E-commerce village (the Taobao-village rule): annual sales ≥ ¥10 million and at "
            "least 100 active stores or active stores ≥ 10 % of households; e-commerce town: a "
            "township with at least 3 such villages."
        ),
        formula="sales ≥ 10^9 fen ∧ (active ≥ 100 ∨ active × 100 ≥ households × 10); town ⇔ villages ≥ 3",
        window="报告年全年（年度输入数据） / the whole report year (annual inputs)",
        base_rule="—",
        columns=(
            *PROVINCE,
            _c("candidate_villages", I64, "参评村", "Villages with data"),
            _c("ecommerce_villages", I64, "电商村", "E-commerce villages"),
            _c("ecommerce_towns", I64, "电商镇", "E-commerce towns"),
        ),
        sort_by=("province_code",),
        tables=("villages",),
        sql_file="villages_province.sql",
    ),
    Indicator(
        key="western_share",
        title_zh="西部占全国比重",
        title_en="The West's share of each national total",
        definition_zh="上述各项全国合计中西部 12 省区市所占比重。",
        definition_en="The share of each national total above that falls in the 12 western provinces.",
        formula="share = Σ west / Σ all provinces",
        window="同各指标 / as each indicator",
        base_rule="全国合计为 0 时不计算 / none when the national total is 0",
        columns=(
            _c("metric", S, "指标", "Metric"),
            _c("metric_zh", S, "指标名称", "Metric name"),
            _c("national", I64, "全国", "National"),
            _c("west", I64, "西部", "West"),
            _c("west_share", F64, "西部占比", "West share"),
        ),
        sort_by=(),
        tables=(),
        sql_file=None,
    ),
)

BY_KEY = {ind.key: ind for ind in INDICATORS}


def definitions_hash() -> str:
    """Changes whenever a definition or its SQL (its own or a shared one) changes: printed
    with every report."""
    digest = hashlib.sha256()
    for ind in INDICATORS:
        digest.update(repr(ind).encode())
        if ind.sql_file:
            digest.update(ind.sql().encode())
    for shared in SHARED:
        digest.update(repr(shared).encode())
        digest.update(shared.sql().encode())
    return digest.hexdigest()[:12]
