"""Pure live-room rules: session states, deal parameters and phases, how a burst of deal
requests is allocated against a pool and per-buyer limits, pins, stock flags, comment
moderation, the aggregated order ticker, coupons and the dashboard's definitions. No I/O."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from shanhuo.kit.errors import Conflict, Invalid

# The discount rule lives with orders (the marketplace checkout applies coupons too, and orders
# may not import live); re-exported here for the deal placement.
from shanhuo.orders.rules import coupon_discount as coupon_discount

MAX_ROOM_PRODUCTS = 500
MAX_PINNED = 3
COUNTDOWN_RANGE = (10, 300)  # seconds before a deal opens
DURATION_RANGE = (60, 20 * 60)  # seconds a deal stays open (1–20 min)
MAX_PER_BUYER = 99
COMMENT_MAX = 200
LOW_STOCK_UNITS = 10
DEFAULT_BLOCKED_WORDS = ("加微信", "私聊", "刷单", "代购返现", "赌博")
"""Words no room accepts (contact-diversion and fraud bait); each room may add its own."""


class SessionStatus(StrEnum):
    SCHEDULED = "scheduled"
    LIVE = "live"
    ENDED = "ended"
    REPLAY = "replay"


SESSION_NEXT: dict[str, tuple[str, ...]] = {
    SessionStatus.SCHEDULED: (SessionStatus.LIVE, SessionStatus.ENDED),
    SessionStatus.LIVE: (SessionStatus.ENDED,),
    SessionStatus.ENDED: (SessionStatus.REPLAY,),
    SessionStatus.REPLAY: (),
}


def check_session_move(current: str, target: str) -> None:
    if target not in SESSION_NEXT.get(current, ()):
        raise Conflict(
            "session_transition_not_allowed",
            f"直播场次当前为 {current}，不能变为 {target}",
            f"A session that is {current} cannot become {target}",
            current=current,
            target=target,
        )


# Deals ----------------------------------------------------------------------------------------


class DealPhase(StrEnum):
    COUNTDOWN = "countdown"
    OPEN = "open"
    ENDED = "ended"


def check_deal_params(
    *, countdown_seconds: int, duration_seconds: int, pool: int, per_buyer_limit: int
) -> None:
    lo, hi = COUNTDOWN_RANGE
    if not lo <= countdown_seconds <= hi:
        raise Invalid(
            "deal_countdown_out_of_range",
            f"倒计时须在 {lo}–{hi} 秒之间",
            f"The countdown must be {lo}–{hi} seconds",
        )
    lo, hi = DURATION_RANGE
    if not lo <= duration_seconds <= hi:
        raise Invalid(
            "deal_duration_out_of_range",
            f"秒杀时长须在 {lo // 60}–{hi // 60} 分钟之间",
            f"A deal lasts {lo // 60}–{hi // 60} minutes",
        )
    if pool < 1:
        raise Invalid("deal_pool_invalid", "秒杀库存至少 1 件", "A deal needs at least one unit")
    if not 1 <= per_buyer_limit <= MAX_PER_BUYER:
        raise Invalid(
            "deal_limit_invalid",
            f"每人限购须在 1–{MAX_PER_BUYER} 件之间",
            f"The per-buyer limit must be 1–{MAX_PER_BUYER}",
        )


def deal_phase(*, status: str, opens_at: datetime, ends_at: datetime, now: datetime) -> DealPhase:
    if status == "ended" or now >= ends_at:
        return DealPhase.ENDED
    if now < opens_at:
        return DealPhase.COUNTDOWN
    return DealPhase.OPEN


def deal_not_open(phase: DealPhase) -> Conflict:
    if phase is DealPhase.COUNTDOWN:
        return Conflict("deal_not_open_yet", "秒杀还没开始", "The deal has not opened yet")
    return Conflict("deal_ended", "秒杀已结束", "The deal has ended")


@dataclass(frozen=True)
class DealRequest:
    """One buyer's request in a batch, in arrival order."""

    buyer_id: int
    quantity: int


class Refusal(StrEnum):
    SOLD_OUT = "deal_sold_out"
    LIMIT = "deal_limit_exceeded"


def allocate(
    requests: Sequence[DealRequest],
    *,
    remaining: int,
    held: dict[int, int],
    limit: int,
) -> list[Refusal | None]:
    """Serve ``requests`` first come first served against ``remaining`` units and the
    per-buyer ``limit`` (``held`` = units each buyer already has in this deal). Returns, per
    request, None when granted or why it was refused. A request is granted whole or not at
    all (no partial fills: the buyer asked for 2, not "up to 2")."""
    left = remaining
    taken = dict(held)
    outcome: list[Refusal | None] = []
    for request in requests:
        have = taken.get(request.buyer_id, 0)
        if have + request.quantity > limit:
            outcome.append(Refusal.LIMIT)
        elif request.quantity > left:
            outcome.append(Refusal.SOLD_OUT)
        else:
            left -= request.quantity
            taken[request.buyer_id] = have + request.quantity
            outcome.append(None)
    return outcome


# Products and pins ----------------------------------------------------------------------------


def stock_flags(available: int) -> tuple[bool, bool]:
    """(sold_out, low_stock) from units a buyer could still get."""
    return available <= 0, 0 < available <= LOW_STOCK_UNITS


def check_pins(wanted: Sequence[int], in_room: Iterable[int]) -> list[int]:
    """The anchor pins 1 to 3 of the room's products (order kept, duplicates dropped)."""
    unique = list(dict.fromkeys(wanted))
    if not 1 <= len(unique) <= MAX_PINNED:
        raise Invalid(
            "pin_count_invalid",
            f"一次讲解 1–{MAX_PINNED} 个商品",
            f"Pin 1 to {MAX_PINNED} products at a time",
        )
    known = set(in_room)
    missing = [i for i in unique if i not in known]
    if missing:
        raise Invalid(
            "product_not_in_room",
            "该商品不在本直播间的商品列表中",
            "That product is not on this room's list",
            room_product_ids=missing,
        )
    return unique


# Comments -------------------------------------------------------------------------------------


def blocked_words(room_words: str) -> list[str]:
    extra = [w.strip() for w in room_words.splitlines() if w.strip()]
    return list(dict.fromkeys([*DEFAULT_BLOCKED_WORDS, *extra]))


def check_comment(text: str, *, words: Iterable[str], muted: bool) -> str:
    """The comment as stored (stripped), or a refusal. Markup is kept as typed: pages escape it."""
    body = text.strip()
    if muted:
        raise Conflict("user_muted", "你已被主播禁言", "You have been muted in this room")
    if not body:
        raise Invalid("comment_empty", "评论不能为空", "The comment is empty")
    if len(body) > COMMENT_MAX:
        raise Invalid(
            "comment_too_long",
            f"评论最多 {COMMENT_MAX} 个字",
            f"A comment has at most {COMMENT_MAX} characters",
        )
    if any(ord(ch) < 32 for ch in body):
        raise Invalid("comment_invalid", "评论含有控制字符", "The comment has control characters")
    lowered = body.lower()
    if any(word.lower() in lowered for word in words):
        raise Invalid("comment_blocked", "评论包含不允许的词语", "The comment has a blocked word")
    return body


# Ticker ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TickerLine:
    position: int
    first_buyer: str  # masked (张*)
    buyers: int
    units: int

    def text_zh(self) -> str:
        if self.buyers <= 1:
            return f"{self.first_buyer} 已下单 {self.position} 号商品"
        return f"{self.first_buyer} 等 {self.buyers} 人已下单 {self.position} 号商品"

    def text_en(self) -> str:
        if self.buyers <= 1:
            return f"{self.first_buyer} ordered item #{self.position}"
        return f"{self.first_buyer} and {self.buyers - 1} others ordered item #{self.position}"


def ticker_lines(groups: Iterable[tuple[int, str, int, int]]) -> list[TickerLine]:
    """One line per product from the interval's (position, first buyer's masked name, distinct
    buyers, units), counted by the database; the products most buyers ordered come first."""
    lines = [TickerLine(p, name, buyers, units) for p, name, buyers, units in groups]
    return sorted(lines, key=lambda line: (-line.buyers, line.position))


def due(last_sent: float | None, now: float, interval: float) -> bool:
    """The ticker goes out at most once per ``interval`` seconds."""
    return last_sent is None or now - last_sent >= interval


# Coupons --------------------------------------------------------------------------------------


def check_claim_window(*, starts_at: datetime, ends_at: datetime, now: datetime) -> None:
    if now < starts_at:
        raise Conflict("coupon_not_open", "优惠券还不能领取", "The coupon cannot be claimed yet")
    if now >= ends_at:
        raise Conflict("coupon_claim_closed", "优惠券领取已结束", "The claim window has closed")


# Dashboard ------------------------------------------------------------------------------------

GMV_LABELS = {
    "ordered": ("下单金额（含未付款、已取消）", "Ordered GMV (all orders placed, any status)"),
    "paid": ("支付金额", "Paid GMV (orders that were paid)"),
    "net": ("支付金额减退款", "Paid GMV minus refunds"),
}


def conversion(buyers: int, peak_viewers: int) -> float:
    """Ordering buyers per peak concurrent viewer (0 when nobody watched)."""
    return 0.0 if peak_viewers <= 0 else round(buyers / peak_viewers, 4)


def stream_offset(started_at: datetime | None, at: datetime) -> int | None:
    """Seconds into the stream (None before it started)."""
    if started_at is None:
        return None
    return max(0, int((at - started_at).total_seconds()))


def format_offset(seconds: int | None) -> str:
    if seconds is None:
        return "--:--"
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"
