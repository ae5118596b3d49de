"""Pure credit rules: the published policy (bands, limits, prices), APR, repayment schedules,
what is owed on a day, how a repayment is allocated, penalty interest. No I/O.

Conventions decided here (the issue is silent on them):
- **Interest** is simple daily interest on the outstanding principal of each period (按日计息).
  The annualised rate shown before acceptance is the *nominal simple* APR = daily rate × 365
  (e.g. 0.045 %/day → 16.43 %). A compounded figure ((1+d)^365 − 1) would be higher; we show
  the simple one as the headline because the schedule charges simple interest, and show the
  total interest in yuan for the exact amount and term beside it.
- **Periods** are 30 days; the last period takes the remainder of the term (7–365 days).
- **Equal instalments** (等额本息): one payment per period from the annuity formula at the
  period rate; interest each period on the principal still outstanding; the last instalment
  absorbs rounding. **Interest first** (先息后本): interest each period, principal at the end.
- **Allocation** of any repayment: instalment by instalment in due order — penalty, then the
  interest accrued so far, then principal. Paying an instalment's principal before it is due
  waives the interest of that period not yet accrued (early repayment is never penalised).
- **Overdue**: an instalment unpaid after its due date plus the grace days. Penalty interest
  accrues per day on its unpaid principal + interest at the policy's penalty daily rate.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from shanhuo.kit.errors import Conflict, Invalid

PERIOD_DAYS = 30


class Method(StrEnum):
    EQUAL = "equal"
    INTEREST_FIRST = "interest_first"


METHOD_NAMES = {
    Method.EQUAL: ("等额本息", "Equal instalments"),
    Method.INTEREST_FIRST: ("先息后本", "Interest first, principal at the end"),
}


# Policy -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Band:
    """Scores at or above ``min_score`` (and below the next band up) fall in this band."""

    name: str
    min_score: float
    approve: bool
    limit_multiple: Decimal = Decimal(0)  # × average monthly sales
    daily_rate: Decimal = Decimal(0)


@dataclass(frozen=True)
class Policy:
    version: str
    bands: tuple[Band, ...]  # highest min_score first
    min_amount_fen: int
    max_amount_fen: int  # also the cap of any limit
    min_term_days: int
    max_term_days: int
    offer_ttl_hours: int
    penalty_daily_rate: Decimal
    grace_days: int
    settlement_repay_share: Decimal  # share of each settled sale taken towards the loan
    review_daily_rate: Decimal  # price of a line granted by an analyst on review

    def band_of(self, score: float) -> Band:
        for band in self.bands:
            if score >= band.min_score:
                return band
        return self.bands[-1]

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "bands": [
                {
                    "name": b.name,
                    "min_score": b.min_score,
                    "approve": b.approve,
                    "limit_multiple": str(b.limit_multiple),
                    "daily_rate": str(b.daily_rate),
                }
                for b in self.bands
            ],
            "min_amount_fen": self.min_amount_fen,
            "max_amount_fen": self.max_amount_fen,
            "min_term_days": self.min_term_days,
            "max_term_days": self.max_term_days,
            "offer_ttl_hours": self.offer_ttl_hours,
            "penalty_daily_rate": str(self.penalty_daily_rate),
            "grace_days": self.grace_days,
            "settlement_repay_share": str(self.settlement_repay_share),
            "review_daily_rate": str(self.review_daily_rate),
        }

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> Policy:
        bands = tuple(
            Band(
                name=b["name"],
                min_score=float(b["min_score"]),
                approve=bool(b["approve"]),
                limit_multiple=Decimal(b["limit_multiple"]),
                daily_rate=Decimal(b["daily_rate"]),
            )
            for b in body["bands"]
        )
        return cls(
            version=body["version"],
            bands=tuple(sorted(bands, key=lambda b: -b.min_score)),
            min_amount_fen=int(body["min_amount_fen"]),
            max_amount_fen=int(body["max_amount_fen"]),
            min_term_days=int(body["min_term_days"]),
            max_term_days=int(body["max_term_days"]),
            offer_ttl_hours=int(body["offer_ttl_hours"]),
            penalty_daily_rate=Decimal(body["penalty_daily_rate"]),
            grace_days=int(body["grace_days"]),
            settlement_repay_share=Decimal(body["settlement_repay_share"]),
            review_daily_rate=Decimal(body["review_daily_rate"]),
        )


# Score bands follow the scorecard scale: 600 points at odds 50:1 good:bad, 20 points to
# double the odds (see ``finance/training.py``). Rates stay below 24 % simple APR.
DEFAULT_POLICY = Policy(
    version="p1",
    bands=(
        Band("A", 605.0, True, Decimal(3), Decimal("0.00030")),  # APR 10.95 %
        Band("B", 585.0, True, Decimal(2), Decimal("0.00045")),  # APR 16.43 %
        Band("C", 560.0, True, Decimal(1), Decimal("0.00060")),  # APR 21.90 %
        Band("D", -1e9, False),
    ),
    min_amount_fen=100_000,  # ¥1,000
    max_amount_fen=20_000_000,  # ¥200,000
    min_term_days=7,
    max_term_days=365,
    offer_ttl_hours=72,
    penalty_daily_rate=Decimal("0.00050"),
    grace_days=3,
    settlement_repay_share=Decimal("0.30"),
    review_daily_rate=Decimal("0.00060"),
)


def check_request(policy: Policy, *, amount_fen: int, term_days: int) -> None:
    """An amount or term outside the published policy is refused before anything is stored."""
    if amount_fen <= 0:
        raise Invalid("amount_not_positive", "金额必须大于零", "The amount must be positive")
    if not policy.min_amount_fen <= amount_fen <= policy.max_amount_fen:
        raise Invalid(
            "amount_out_of_policy",
            f"申请金额须在 {policy.min_amount_fen // 100} 元到 {policy.max_amount_fen // 100} 元之间",
            f"The amount must be between ¥{policy.min_amount_fen // 100} and "
            f"¥{policy.max_amount_fen // 100}",
            min_amount_fen=policy.min_amount_fen,
            max_amount_fen=policy.max_amount_fen,
        )
    if not policy.min_term_days <= term_days <= policy.max_term_days:
        raise Invalid(
            "term_out_of_policy",
            f"期限须在 {policy.min_term_days} 到 {policy.max_term_days} 天之间",
            f"The term must be between {policy.min_term_days} and {policy.max_term_days} days",
            min_term_days=policy.min_term_days,
            max_term_days=policy.max_term_days,
        )


def credit_limit(policy: Policy, band: Band, avg_monthly_sales_fen: int) -> int:
    """Limit = band multiple × average monthly sales, capped by the policy maximum, in whole
    yuan (rounded down)."""
    raw = int(Decimal(max(avg_monthly_sales_fen, 0)) * band.limit_multiple)
    return min(raw - raw % 100, policy.max_amount_fen)


def apr(daily_rate: Decimal) -> Decimal:
    """Nominal simple annual rate: daily × 365, as a fraction (0.164250 for 0.045 %/day)."""
    return (daily_rate * 365).quantize(Decimal("0.000001"))


def compound_annual_rate(daily_rate: Decimal) -> Decimal:
    """For comparison only: (1 + d)^365 − 1."""
    return Decimal(str(math.pow(1 + float(daily_rate), 365) - 1)).quantize(Decimal("0.000001"))


def percent(rate: Decimal, places: int = 2) -> str:
    return f"{(rate * 100).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)}%"


# Schedules ----------------------------------------------------------------------------------


def _round(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Instalment:
    seq: int
    period_start: date
    due_date: date
    principal_fen: int
    interest_fen: int
    penalty_fen: int = 0
    paid_principal_fen: int = 0
    paid_interest_fen: int = 0
    paid_penalty_fen: int = 0
    waived_interest_fen: int = 0

    @property
    def total_fen(self) -> int:
        return self.principal_fen + self.interest_fen

    def accrued_interest(self, today: date) -> int:
        """Interest of this period accrued by ``today`` (pro rata by day; all of it once due)."""
        if today >= self.due_date:
            return self.interest_fen
        if today <= self.period_start:
            return 0
        days = (self.due_date - self.period_start).days
        return _round(Decimal(self.interest_fen) * (today - self.period_start).days / days)

    def owed_parts(self, today: date) -> tuple[int, int, int]:
        """(penalty, interest, principal) that may be paid on ``today``."""
        interest = max(
            0,
            min(self.accrued_interest(today), self.interest_fen - self.waived_interest_fen)
            - self.paid_interest_fen,
        )
        return (
            self.penalty_fen - self.paid_penalty_fen,
            interest,
            self.principal_fen - self.paid_principal_fen,
        )

    def unpaid_due(self) -> int:
        """Principal + interest of this instalment still unpaid (the penalty base)."""
        return (
            self.principal_fen
            - self.paid_principal_fen
            + self.interest_fen
            - self.waived_interest_fen
            - self.paid_interest_fen
        )

    @property
    def settled(self) -> bool:
        return self.unpaid_due() == 0 and self.paid_penalty_fen == self.penalty_fen


def _period_lengths(term_days: int) -> list[int]:
    full, rest = divmod(term_days, PERIOD_DAYS)
    lengths = [PERIOD_DAYS] * full
    if rest:
        lengths.append(rest)
    return lengths


def build_schedule(
    principal_fen: int, daily_rate: Decimal, term_days: int, method: Method | str, start: date
) -> list[Instalment]:
    if principal_fen <= 0 or term_days <= 0:
        raise ValueError("principal and term must be positive")
    lengths = _period_lengths(term_days)
    n = len(lengths)
    method = Method(method)
    if method is Method.EQUAL and daily_rate > 0:
        r = daily_rate * PERIOD_DAYS
        payment = Decimal(principal_fen) * r / (1 - (1 + r) ** -n)
    else:
        payment = Decimal(principal_fen) / n
    outstanding = principal_fen
    period_start = start
    schedule: list[Instalment] = []
    for seq, days in enumerate(lengths, start=1):
        due = period_start + timedelta(days=days)
        interest = _round(Decimal(outstanding) * daily_rate * days)
        if seq == n:
            principal = outstanding
        elif method is Method.INTEREST_FIRST:
            principal = 0
        else:
            principal = min(outstanding, max(0, _round(payment) - interest))
        schedule.append(Instalment(seq, period_start, due, principal, interest))
        outstanding -= principal
        period_start = due
    return schedule


def total_interest(schedule: Sequence[Instalment]) -> int:
    return sum(i.interest_fen for i in schedule)


# Owing, repaying, overdue -------------------------------------------------------------------


def owed_now(schedule: Sequence[Instalment], today: date) -> int:
    """Everything that may be paid today: penalties, interest accrued so far, all principal.
    Paying exactly this closes the loan (the early-repayment amount)."""
    return sum(sum(i.owed_parts(today)) for i in schedule)


def due_now(schedule: Sequence[Instalment], today: date) -> int:
    """What is due or overdue today (instalments whose due date has come)."""
    return sum(sum(i.owed_parts(today)) for i in schedule if i.due_date <= today)


@dataclass(frozen=True)
class Allocation:
    principal_fen: int
    interest_fen: int
    penalty_fen: int
    schedule: list[Instalment] = field(default_factory=list)  # the schedule after payment

    @property
    def amount_fen(self) -> int:
        return self.principal_fen + self.interest_fen + self.penalty_fen


def allocate(schedule: Sequence[Instalment], amount_fen: int, today: date) -> Allocation:
    """Split a repayment over the schedule (penalty → accrued interest → principal, instalment
    by instalment). Refuses zero/negative amounts and more than is owed today."""
    if amount_fen <= 0:
        raise Invalid("amount_not_positive", "金额必须大于零", "The amount must be positive")
    owed = owed_now(schedule, today)
    if amount_fen > owed:
        raise Conflict(
            "repayment_exceeds_owed",
            "还款金额超过了应还金额",
            "The repayment is larger than what is owed",
            owed_fen=owed,
            amount_fen=amount_fen,
        )
    left = amount_fen
    paid = [0, 0, 0]  # principal, interest, penalty
    after: list[Instalment] = []
    for inst in schedule:
        penalty, interest, principal = inst.owed_parts(today)
        pay_penalty = min(left, penalty)
        left -= pay_penalty
        pay_interest = min(left, interest)
        left -= pay_interest
        pay_principal = min(left, principal)
        left -= pay_principal
        new = replace(
            inst,
            paid_penalty_fen=inst.paid_penalty_fen + pay_penalty,
            paid_interest_fen=inst.paid_interest_fen + pay_interest,
            paid_principal_fen=inst.paid_principal_fen + pay_principal,
        )
        if new.paid_principal_fen == new.principal_fen and today < new.due_date:
            new = replace(new, waived_interest_fen=new.interest_fen - new.paid_interest_fen)
        paid[0] += pay_principal
        paid[1] += pay_interest
        paid[2] += pay_penalty
        after.append(new)
    return Allocation(paid[0], paid[1], paid[2], after)


def is_repaid(schedule: Sequence[Instalment]) -> bool:
    return all(i.settled for i in schedule)


def days_past_due(schedule: Sequence[Instalment], today: date) -> int:
    """Days since the earliest due date still unpaid (0 when nothing is past due)."""
    late = [i.due_date for i in schedule if i.due_date < today and i.unpaid_due() > 0]
    return (today - min(late)).days if late else 0


def loan_status(schedule: Sequence[Instalment], today: date, grace_days: int) -> str:
    if is_repaid(schedule):
        return "repaid"
    return "overdue" if days_past_due(schedule, today) > grace_days else "active"


def penalty_for_day(
    schedule: Sequence[Instalment], day: date, *, rate: Decimal, grace_days: int
) -> list[Instalment]:
    """Penalty interest for one calendar ``day``: each instalment unpaid for more than the grace
    days after its due date accrues ``rate`` × its unpaid principal + interest."""
    result = []
    for inst in schedule:
        base = inst.unpaid_due()
        if base > 0 and (day - inst.due_date).days > grace_days:
            inst = replace(inst, penalty_fen=inst.penalty_fen + _round(Decimal(base) * rate))
        result.append(inst)
    return result


def settlement_deduction(
    *,
    net_fen: int,
    share: Decimal,
    due_fen: int,
    owed_fen: int,
    available_fen: int,
) -> int:
    """How much of a settled sale goes to the loan: at least the policy share of the sale, at
    least what is due today, never more than is owed or than the store has."""
    wanted = max(_round(Decimal(net_fen) * share), due_fen)
    return max(0, min(wanted, owed_fen, available_fen))


# Offers -------------------------------------------------------------------------------------


def offer_open(status: str, *, expires_at: Any, now: Any) -> None:
    """Only an open, unexpired offer can be accepted."""
    if status == "accepted":
        raise Conflict("offer_already_accepted", "该额度已接受", "This offer was already accepted")
    if status != "open":
        raise Conflict("offer_not_open", "该额度已失效", "This offer is no longer open")
    if now >= expires_at:
        raise Conflict("offer_expired", "该额度已过期，请重新申请", "This offer has expired")


AGE_BANDS: tuple[tuple[str, int, str, str], ...] = (
    ("lt_6m", 0, "不满 6 个月", "Under 6 months"),
    ("6_12m", 183, "6–12 个月", "6–12 months"),
    ("1_2y", 365, "1–2 年", "1–2 years"),
    ("ge_2y", 730, "2 年以上", "2 years or more"),
)


def age_band(age_days: int) -> str:
    key = AGE_BANDS[0][0]
    for name, min_days, _zh, _en in AGE_BANDS:
        if age_days >= min_days:
            key = name
    return key


def psi(expected: Sequence[float], actual: Sequence[float], eps: float = 1e-4) -> float:
    """Population stability index between two distributions over the same buckets."""
    total = 0.0
    for e, a in zip(expected, actual, strict=True):
        e, a = max(e, eps), max(a, eps)
        total += (a - e) * math.log(a / e)
    return total


def psi_verdict(value: float) -> str:
    """Conventional thresholds: < 0.1 stable, 0.1–0.25 watch, > 0.25 shifted."""
    return "stable" if value < 0.1 else ("watch" if value <= 0.25 else "shifted")
