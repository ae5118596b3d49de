"""For analysts: approval rate, average limit and bad rate by macro-region and by store age;
a PSI drift check of recent scores against the training distribution; and financing per
merchant by macro-region and year (also readable by the development report from the tables:
``credit_loan.store_id, principal_fen, disbursed_at`` joined to ``store.province_code``).

A loan counts as **bad** once it has been 30 or more days past due (``max_days_past_due``).
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shanhuo.finance import rules
from shanhuo.finance.service import region_key
from shanhuo.kit.timeutil import to_shanghai
from shanhuo.models import CreditDecision, CreditLoan, CreditModel, CreditOffer, Store
from shanhuo.regions.rules import MACRO_REGIONS

BAD_DAYS_PAST_DUE = 30
MIN_DRIFT_SAMPLE = 30  # fewer recent decisions than this: the PSI is shown but not judged
MIN_DRIFT_SAMPLE = 30  # fewer recent decisions than this: the PSI is shown but not judged
REGION_NAMES = {r.key: (r.name_zh, r.name_en) for r in MACRO_REGIONS} | {"other": ("其他", "Other")}
AGE_NAMES = {key: (zh, en) for key, _min, zh, en in rules.AGE_BANDS}


def _group_stats(keys: list[str], names: dict[str, tuple[str, str]]) -> dict[str, dict[str, Any]]:
    return {
        k: {
            "key": k,
            "zh": names[k][0],
            "en": names[k][1],
            "decisions": 0,
            "approved": 0,
            "limit_sum": 0,
            "loans": 0,
            "bad": 0,
        }
        for k in keys
    }


def _finish(groups: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for g in groups.values():
        g["approval_rate"] = round(g["approved"] / g["decisions"], 4) if g["decisions"] else None
        g["avg_limit_fen"] = g["limit_sum"] // g["approved"] if g["approved"] else None
        g["bad_rate"] = round(g["bad"] / g["loans"], 4) if g["loans"] else None
        rows.append(g)
    return rows


def fairness(session: Session) -> dict[str, list[dict[str, Any]]]:
    by_region = _group_stats(list(REGION_NAMES), REGION_NAMES)
    by_age = _group_stats(list(AGE_NAMES), AGE_NAMES)
    for region, age_days, outcome, limit in session.execute(
        select(
            CreditDecision.region_key,
            CreditDecision.store_age_days,
            CreditDecision.outcome,
            CreditDecision.limit_fen,
        )
    ):
        for group in (
            by_region[region if region in by_region else "other"],
            by_age[rules.age_band(age_days)],
        ):
            group["decisions"] += 1
            if outcome == "approved":
                group["approved"] += 1
                group["limit_sum"] += limit
    for region, age_days, dpd in session.execute(
        select(
            CreditDecision.region_key, CreditDecision.store_age_days, CreditLoan.max_days_past_due
        )
        .join(CreditOffer, CreditOffer.id == CreditLoan.offer_id)
        .join(CreditDecision, CreditDecision.id == CreditOffer.decision_id)
        .where(CreditLoan.disbursed_at.is_not(None))
    ):
        for group in (
            by_region[region if region in by_region else "other"],
            by_age[rules.age_band(age_days)],
        ):
            group["loans"] += 1
            group["bad"] += 1 if dpd >= BAD_DAYS_PAST_DUE else 0
    return {"by_region": _finish(by_region), "by_age": _finish(by_age)}


def drift(session: Session, *, now: datetime, days: int = 30) -> dict[str, Any] | None:
    """PSI of the promoted model's scores in the last ``days`` against its training deciles."""
    model = session.scalars(select(CreditModel).where(CreditModel.promoted.is_(True))).first()
    if model is None:
        return None
    reference = json.loads(model.metrics_json).get("training_scores")
    scores = list(
        session.scalars(
            select(CreditDecision.score).where(
                CreditDecision.model_version == model.version,
                CreditDecision.created_at >= now - timedelta(days=days),
            )
        )
    )
    result: dict[str, Any] = {
        "model_version": model.version,
        "days": days,
        "decisions": len(scores),
    }
    if not reference or not scores:
        result.update(psi=None, verdict="no_data")
        return result
    edges = reference["edges"]
    counts = [0] * (len(edges) + 1)
    for s in scores:
        counts[sum(1 for e in edges if s >= e)] += 1
    actual = [c / len(scores) for c in counts]
    value = rules.psi(reference["shares"], actual)
    result.update(
        psi=round(value, 4),
        verdict=rules.psi_verdict(value) if len(scores) >= MIN_DRIFT_SAMPLE else "too_few",
        actual=actual,
        expected=reference["shares"],
    )
    return result


def financing_by_region_year(session: Session) -> list[dict[str, Any]]:
    """Per macro-region and calendar year (Asia/Shanghai) of disbursement: loans, principal,
    stores financed, stores open that year, and principal per open store (per-head financing)."""
    stores = session.execute(select(Store.id, Store.province_code, Store.opened_at)).all()
    loans = session.execute(
        select(CreditLoan.store_id, CreditLoan.principal_fen, CreditLoan.disbursed_at).where(
            CreditLoan.disbursed_at.is_not(None)
        )
    ).all()
    province = {sid: code for sid, code, _ in stores}
    totals: dict[tuple[int, str], dict[str, Any]] = defaultdict(
        lambda: {"loans": 0, "principal_fen": 0, "stores_financed": set()}
    )
    for store_id, principal, disbursed_at in loans:
        if disbursed_at is None:
            continue
        key = (to_shanghai(disbursed_at).year, region_key(province.get(store_id, "")))
        totals[key]["loans"] += 1
        totals[key]["principal_fen"] += principal
        totals[key]["stores_financed"].add(store_id)
    rows = []
    for (year, region), t in sorted(totals.items()):
        open_stores = sum(
            1
            for _sid, code, opened in stores
            if region_key(code) == region and to_shanghai(opened).year <= year
        )
        rows.append(
            {
                "year": year,
                "region": region,
                "loans": t["loans"],
                "principal_fen": t["principal_fen"],
                "stores_financed": len(t["stores_financed"]),
                "stores": open_stores,
                "principal_per_store_fen": t["principal_fen"] // open_stores if open_stores else 0,
            }
        )
    return rows
