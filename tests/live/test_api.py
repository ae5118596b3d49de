"""The live JSON API: who may do what (anonymous 401, another anchor 403, the anchor 2xx),
bad input answered with a 4xx that changes nothing, and deal orders through the batch writer."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shanhuo.kit.timeutil import utcnow
from shanhuo.models import (
    LiveComment,
    LiveCoupon,
    LiveCouponClaim,
    LiveDeal,
    LiveRoomProduct,
    Order,
)
from tests.helpers.accounts import auth_headers, create_user
from tests.helpers.live import create_live_room, deal_counts, open_deal, order_json
from tests.helpers.orders import create_shop, sku_stock


def deal_body(item_id: int, **extra: object) -> dict[str, object]:
    return {
        "room_product_id": item_id,
        "price_fen": 990,
        "pool": 3,
        "per_buyer_limit": 1,
        "countdown_seconds": 10,
        "duration_seconds": 120,
        **extra,
    }


def test_open_deal_authorization_matrix(client: TestClient, db: Session) -> None:
    setup = create_live_room(db, stock=10)
    other = create_live_room(db, stock=10).anchor
    path = f"/api/live/rooms/{setup.room.id}/deals"
    assert client.post(path, json=deal_body(setup.item.id)).status_code == 401
    denied = client.post(path, json=deal_body(setup.item.id), headers=auth_headers(db, other))
    assert (denied.status_code, denied.json()["code"]) == (403, "not_room_anchor")
    assert db.scalar(select(func.count()).select_from(LiveDeal)) == 0
    ok = client.post(path, json=deal_body(setup.item.id), headers=auth_headers(db, setup.anchor))
    assert ok.status_code == 201, ok.text
    assert ok.json()["phase"] == "countdown" and ok.json()["remaining"] == 3
    assert sku_stock(db, setup.sku.id) == (7, 0)


def test_a_deal_larger_than_stock_or_out_of_range_is_a_4xx(client: TestClient, db: Session) -> None:
    setup = create_live_room(db, stock=2)
    headers = auth_headers(db, setup.anchor)
    path = f"/api/live/rooms/{setup.room.id}/deals"
    too_big = client.post(path, json=deal_body(setup.item.id, pool=3), headers=headers)
    assert (too_big.status_code, too_big.json()["code"]) == (409, "deal_pool_exceeds_stock")
    short = client.post(path, json=deal_body(setup.item.id, countdown_seconds=5), headers=headers)
    assert (short.status_code, short.json()["code"]) == (422, "deal_countdown_out_of_range")
    long = client.post(path, json=deal_body(setup.item.id, duration_seconds=1500), headers=headers)
    assert (long.status_code, long.json()["code"]) == (422, "deal_duration_out_of_range")
    assert sku_stock(db, setup.sku.id) == (2, 0)
    assert db.scalar(select(func.count()).select_from(LiveDeal)) == 0


def test_pinning_a_product_not_in_the_room_is_refused(client: TestClient, db: Session) -> None:
    setup = create_live_room(db)
    other = create_live_room(db)
    headers = auth_headers(db, setup.anchor)
    bad = client.put(
        f"/api/live/rooms/{setup.room.id}/pins",
        json={"room_product_ids": [other.item.id]},
        headers=headers,
    )
    assert (bad.status_code, bad.json()["code"]) == (422, "product_not_in_room")
    too_many = client.put(
        f"/api/live/rooms/{setup.room.id}/pins", json={"room_product_ids": []}, headers=headers
    )
    assert (too_many.status_code, too_many.json()["code"]) == (422, "pin_count_invalid")
    assert db.scalar(select(func.count()).where(LiveRoomProduct.pinned_at.is_not(None))) == 0
    ok = client.put(
        f"/api/live/rooms/{setup.room.id}/pins",
        json={"room_product_ids": [setup.item.id]},
        headers=headers,
    )
    assert ok.status_code == 200 and [p["id"] for p in ok.json()] == [setup.item.id]


def test_adding_a_product_of_an_unlinked_store_is_forbidden(
    client: TestClient, db: Session
) -> None:
    setup = create_live_room(db)
    stranger_shop = create_shop(db)
    r = client.post(
        f"/api/live/rooms/{setup.room.id}/products",
        json={"sku_id": stranger_shop.skus[0].id},
        headers=auth_headers(db, setup.anchor),
    )
    assert (r.status_code, r.json()["code"]) == (403, "store_not_linked")
    assert db.scalar(select(func.count()).select_from(LiveRoomProduct)) == 1


def test_deal_order_over_http_is_idempotent(client: TestClient, db: Session) -> None:
    setup = create_live_room(db, stock=10)
    deal = open_deal(db, setup, pool=3, limit=2)
    db.commit()
    buyer = create_user(db)
    headers = {**auth_headers(db, buyer), "Idempotency-Key": "buy-1"}
    path = f"/api/live/deals/{deal.id}/orders"
    first = client.post(path, json=order_json(2), headers=headers)
    assert first.status_code == 201, first.text
    again = client.post(path, json=order_json(2), headers=headers)
    assert again.status_code == 200 and again.json()["order_id"] == first.json()["order_id"]
    assert first.json()["total_fen"] == 1980 and first.json()["status"] == "pending_payment"
    assert deal_counts(db, deal.id) == (3, 2, 0)
    over = client.post(path, json=order_json(1), headers={**headers, "Idempotency-Key": "buy-2"})
    assert (over.status_code, over.json()["code"]) == (409, "deal_limit_exceeded")
    assert db.scalar(select(func.count()).select_from(Order)) == 1


def test_deal_order_bad_requests_change_nothing(client: TestClient, db: Session) -> None:
    setup = create_live_room(db, stock=10)
    deal = open_deal(db, setup, pool=3, opened_ago=-5)
    db.commit()
    buyer = create_user(db)
    path = f"/api/live/deals/{deal.id}/orders"
    anonymous = client.post(path, json=order_json(), headers={"Idempotency-Key": "a"})
    assert anonymous.status_code == 401
    headers = auth_headers(db, buyer)
    no_key = client.post(path, json=order_json(), headers=headers)
    assert (no_key.status_code, no_key.json()["code"]) == (400, "idempotency_key_required")
    early = client.post(path, json=order_json(), headers={**headers, "Idempotency-Key": "b"})
    assert (early.status_code, early.json()["code"]) == (409, "deal_not_open_yet")
    bad_body = client.post(
        path, json={**order_json(1), "quantity": 0}, headers={**headers, "Idempotency-Key": "c"}
    )
    assert bad_body.status_code == 422
    missing = client.post(
        "/api/live/deals/999999/orders",
        json=order_json(),
        headers={**headers, "Idempotency-Key": "d"},
    )
    assert (missing.status_code, missing.json()["code"]) == (404, "deal_not_found")
    assert deal_counts(db, deal.id) == (3, 0, 0)
    assert db.scalar(select(func.count()).select_from(Order)) == 0


def test_comments_are_moderated(client: TestClient, db: Session) -> None:
    setup = create_live_room(db)
    viewer = create_user(db)
    headers = auth_headers(db, viewer)
    path = f"/api/live/rooms/{setup.room.id}/comments"
    assert client.post(path, json={"text": "好吃吗"}).status_code == 401
    long = client.post(path, json={"text": "长" * 201}, headers=headers)
    assert (long.status_code, long.json()["code"]) == (422, "comment_too_long")
    blocked = client.post(path, json={"text": "加微信便宜"}, headers=headers)
    assert (blocked.status_code, blocked.json()["code"]) == (422, "comment_blocked")
    script = client.post(path, json={"text": "<script>alert(1)</script>"}, headers=headers)
    assert script.status_code == 201 and script.json()["text"] == "<script>alert(1)</script>"
    other = create_live_room(db).anchor
    denied = client.post(
        f"/api/live/rooms/{setup.room.id}/mutes",
        json={"user_id": viewer.id},
        headers=auth_headers(db, other),
    )
    assert denied.status_code == 403
    muted = client.post(
        f"/api/live/rooms/{setup.room.id}/mutes",
        json={"user_id": viewer.id},
        headers=auth_headers(db, setup.anchor),
    )
    assert muted.status_code == 201
    after = client.post(path, json={"text": "再说一句"}, headers=headers)
    assert (after.status_code, after.json()["code"]) == (409, "user_muted")
    assert db.scalar(select(func.count()).select_from(LiveComment)) == 1
    assert client.get(path).json() == []  # the muted user's comment is hidden too


def test_coupon_claim_is_idempotent_and_applies_to_a_deal_order(
    client: TestClient, db: Session
) -> None:
    setup = create_live_room(db, stock=10)
    deal = open_deal(db, setup, pool=3, limit=1, price_fen=2000)
    db.commit()
    anchor = auth_headers(db, setup.anchor)
    pushed = client.post(
        f"/api/live/rooms/{setup.room.id}/coupons",
        headers=anchor,
        json={
            "title": "直播间立减5元",
            "store_id": setup.shop.store.id,
            "amount_off_fen": 500,
            "min_spend_fen": 1000,
            "quantity": 10,
        },
    )
    assert pushed.status_code == 201, pushed.text
    buyer = create_user(db)
    headers = auth_headers(db, buyer)
    first = client.post(f"/api/live/coupons/{pushed.json()['id']}/claim", headers=headers)
    again = client.post(f"/api/live/coupons/{pushed.json()['id']}/claim", headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert db.scalar(select(LiveCoupon.claimed)) == 1
    order = client.post(
        f"/api/live/deals/{deal.id}/orders",
        json=order_json(1, coupon_claim_id=first.json()["id"]),
        headers={**headers, "Idempotency-Key": "c1"},
    )
    assert order.status_code == 201, order.text
    assert (order.json()["discount_fen"], order.json()["total_fen"]) == (500, 1500)
    assert db.scalar(select(LiveCouponClaim.order_id)) == order.json()["order_id"]
    reuse = client.post(
        f"/api/live/deals/{deal.id}/orders",
        json=order_json(1, coupon_claim_id=first.json()["id"]),
        headers={**auth_headers(db, create_user(db)), "Idempotency-Key": "c2"},
    )
    assert (reuse.status_code, reuse.json()["code"]) == (409, "coupon_not_usable")


def test_dashboard_is_for_the_anchor_and_counts_gmv_three_ways(
    client: TestClient, db: Session
) -> None:
    setup = create_live_room(db, stock=10)
    deal = open_deal(db, setup, pool=3, limit=1, price_fen=1000)
    db.commit()
    buyer = create_user(db)
    placed = client.post(
        f"/api/live/deals/{deal.id}/orders",
        json=order_json(1),
        headers={**auth_headers(db, buyer), "Idempotency-Key": "x"},
    )
    assert placed.status_code == 201
    path = f"/api/live/sessions/{setup.live.id}/dashboard"
    assert client.get(path).status_code == 401
    assert client.get(path, headers=auth_headers(db, create_user(db))).status_code == 404
    board = client.get(path, headers=auth_headers(db, setup.anchor)).json()
    assert board["gmv"]["ordered_fen"] == 1000 and board["gmv"]["paid_fen"] == 0
    assert board["products"][0]["orders"] == 1 and board["buyers"] == 1
    assert [e["kind"] for e in board["replay"]] == ["deal_open"]
    seller = client.get(path, headers=auth_headers(db, db.get(type(buyer), setup.shop.owner_id)))
    assert seller.status_code == 200


def test_session_lifecycle(client: TestClient, db: Session) -> None:
    setup = create_live_room(db, go_live=False)
    headers = auth_headers(db, setup.anchor)
    path = f"/api/live/sessions/{setup.live.id}"
    assert (
        client.patch(
            path, json={"status": "live"}, headers=auth_headers(db, create_user(db))
        ).status_code
        == 403
    )
    assert client.patch(path, json={"status": "live"}, headers=headers).json()["status"] == "live"
    bad = client.patch(path, json={"status": "replay"}, headers=headers)
    assert (bad.status_code, bad.json()["code"]) == (409, "session_transition_not_allowed")
    assert client.patch(path, json={"status": "ended"}, headers=headers).json()["status"] == "ended"
    start = utcnow() + timedelta(days=1)
    created = client.post(
        f"/api/live/rooms/{setup.room.id}/sessions",
        headers=headers,
        json={"title": "明晚", "scheduled_at": start.isoformat(), "hls_url": "javascript:alert(1)"},
    )
    assert created.status_code == 422


def test_a_coupon_worth_more_than_the_deal_price_leaves_one_fen_to_pay(
    client: TestClient, db: Session
) -> None:
    """A 0 order could never be refunded (a refund must be > 0): the marketplace's rule."""
    setup = create_live_room(db, stock=10)
    deal = open_deal(db, setup, pool=3, limit=1, price_fen=990)
    db.commit()
    pushed = client.post(
        f"/api/live/rooms/{setup.room.id}/coupons",
        headers=auth_headers(db, setup.anchor),
        json={
            "title": "直播间立减20元",
            "store_id": setup.shop.store.id,
            "amount_off_fen": 2000,
            "min_spend_fen": 0,
            "quantity": 10,
        },
    )
    assert pushed.status_code == 201, pushed.text
    headers = auth_headers(db, create_user(db))
    claim = client.post(f"/api/live/coupons/{pushed.json()['id']}/claim", headers=headers)
    order = client.post(
        f"/api/live/deals/{deal.id}/orders",
        json=order_json(1, coupon_claim_id=claim.json()["id"]),
        headers={**headers, "Idempotency-Key": "big-coupon"},
    )
    assert order.status_code == 201, order.text
    assert (order.json()["discount_fen"], order.json()["total_fen"]) == (989, 1)
