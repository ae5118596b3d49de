"""Order rules: every (from, to) pair of the state machine, who may make each move, the stock
effect of each move, the refund window, the cart cap and the request fingerprint."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta

import pytest

from shanhuo.kit.errors import BadRequest, Conflict, Forbidden
from shanhuo.orders import rules
from shanhuo.orders.rules import Actor, OrderStatus, StockEffect

S = OrderStatus
NOW = datetime(2025, 6, 18, 8, 0, tzinfo=UTC)

ALLOWED = {
    (S.PENDING_PAYMENT, S.PAID): ({Actor.SYSTEM}, StockEffect.SELL),
    (S.PENDING_PAYMENT, S.CANCELLED): ({Actor.BUYER, Actor.SYSTEM}, StockEffect.RELEASE),
    (S.PAID, S.SHIPPED): ({Actor.SELLER}, StockEffect.NONE),
    (S.PAID, S.REFUNDED): ({Actor.SELLER, Actor.ADMIN}, StockEffect.RESTOCK),
    (S.SHIPPED, S.DELIVERED): ({Actor.SELLER, Actor.SYSTEM}, StockEffect.NONE),
    (S.DELIVERED, S.COMPLETED): ({Actor.BUYER, Actor.SYSTEM}, StockEffect.NONE),
    (S.DELIVERED, S.REFUNDED): ({Actor.SELLER, Actor.ADMIN}, StockEffect.NONE),
}
PAIRS = list(itertools.product(list(S), list(S)))


@pytest.mark.parametrize(("source", "target"), PAIRS)
@pytest.mark.parametrize("actor", list(Actor))
def test_every_pair_and_actor(source: S, target: S, actor: Actor) -> None:
    delivered_at = NOW - timedelta(days=1)
    expected = ALLOWED.get((source, target))
    if expected is None:
        with pytest.raises(Conflict) as err:
            rules.plan_transition(source, target, {actor}, now=NOW, delivered_at=delivered_at)
        assert err.value.code == "order_transition_not_allowed"
        assert err.value.status == 409
    elif actor in expected[0]:
        plan = rules.plan_transition(source, target, {actor}, now=NOW, delivered_at=delivered_at)
        assert plan.stock is expected[1]
        assert plan.timestamp_field == f"{target.value}_at"
    else:
        with pytest.raises(Forbidden) as err:
            rules.plan_transition(source, target, {actor}, now=NOW, delivered_at=delivered_at)
        assert err.value.code == "order_actor_not_allowed"


def test_table_is_exactly_the_documented_one() -> None:
    assert {k: (set(v.actors), v.stock) for k, v in rules.TRANSITIONS.items()} == ALLOWED


def test_refund_of_delivered_order_inside_window() -> None:
    plan = rules.plan_transition(
        "delivered", "refunded", {Actor.SELLER}, now=NOW, delivered_at=NOW - timedelta(days=7)
    )
    assert plan.stock is StockEffect.NONE


def test_refund_of_delivered_order_after_window() -> None:
    with pytest.raises(Conflict) as err:
        rules.plan_transition(
            "delivered",
            "refunded",
            {Actor.SELLER},
            now=NOW,
            delivered_at=NOW - timedelta(days=7, seconds=1),
        )
    assert err.value.code == "refund_window_closed"


def test_any_of_several_capacities_is_enough() -> None:
    plan = rules.plan_transition("paid", "shipped", {Actor.BUYER, Actor.SELLER})
    assert plan.target is S.SHIPPED


def test_no_capacity_at_all_is_forbidden() -> None:
    with pytest.raises(Forbidden):
        rules.plan_transition("pending_payment", "cancelled", set())


@pytest.mark.parametrize(
    ("existing", "added", "expected"), [(1, 1, 2), (998, 1, 999), (500, 600, 999), (999, 999, 999)]
)
def test_adding_to_cart_adds_up_capped(existing: int, added: int, expected: int) -> None:
    assert rules.add_to_cart_quantity(existing, added) == expected


def test_merge_lines_adds_same_sku() -> None:
    assert rules.merge_lines([(3, 1), (1, 2), (3, 4)]) == {3: 5, 1: 2}


def test_fingerprint_ignores_key_order_and_spacing() -> None:
    a = {"b": 1, "a": [1, 2], "c": "王"}
    b = {"c": "王", "a": [1, 2], "b": 1}
    assert rules.request_fingerprint(a) == rules.request_fingerprint(b)
    assert len(rules.request_fingerprint(a)) == 64


def test_canonical_json_is_the_text_json_dumps_wrote() -> None:
    # Fingerprints stored by the earlier json.dumps spelling must still match a retry.
    body = {
        "recipient_name": '王"小明\\/',
        "address": "幸福路 1 号\n\t\x01\u2028😀",
        "lines": [{"sku_id": 3, "quantity": 2, "note": None, "gift": True}],
        "deal_id": -5,
    }
    assert rules.canonical_json(body) == json.dumps(
        body, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )


def test_fingerprint_changes_with_any_value() -> None:
    assert rules.request_fingerprint({"q": 1}) != rules.request_fingerprint({"q": 2})


def test_canonical_json_is_compact_sorted_utf8() -> None:
    assert rules.canonical_json({"b": 1, "a": "山"}) == '{"a":"山","b":1}'


def test_split_by_store_orders_stores_and_skus() -> None:
    lines = [
        rules.PricedLine(store_id=2, sku_id=9, unit_price_fen=100, quantity=1),
        rules.PricedLine(store_id=1, sku_id=5, unit_price_fen=250, quantity=2),
        rules.PricedLine(store_id=2, sku_id=3, unit_price_fen=10, quantity=3),
    ]
    grouped = rules.split_by_store(lines)
    assert list(grouped) == [1, 2]
    assert [line.sku_id for line in grouped[2]] == [3, 9]
    assert rules.order_total(grouped[2]) == (130, 130)
    assert rules.order_total(grouped[1], shipping_fen=800) == (500, 1300)


@pytest.mark.parametrize("key", [None, "", "   "])
def test_idempotency_key_required(key: str | None) -> None:
    with pytest.raises(BadRequest) as err:
        rules.check_idempotency_key(key)
    assert err.value.code == "idempotency_key_required"


def test_idempotency_key_max_80() -> None:
    assert rules.check_idempotency_key("k" * 80) == "k" * 80
    with pytest.raises(BadRequest) as err:
        rules.check_idempotency_key("k" * 81)
    assert err.value.code == "idempotency_key_invalid"
