"""Headline findings, written as sentences from the computed numbers (zh-CN and English).

Nothing here is a fixed claim: each sentence reads the tables, and says the opposite when the
numbers say the opposite (e.g. "the West did not lead"). A headline whose data is missing is
replaced by a "no data" sentence rather than dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shanhuo.regions.rules import WEST
from shanhuo.report import rules
from shanhuo.report.indicators import ReportTables, lane_name

MACRO_ZH = {"east": "东部", "central": "中部", "west": "西部", "northeast": "东北"}
MACRO_EN = {
    "east": "the East",
    "central": "Central China",
    "west": "the West",
    "northeast": "the Northeast",
}


@dataclass(frozen=True)
class Headline:
    key: str
    zh: str
    en: str
    figures: dict[str, Any]


def _pct(x: float | None) -> str:
    return rules.fmt_pct(None if x is None else x * 100)


def entrepreneurs_lead(t: ReportTables) -> Headline:
    rows = [r for r in t.rows("entrepreneurs_macro") if r["growth"] is not None]
    if not rows:
        return Headline(
            "entrepreneurs_lead",
            "新创业者：基数不足，无法计算区域增速。",
            "New entrepreneurs: bases too small for regional growth rates.",
            {},
        )
    best = max(rows, key=lambda r: r["growth"])
    west = next((r for r in rows if r["macro_region"] == WEST.key), None)
    figures = {"leader": best["macro_region"], "west_growth": west["growth"] if west else None}
    if west is not None and best["macro_region"] == WEST.key:
        zh = f"{t.year} 年西部新创业者（首次开店）同比增长 {_pct(west['growth'])}，增速居四大区域之首。"
        en = f"In {t.year} new entrepreneurs (first-ever stores) in the West grew {_pct(west['growth'])} year on year, the fastest of the four macro-regions."
    else:
        zh = (
            f"{t.year} 年新创业者增速最快的区域是{MACRO_ZH[best['macro_region']]}（{_pct(best['growth'])}）"
            + (f"，西部为 {_pct(west['growth'])}。" if west else "。")
        )
        en = (
            f"In {t.year} {MACRO_EN[best['macro_region']]} grew fastest in new entrepreneurs ({_pct(best['growth'])})"
            + (f"; the West grew {_pct(west['growth'])}." if west else ".")
        )
    return Headline("entrepreneurs_lead", zh, en, figures)


def top_growth(t: ReportTables) -> Headline:
    rows = t.rows("entrepreneurs_province")
    top = rules.top_n(rows, "growth_rank")
    west = [r for r in top if r["macro_region"] == WEST.key]
    first5 = [rules.short_name(r["province_name"]) for r in top if r["growth_rank"] <= 5]
    excluded = [rules.short_name(r["province_name"]) for r in rows if not r["eligible"]]
    figures = {"top": len(top), "west_in_top": len(west), "top5": first5}
    if not top:
        return Headline(
            "top_growth",
            "没有省份的基数达到排名门槛。",
            "No province's base is large enough to be ranked.",
            figures,
        )
    zh = (
        f"新创业者同比增速最快的 {len(top)} 个省份中有 {len(west)} 个在西部；前五名依次为"
        f"{'、'.join(first5)}。"
    )
    en = (
        f"{len(west)} of the {len(top)} provinces with the fastest growth in new entrepreneurs are "
        f"western; the top five are {', '.join(first5)}."
    )
    if excluded:
        zh += f"（基期不足 {t.options.min_base} 人未参与排名：{'、'.join(excluded)}）"
        en += f" (Not ranked, base below {t.options.min_base}: {', '.join(excluded)}.)"
    return Headline("top_growth", zh, en, figures)


def east_west_delivery(t: ReportTables) -> Headline:
    lane = next((r for r in t.rows("delivery_lanes") if r["lane"] == "east-west"), None)
    if lane is None or lane["avg_hours"] is None or lane["avg_hours_before"] is None:
        return Headline(
            "east_west_delivery",
            "东西部包裹送达时长：无数据。",
            "East↔west delivery time: no data.",
            {},
        )
    change = lane["avg_change_hours"]
    figures = {
        "change_hours": change,
        "avg_hours": lane["avg_hours"],
        "avg_hours_before": lane["avg_hours_before"],
    }
    verb_zh = "缩短" if change < 0 else "延长"
    verb_en = "faster" if change < 0 else "slower"
    zh = (
        f"{lane_name('east-west')}包裹平均送达时长两年{verb_zh} {abs(change):.0f} 小时"
        f"（{t.year - 2} 年同期 {lane['avg_hours_before']:.1f} 小时 → {t.year} 年 {lane['avg_hours']:.1f} 小时）。"
    )
    en = (
        f"Parcels between the East and the West arrive {abs(change):.0f} hours {verb_en} than two years "
        f"earlier ({lane['avg_hours_before']:.1f} h in {t.year - 2} → {lane['avg_hours']:.1f} h in {t.year}, same period)."
    )
    return Headline("east_west_delivery", zh, en, figures)


def farmer_anchors(t: ReportTables) -> Headline:
    rows = t.rows("anchors_province")
    if not any(r["new_farmer_anchors"] for r in rows):
        return Headline(
            "farmer_anchors", "新农人主播：无数据。", "New-farmer anchors: no data.", {}
        )
    top = rules.top_n(rows, "anchor_rank")
    west = [rules.short_name(r["province_name"]) for r in top if r["macro_region"] == WEST.key]
    figures = {"top": len(top), "west_in_top": west}
    zh = f"新农人主播数量前 {len(top)} 的省份中，西部有 {len(west)} 个：{'、'.join(west) or '无'}。"
    en = f"{len(west)} western provinces are among the top {len(top)} by new-farmer anchors: {', '.join(west) or 'none'}."
    return Headline("farmer_anchors", zh, en, figures)


def west_financing(t: ReportTables) -> Headline:
    row = next((r for r in t.rows("financing_macro") if r["macro_region"] == WEST.key), None)
    base_year = t.options.financing_base_year
    change = (
        rules.pct_change(row["per_merchant_fen"], row["base_per_merchant_fen"]) if row else None
    )
    if row is None or change is None:
        return Headline(
            "west_financing", "西部中小商家融资：无数据。", "Western SME financing: no data.", {}
        )
    zh = (
        f"西部中小商家人均使用融资 {rules.fmt_yuan_fen(row['per_merchant_fen'])}，比 {base_year} 年同期"
        f"（{rules.fmt_yuan_fen(row['base_per_merchant_fen'])}）{'增长' if change >= 0 else '下降'} {abs(change):.0f}%。"
    )
    en = (
        f"Western small and medium merchants used {rules.fmt_yuan_fen(row['per_merchant_fen'])} of financing each, "
        f"{abs(change):.0f}% {'more' if change >= 0 else 'less'} than in the same period of {base_year} "
        f"({rules.fmt_yuan_fen(row['base_per_merchant_fen'])})."
    )
    return Headline("west_financing", zh, en, {"change_pct": change})


def live_commerce(t: ReportTables) -> Headline:
    share = {r["metric"]: r for r in t.rows("western_share")}
    gmv = share["live_gmv_fen"]
    if not share["live_sessions"]["national"]:
        return Headline("live_commerce", "直播电商：无数据。", "Live commerce: no data.", {})
    zh = (
        f"全国直播 {rules.fmt_int(share['live_sessions']['national'])} 场，直播订单 "
        f"{rules.fmt_int(share['live_orders']['national'])} 笔、成交额 {rules.fmt_yuan_fen(gmv['national'])}，"
        f"西部占 {_pct(gmv['west_share'])}。"
    )
    en = (
        f"{rules.fmt_int(share['live_sessions']['national'])} live sessions sold "
        f"{rules.fmt_int(share['live_orders']['national'])} orders worth {rules.fmt_yuan_fen(gmv['national'])}; "
        f"the West's share is {_pct(gmv['west_share'])}."
    )
    return Headline("live_commerce", zh, en, {"west_share": gmv["west_share"]})


def villages(t: ReportTables) -> Headline:
    share = {r["metric"]: r for r in t.rows("western_share")}
    v, towns = share["ecommerce_villages"], share["ecommerce_towns"]
    if not v["national"]:
        return Headline(
            "villages", "电商村：无达标村。", "E-commerce villages: none qualifies.", {}
        )
    zh = f"按淘宝村标准共有电商村 {v['national']:,} 个、电商镇 {towns['national']:,} 个，其中西部电商村 {v['west']:,} 个。"
    en = f"{v['national']:,} villages and {towns['national']:,} towns meet the Taobao-village rule; {v['west']:,} of the villages are western."
    return Headline("villages", zh, en, {"villages": v["national"], "west": v["west"]})


def headlines(t: ReportTables) -> list[Headline]:
    return [
        entrepreneurs_lead(t),
        top_growth(t),
        east_west_delivery(t),
        farmer_anchors(t),
        west_financing(t),
        live_commerce(t),
        villages(t),
    ]
