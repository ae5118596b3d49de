"""The credit feature vector of a store as of a moment — defined once, here.

Two halves, so training and decisions cannot drift apart:
- ``store_facts(session, store_id, as_of)`` reads the platform's own tables (``store``,
  ``shop_order`` timestamps and amounts, ``credit_loan``) with three indexed queries and
  returns plain ``StoreFacts`` — only data from *before* ``as_of`` is used;
- ``features_from_facts(facts)`` is pure and turns facts into the model's features.
The synthetic history (``finance/history.py``) generates ``StoreFacts`` and passes them through
the very same ``features_from_facts``; decisions store its output as the audit record.

Every field (name · unit · window · meaning):

| feature | unit | window | meaning |
|---|---|---|---|
| store_age_days | days | to as_of | days since the store opened |
| avg_monthly_sales_yuan | yuan / 30 days | 90 days | paid order value minus refunds, ÷ 3 |
| sales_trend | ratio | 30 vs 31–90 days | (last 30 days + ¥100) ÷ (monthly average of days 31–90 + ¥100); 1 = flat |
| orders_90d | orders | 90 days | orders paid in the window |
| refund_rate_90d | share 0–1 | 90 days | refunded ÷ paid orders; missing when no orders |
| on_time_ship_rate_90d | share 0–1 | 90 days | shipped within 48 h of payment ÷ orders whose 48 h have passed; missing when none |
| delivered_7d_rate_90d | share 0–1 | 90 days | delivered within 7 days of payment ÷ orders paid ≥ 7 days ago and not refunded before shipping (delivery performance from order timestamps); missing when none |
| loans_repaid | loans | all history | credit loans of this store fully repaid before as_of |
| max_days_past_due | days | all history | worst lateness on any earlier loan of this store |

Left out, and why: **live-room activity** and **carrier delivery scans** are being built in
parallel (``live_*``, ``logistics`` tables) and are not stable yet — delivery performance is
taken from the order's own ``shipped_at``/``delivered_at`` instead; **complaints** have no
table on the platform (refunds are the nearest signal and are used). Adding a feature means a
new model version trained on a history that has it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shanhuo.kit.errors import NotFound
from shanhuo.kit.timeutil import as_utc
from shanhuo.models import CreditLoan, Order, Store


@dataclass(frozen=True)
class FeatureSpec:
    name: str
    unit: str
    window: str
    zh: str
    en: str


FEATURES: tuple[FeatureSpec, ...] = (
    FeatureSpec("store_age_days", "days", "to as_of", "开店天数", "Store age"),
    FeatureSpec("avg_monthly_sales_yuan", "yuan/30d", "90d", "月均销售额", "Average monthly sales"),
    FeatureSpec("sales_trend", "ratio", "30d vs 31-90d", "销售趋势", "Sales trend"),
    FeatureSpec("orders_90d", "orders", "90d", "近 90 天订单数", "Orders in 90 days"),
    FeatureSpec("refund_rate_90d", "share", "90d", "退款率", "Refund rate"),
    FeatureSpec("on_time_ship_rate_90d", "share", "90d", "48 小时发货率", "Shipped within 48 h"),
    FeatureSpec("delivered_7d_rate_90d", "share", "90d", "7 天送达率", "Delivered within 7 days"),
    FeatureSpec("loans_repaid", "loans", "all", "已还清贷款笔数", "Loans repaid"),
    FeatureSpec("max_days_past_due", "days", "all", "历史最长逾期天数", "Worst days past due"),
)
FEATURE_NAMES: tuple[str, ...] = tuple(f.name for f in FEATURES)
WINDOW_DAYS = 90
RECENT_DAYS = 30
SHIP_HOURS = 48
DELIVERY_DAYS = 7


@dataclass(frozen=True)
class StoreFacts:
    """Plain counts and sums over the windows above (what the SQL or the generator yields)."""

    age_days: int
    sales_recent_fen: int  # paid in the last 30 days, net of refunds
    sales_prior_fen: int  # paid 31–90 days ago, net of refunds
    orders_90d: int
    refunded_orders_90d: int
    ship_measured_90d: int
    shipped_on_time_90d: int
    delivery_measured_90d: int
    delivered_7d_90d: int
    loans_repaid: int
    max_days_past_due: int

    def to_json(self) -> dict[str, int]:
        return asdict(self)


Features = dict[str, float | None]


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 6) if whole > 0 else None


def features_from_facts(facts: StoreFacts) -> Features:
    recent_yuan = facts.sales_recent_fen / 100
    prior_yuan = facts.sales_prior_fen / 100
    return {
        "store_age_days": float(facts.age_days),
        "avg_monthly_sales_yuan": round((recent_yuan + prior_yuan) / 3, 2),
        "sales_trend": round((recent_yuan + 100) / (prior_yuan / 2 + 100), 6),
        "orders_90d": float(facts.orders_90d),
        "refund_rate_90d": _share(facts.refunded_orders_90d, facts.orders_90d),
        "on_time_ship_rate_90d": _share(facts.shipped_on_time_90d, facts.ship_measured_90d),
        "delivered_7d_rate_90d": _share(facts.delivered_7d_90d, facts.delivery_measured_90d),
        "loans_repaid": float(facts.loans_repaid),
        "max_days_past_due": float(facts.max_days_past_due),
    }


def avg_monthly_sales_fen(features: dict[str, Any]) -> int:
    return round(float(features.get("avg_monthly_sales_yuan") or 0) * 100)


def store_facts(session: Session, store_id: int, as_of: datetime) -> StoreFacts:
    """Facts of one store from the platform's tables, using only rows before ``as_of``."""
    store = session.get(Store, store_id)
    if store is None:
        raise NotFound("store_not_found", "店铺不存在", "No such store")
    as_of = as_utc(as_of)
    since = as_of - timedelta(days=WINDOW_DAYS)
    recent_since = as_of - timedelta(days=RECENT_DAYS)
    rows = session.execute(
        select(
            Order.paid_at,
            Order.shipped_at,
            Order.delivered_at,
            Order.total_fen,
            Order.refunded_fen,
            Order.refunded_at,
        ).where(Order.store_id == store_id, Order.paid_at >= since, Order.paid_at < as_of)
    ).all()
    sales_recent = sales_prior = refunded = 0
    ship_measured = on_time = delivery_measured = delivered = 0
    for paid_at, shipped_at, delivered_at, total, refunded_fen, refunded_at in rows:
        if paid_at is None:  # excluded by the query; keeps the type checker informed
            continue
        paid_at = as_utc(paid_at)
        shipped_at = as_utc(shipped_at) if shipped_at and as_utc(shipped_at) < as_of else None
        delivered_at = (
            as_utc(delivered_at) if delivered_at and as_utc(delivered_at) < as_of else None
        )
        refund_seen = refunded_at is not None and as_utc(refunded_at) < as_of
        net = total - (refunded_fen if refund_seen else 0)
        if paid_at >= recent_since:
            sales_recent += net
        else:
            sales_prior += net
        refunded += 1 if refund_seen else 0
        ship_deadline = paid_at + timedelta(hours=SHIP_HOURS)
        if shipped_at is not None and shipped_at <= ship_deadline:
            ship_measured += 1
            on_time += 1
        elif ship_deadline <= as_of and not (refund_seen and shipped_at is None):
            ship_measured += 1
        deliver_deadline = paid_at + timedelta(days=DELIVERY_DAYS)
        if deliver_deadline <= as_of and not (refund_seen and shipped_at is None):
            delivery_measured += 1
            if delivered_at is not None and delivered_at <= deliver_deadline:
                delivered += 1
    loans = session.execute(
        select(
            func.count(CreditLoan.id).filter(
                CreditLoan.status == "repaid", CreditLoan.closed_at < as_of
            ),
            func.coalesce(func.max(CreditLoan.max_days_past_due), 0),
        ).where(CreditLoan.store_id == store_id, CreditLoan.created_at < as_of)
    ).one()
    return StoreFacts(
        age_days=max(0, (as_of - as_utc(store.opened_at)).days),
        sales_recent_fen=max(0, sales_recent),
        sales_prior_fen=max(0, sales_prior),
        orders_90d=len(rows),
        refunded_orders_90d=refunded,
        ship_measured_90d=ship_measured,
        shipped_on_time_90d=on_time,
        delivery_measured_90d=delivery_measured,
        delivered_7d_90d=delivered,
        loans_repaid=int(loans[0] or 0),
        max_days_past_due=int(loans[1] or 0),
    )


def store_features(session: Session, store_id: int, as_of: datetime) -> Features:
    """The one function decisions (and anything else) call for a store's features."""
    return features_from_facts(store_facts(session, store_id, as_of))
