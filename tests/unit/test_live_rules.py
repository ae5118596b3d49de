"""Pure live-room rules, in milliseconds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shanhuo.kit.errors import Conflict, Invalid
from shanhuo.live import rules
from shanhuo.live.rules import DealRequest, Refusal

T0 = datetime(2026, 6, 18, 12, 0, tzinfo=UTC)


def test_allocate_serves_in_arrival_order_and_never_beyond_the_pool() -> None:
    requests = [DealRequest(1, 2), DealRequest(2, 2), DealRequest(3, 1), DealRequest(4, 1)]
    assert rules.allocate(requests, remaining=3, held={}, limit=2) == [
        None,
        Refusal.SOLD_OUT,
        None,
        Refusal.SOLD_OUT,
    ]


def test_allocate_counts_what_the_buyer_already_holds() -> None:
    requests = [DealRequest(1, 1), DealRequest(1, 1), DealRequest(2, 3)]
    assert rules.allocate(requests, remaining=10, held={1: 1}, limit=2) == [
        None,
        Refusal.LIMIT,
        Refusal.LIMIT,
    ]


def test_allocate_gives_whole_requests_only() -> None:
    assert rules.allocate([DealRequest(1, 3)], remaining=2, held={}, limit=5) == [Refusal.SOLD_OUT]


@pytest.mark.parametrize(
    ("countdown", "duration", "ok"),
    [
        (10, 60, True),
        (300, 1200, True),
        (9, 60, False),
        (301, 60, False),
        (10, 59, False),
        (10, 1201, False),
    ],
)
def test_deal_parameter_ranges(countdown: int, duration: int, ok: bool) -> None:
    if ok:
        rules.check_deal_params(
            countdown_seconds=countdown, duration_seconds=duration, pool=1, per_buyer_limit=1
        )
    else:
        with pytest.raises(Invalid):
            rules.check_deal_params(
                countdown_seconds=countdown, duration_seconds=duration, pool=1, per_buyer_limit=1
            )


def test_deal_phases() -> None:
    opens, ends = T0, T0 + timedelta(minutes=5)

    def phase(now: datetime, status: str = "open") -> rules.DealPhase:
        return rules.deal_phase(status=status, opens_at=opens, ends_at=ends, now=now)

    assert phase(T0 - timedelta(seconds=1)) is rules.DealPhase.COUNTDOWN
    assert phase(T0) is rules.DealPhase.OPEN
    assert phase(ends) is rules.DealPhase.ENDED
    assert phase(T0, "ended") is rules.DealPhase.ENDED


def test_pins_are_one_to_three_products_of_the_room() -> None:
    assert rules.check_pins([3, 1, 3], [1, 2, 3]) == [3, 1]
    with pytest.raises(Invalid) as none:
        rules.check_pins([], [1])
    assert none.value.code == "pin_count_invalid"
    with pytest.raises(Invalid):
        rules.check_pins([1, 2, 3, 4], [1, 2, 3, 4])
    with pytest.raises(Invalid) as foreign:
        rules.check_pins([9], [1])
    assert foreign.value.code == "product_not_in_room"


def test_stock_flags() -> None:
    assert rules.stock_flags(0) == (True, False)
    assert rules.stock_flags(10) == (False, True)
    assert rules.stock_flags(11) == (False, False)


def test_comment_moderation() -> None:
    words = rules.blocked_words("团购群\n")
    assert (
        rules.check_comment("  <script>x</script> ", words=words, muted=False)
        == "<script>x</script>"
    )
    for text, code in [
        ("", "comment_empty"),
        ("a" * 201, "comment_too_long"),
        ("进团购群", "comment_blocked"),
        ("加微信", "comment_blocked"),
    ]:
        with pytest.raises(Invalid) as caught:
            rules.check_comment(text, words=words, muted=False)
        assert caught.value.code == code
    with pytest.raises(Conflict):
        rules.check_comment("hi", words=words, muted=True)


def test_ticker_has_one_line_per_product_most_buyers_first() -> None:
    lines = rules.ticker_lines([(1, "王*", 1, 1), (3, "张*", 2, 4), (2, "李*", 2, 2)])
    assert [line.text_zh() for line in lines] == [
        "李* 等 2 人已下单 2 号商品",
        "张* 等 2 人已下单 3 号商品",
        "王* 已下单 1 号商品",
    ]
    assert lines[1].units == 4
    assert lines[1].text_en() == "张* and 1 others ordered item #3"


def test_ticker_is_due_at_most_once_per_interval() -> None:
    assert rules.due(None, 100.0, 3.0)
    assert not rules.due(99.0, 100.0, 3.0)
    assert rules.due(97.0, 100.0, 3.0)


def test_coupon_rules() -> None:
    assert rules.coupon_discount(items_fen=900, amount_off_fen=500, min_spend_fen=1000) == 0
    assert rules.coupon_discount(items_fen=1000, amount_off_fen=500, min_spend_fen=1000) == 500
    assert rules.coupon_discount(items_fen=300, amount_off_fen=500, min_spend_fen=0) == 300
    with pytest.raises(Conflict):
        rules.check_claim_window(
            starts_at=T0, ends_at=T0 + timedelta(minutes=1), now=T0 + timedelta(minutes=1)
        )


def test_session_moves() -> None:
    rules.check_session_move("scheduled", "live")
    rules.check_session_move("ended", "replay")
    with pytest.raises(Conflict):
        rules.check_session_move("live", "scheduled")


def test_dashboard_definitions() -> None:
    assert rules.conversion(5, 0) == 0.0
    assert rules.conversion(5, 200) == 0.025
    assert rules.stream_offset(T0, T0 + timedelta(seconds=75)) == 75
    assert rules.format_offset(75) == "01:15" and rules.format_offset(3725) == "1:02:05"
    assert rules.format_offset(None) == "--:--"
