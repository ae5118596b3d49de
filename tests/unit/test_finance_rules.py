"""Pure credit rules: policy checks, pricing, schedules, allocation, penalties, scorecard."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from shanhuo.finance import rules
from shanhuo.finance.features import StoreFacts, features_from_facts
from shanhuo.finance.rules import DEFAULT_POLICY as P
from shanhuo.finance.scorecard import Card, CardFeature, reasons, score
from shanhuo.kit.errors import Conflict, Invalid

START = date(2026, 3, 1)


def test_amount_and_term_limits() -> None:
    rules.check_request(P, amount_fen=100_000, term_days=7)
    rules.check_request(P, amount_fen=20_000_000, term_days=365)
    for amount, term, code in [
        (99_999, 30, "amount_out_of_policy"),
        (20_000_001, 30, "amount_out_of_policy"),
        (0, 30, "amount_not_positive"),
        (-5, 30, "amount_not_positive"),
        (100_000, 6, "term_out_of_policy"),
        (100_000, 366, "term_out_of_policy"),
    ]:
        with pytest.raises(Invalid) as err:
            rules.check_request(P, amount_fen=amount, term_days=term)
        assert err.value.code == code


def test_band_limit_and_apr() -> None:
    assert P.band_of(700).name == "A"
    assert P.band_of(605).name == "A"
    assert P.band_of(604.99).name == "B"
    assert P.band_of(100).name == "D" and not P.band_of(100).approve
    assert rules.credit_limit(P, P.band_of(600), 1_234_567) == 2_469_100  # 2× rounded down to yuan
    assert rules.credit_limit(P, P.band_of(700), 100_000_000) == P.max_amount_fen
    assert rules.apr(Decimal("0.00045")) == Decimal("0.164250")
    assert rules.percent(rules.apr(Decimal("0.00045"))) == "16.43%"
    assert rules.compound_annual_rate(Decimal("0.00045")) > rules.apr(Decimal("0.00045"))


def test_equal_instalments_repay_principal_exactly() -> None:
    schedule = rules.build_schedule(1_000_000, Decimal("0.0005"), 90, "equal", START)
    assert [i.due_date for i in schedule] == [START + timedelta(days=d) for d in (30, 60, 90)]
    assert sum(i.principal_fen for i in schedule) == 1_000_000
    assert schedule[0].interest_fen == 15_000  # 1,000,000 × 0.0005 × 30
    payments = [i.total_fen for i in schedule]
    assert max(payments) - min(payments) <= 2  # equal up to rounding


def test_interest_first_pays_principal_at_the_end_with_a_short_last_period() -> None:
    schedule = rules.build_schedule(600_000, Decimal("0.0003"), 45, "interest_first", START)
    assert [(i.principal_fen, i.interest_fen) for i in schedule] == [(0, 5_400), (600_000, 2_700)]
    assert schedule[-1].due_date == START + timedelta(days=45)


def test_allocation_order_penalty_interest_principal() -> None:
    schedule = rules.build_schedule(100_000, Decimal("0.001"), 60, "interest_first", START)
    schedule[0] = rules.Instalment(**{**schedule[0].__dict__, "penalty_fen": 50})
    today = START + timedelta(days=35)
    result = rules.allocate(schedule, 3_000, today)
    assert (result.penalty_fen, result.interest_fen, result.principal_fen) == (50, 2_950, 0)
    assert result.schedule[0].paid_interest_fen == 2_950


def test_early_payoff_waives_unaccrued_interest_and_closes() -> None:
    schedule = rules.build_schedule(100_000, Decimal("0.001"), 60, "equal", START)
    today = START + timedelta(days=10)
    owed = rules.owed_now(schedule, today)
    assert owed == 100_000 + 1_000  # principal + 10 days of interest on the first period
    result = rules.allocate(schedule, owed, today)
    assert rules.is_repaid(result.schedule)
    assert (
        sum(i.waived_interest_fen for i in result.schedule)
        == rules.total_interest(schedule) - 1_000
    )


def test_repayment_larger_than_owed_or_not_positive_is_refused() -> None:
    schedule = rules.build_schedule(100_000, Decimal("0.001"), 30, "equal", START)
    with pytest.raises(Conflict) as err:
        rules.allocate(schedule, rules.owed_now(schedule, START) + 1, START)
    assert err.value.code == "repayment_exceeds_owed"
    for amount in (0, -1):
        with pytest.raises(Invalid):
            rules.allocate(schedule, amount, START)


def test_overdue_and_penalty_after_grace() -> None:
    schedule = rules.build_schedule(100_000, Decimal("0.001"), 30, "equal", START)
    due = schedule[0].due_date
    assert rules.loan_status(schedule, due + timedelta(days=3), 3) == "active"
    assert rules.loan_status(schedule, due + timedelta(days=4), 3) == "overdue"
    same = rules.penalty_for_day(
        schedule, due + timedelta(days=3), rate=Decimal("0.0005"), grace_days=3
    )
    assert same[0].penalty_fen == 0
    later = rules.penalty_for_day(
        schedule, due + timedelta(days=4), rate=Decimal("0.0005"), grace_days=3
    )
    assert later[0].penalty_fen == 52  # (100,000 + 3,000) × 0.0005 = 51.5 → 52


def test_settlement_deduction() -> None:
    kw = {"share": Decimal("0.3"), "available_fen": 10_000}
    assert rules.settlement_deduction(net_fen=10_000, due_fen=0, owed_fen=50_000, **kw) == 3_000
    assert rules.settlement_deduction(net_fen=10_000, due_fen=8_000, owed_fen=50_000, **kw) == 8_000
    assert rules.settlement_deduction(net_fen=10_000, due_fen=0, owed_fen=1_000, **kw) == 1_000
    assert (
        rules.settlement_deduction(net_fen=10_000, due_fen=90_000, owed_fen=90_000, **kw) == 10_000
    )


def test_psi_and_age_bands() -> None:
    assert rules.psi([0.5, 0.5], [0.5, 0.5]) == 0
    assert rules.psi_verdict(rules.psi([0.5, 0.5], [0.9, 0.1])) == "shifted"
    assert [rules.age_band(d) for d in (0, 182, 183, 364, 365, 730)] == [
        "lt_6m",
        "lt_6m",
        "6_12m",
        "6_12m",
        "1_2y",
        "ge_2y",
    ]


CARD = Card(
    "t",
    (
        CardFeature("store_age_days", (90.0, 365.0), (10.0, 20.0, 30.0), 15.0),
        CardFeature("refund_rate_90d", (0.05,), (25.0, 5.0), 12.0),
    ),
)


def test_card_bins_are_left_closed_and_missing_has_its_own_points() -> None:
    age = CARD.features[0]
    assert [age.bin_of(v) for v in (89.9, 90.0, 364, 365)] == [0, 1, 1, 2]
    total, contributions = score(CARD, {"store_age_days": 100.0, "refund_rate_90d": None})
    assert total == 32.0
    found = reasons(contributions)
    assert [r["code"] for r in found] == ["R05_REFUNDS", "R01_STORE_AGE"]
    assert found[0]["en"].endswith("(no data yet)") and found[0]["points_lost"] == 13.0


def test_features_from_facts() -> None:
    facts = StoreFacts(400, 300_000, 400_000, 50, 5, 40, 30, 0, 0, 1, 0)
    f = features_from_facts(facts)
    assert f["avg_monthly_sales_yuan"] == round(7000 / 3, 2)
    assert f["sales_trend"] == round(3100 / 2100, 6)
    assert f["refund_rate_90d"] == 0.1 and f["on_time_ship_rate_90d"] == 0.75
    assert f["delivered_7d_rate_90d"] is None
