"""Scoring from a stored scorecard table, and reason codes. Pure: no I/O, no training library.

A card is the table optbinning produced at training time: for each feature its split points
and the points of each bin (plus the points of the "missing" bin). The score is the sum of the
points of the bins a store's features fall in — the same number ``Scorecard.score`` gives
(checked at training time and in the tests). Decisions and re-scoring use only this table, so
an audited decision can be reproduced years later from its stored inputs.

Reasons: for each feature, the points lost against its best bin; the features that lost the
most are the top reasons, for approvals as well as declines.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass
from typing import Any

# Stable reason codes, one per feature, with their zh-CN and English texts.
REASONS: dict[str, tuple[str, str, str]] = {
    "store_age_days": ("R01_STORE_AGE", "开店时间较短", "The store has not been open long"),
    "avg_monthly_sales_yuan": ("R02_SALES_LEVEL", "月均销售额偏低", "Monthly sales are low"),
    "sales_trend": ("R03_SALES_TREND", "近期销售额下降", "Recent sales are falling"),
    "orders_90d": ("R04_ORDER_VOLUME", "近 90 天订单较少", "Few orders in the last 90 days"),
    "refund_rate_90d": ("R05_REFUNDS", "退款率偏高", "The refund rate is high"),
    "on_time_ship_rate_90d": (
        "R06_SHIPPING",
        "48 小时内发货比例偏低",
        "Too few orders shipped within 48 hours",
    ),
    "delivered_7d_rate_90d": (
        "R07_DELIVERY",
        "7 天内送达比例偏低",
        "Too few orders delivered within 7 days",
    ),
    "loans_repaid": ("R08_NO_HISTORY", "还款记录较少", "Little repayment history"),
    "max_days_past_due": ("R09_PAST_LATE", "曾有逾期还款", "Earlier repayments were late"),
}
MISSING_TEXT = ("（暂无数据）", " (no data yet)")
TOP_REASONS = 3


@dataclass(frozen=True)
class CardFeature:
    name: str
    splits: tuple[float, ...]
    points: tuple[float, ...]  # one per bin: len(splits) + 1
    missing_points: float

    def bin_of(self, value: float | None) -> int:
        """Bin index; -1 is the missing bin. Bins are (-inf, s0), [s0, s1), …, [sn, inf)."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return -1
        return bisect_right(self.splits, float(value))

    def points_of(self, value: float | None) -> float:
        index = self.bin_of(value)
        return self.missing_points if index < 0 else self.points[index]

    @property
    def best_points(self) -> float:
        return max(*self.points, self.missing_points)

    def label(self, index: int) -> str:
        if index < 0:
            return "missing"
        low = "-inf" if index == 0 else f"{self.splits[index - 1]:g}"
        high = "inf" if index == len(self.splits) else f"{self.splits[index]:g}"
        return f"[{low}, {high})"


@dataclass(frozen=True)
class Card:
    version: str
    features: tuple[CardFeature, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "features": [
                {
                    "name": f.name,
                    "splits": list(f.splits),
                    "points": list(f.points),
                    "missing_points": f.missing_points,
                }
                for f in self.features
            ],
        }

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> Card:
        return cls(
            version=body["version"],
            features=tuple(
                CardFeature(
                    name=f["name"],
                    splits=tuple(float(s) for s in f["splits"]),
                    points=tuple(float(p) for p in f["points"]),
                    missing_points=float(f["missing_points"]),
                )
                for f in body["features"]
            ),
        )

    @property
    def feature_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.features)


@dataclass(frozen=True)
class Contribution:
    feature: str
    value: float | None
    bin: str
    points: float
    points_lost: float


def round_score(value: float) -> float:
    """Scores are stored rounded to 4 decimals so a re-score compares equal exactly."""
    return round(value, 4)


def score(card: Card, features: dict[str, float | None]) -> tuple[float, list[Contribution]]:
    total = 0.0
    contributions = []
    for f in card.features:
        value = features.get(f.name)
        points = f.points_of(value)
        total += points
        contributions.append(
            Contribution(
                feature=f.name,
                value=value,
                bin=f.label(f.bin_of(value)),
                points=round(points, 4),
                points_lost=round(f.best_points - points, 4),
            )
        )
    return round_score(total), contributions


def reasons(contributions: list[Contribution], top: int = TOP_REASONS) -> list[dict[str, Any]]:
    """The features that cost the most points against their best bin, as stable codes."""
    ranked = sorted(
        (c for c in contributions if c.points_lost > 0.005),
        key=lambda c: (-c.points_lost, c.feature),
    )
    result = []
    for c in ranked[:top]:
        code, zh, en = REASONS.get(c.feature, ("R99_OTHER", "其他因素", "Other factors"))
        if c.value is None:
            zh, en = zh + MISSING_TEXT[0], en + MISSING_TEXT[1]
        result.append(
            {
                "code": code,
                "zh": zh,
                "en": en,
                "feature": c.feature,
                "value": c.value,
                "points_lost": c.points_lost,
            }
        )
    return result


def policy_reason(code: str, zh: str, en: str) -> dict[str, Any]:
    """A reason that comes from the policy rather than from a feature (e.g. score cut-off)."""
    return {"code": code, "zh": zh, "en": en, "feature": None, "value": None, "points_lost": 0}
