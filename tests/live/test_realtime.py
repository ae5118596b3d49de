"""The room WebSocket: snapshot on (re)connect, validation with stable error codes (the
socket stays open), anchor-only messages, broadcasts to other viewers, the ticker, and the
Redis hub carrying events between two workers."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from shanhuo.live import realtime
from shanhuo.live.hub import Connection, RedisHub
from tests.helpers.accounts import auth_headers, create_user
from tests.helpers.live import buy, create_live_room, open_deal


def next_of(ws: Any, kind: str, limit: int = 20) -> dict[str, Any]:
    for _ in range(limit):
        message = ws.receive_json()
        if message["type"] == kind:
            return message
    raise AssertionError(f"no {kind} message")


def test_a_viewer_gets_a_snapshot_of_the_current_state(client: TestClient, db: Session) -> None:
    setup = create_live_room(db, stock=20)
    deal = open_deal(db, setup, pool=4)
    db.commit()
    with client.websocket_connect(f"/ws/live/{setup.room.id}") as ws:
        snap = ws.receive_json()
    assert snap["type"] == "snapshot"
    assert snap["session"]["id"] == setup.live.id
    assert [(d["id"], d["remaining"], d["phase"]) for d in snap["deals"]] == [(deal.id, 4, "open")]
    assert snap["you"] == {"user_id": None, "is_anchor": False, "muted": False}


def test_bad_messages_get_error_codes_and_the_socket_stays_open(
    client: TestClient, db: Session
) -> None:
    setup = create_live_room(db)
    viewer = create_user(db)
    with client.websocket_connect(
        f"/ws/live/{setup.room.id}", headers=auth_headers(db, viewer)
    ) as ws:
        next_of(ws, "snapshot")
        ws.send_text("{not json")
        assert next_of(ws, "error")["code"] == "invalid_json"
        ws.send_text(json.dumps({"type": "dance"}))
        assert next_of(ws, "error")["code"] == "invalid_message"
        ws.send_text(json.dumps({"type": "pin", "room_product_ids": [setup.item.id], "ref": "r1"}))
        refused = next_of(ws, "error")
        assert (refused["code"], refused["ref"]) == ("anchor_only", "r1")
        ws.send_text(json.dumps({"type": "comment", "text": "长" * 201}))
        assert next_of(ws, "error")["code"] == "comment_too_long"
        ws.send_text(json.dumps({"type": "ping", "ref": "p"}))
        assert next_of(ws, "pong")["ref"] == "p"


def test_an_anonymous_viewer_cannot_comment(client: TestClient, db: Session) -> None:
    setup = create_live_room(db)
    db.commit()
    with client.websocket_connect(f"/ws/live/{setup.room.id}") as ws:
        next_of(ws, "snapshot")
        ws.send_text(json.dumps({"type": "comment", "text": "你好"}))
        assert next_of(ws, "error")["code"] == "not_signed_in"


def test_an_unknown_room_is_answered_not_closed_silently(client: TestClient) -> None:
    with client.websocket_connect("/ws/live/999999") as ws:
        assert ws.receive_json()["code"] == "room_not_found"


def test_anchor_pins_and_viewers_see_it_and_comments_arrive_as_text(
    client: TestClient, db: Session
) -> None:
    setup = create_live_room(db)
    viewer = create_user(db, name="张三")
    anchor_headers = auth_headers(db, setup.anchor)
    viewer_headers = auth_headers(db, viewer)
    # One socket at a time while connecting: in tests every session shares one connection.
    with client.websocket_connect(f"/ws/live/{setup.room.id}", headers=viewer_headers) as watching:
        next_of(watching, "snapshot")
        anchor_socket = client.websocket_connect(
            f"/ws/live/{setup.room.id}", headers=anchor_headers
        )
        anchor = anchor_socket.__enter__()
        assert next_of(anchor, "snapshot")["you"]["is_anchor"] is True
        anchor.send_text(json.dumps({"type": "pin", "room_product_ids": [setup.item.id]}))
        pinned = next_of(watching, "pin")
        assert [p["id"] for p in pinned["pinned"]] == [setup.item.id]
        watching.send_text(json.dumps({"type": "comment", "text": "<b>甜吗</b>"}))
        seen = next_of(anchor, "comment")["comment"]
        assert (seen["author"], seen["text"]) == ("张*", "<b>甜吗</b>")
        anchor.send_text(json.dumps({"type": "mute", "user_id": viewer.id}))
        assert next_of(watching, "muted")["user_id"] == viewer.id
        watching.send_text(json.dumps({"type": "comment", "text": "还能说吗"}))
        assert next_of(watching, "error")["code"] == "user_muted"
        anchor_socket.__exit__(None, None, None)
    # Reconnecting gets the state as it is now.
    with client.websocket_connect(f"/ws/live/{setup.room.id}", headers=viewer_headers) as again:
        snap = next_of(again, "snapshot")
        assert [p["id"] for p in snap["pinned"]] == [setup.item.id]
        assert snap["you"]["muted"] is True and snap["comments"] == []


def test_the_anchor_opens_a_deal_over_the_socket(client: TestClient, db: Session) -> None:
    setup = create_live_room(db, stock=10)
    with client.websocket_connect(
        f"/ws/live/{setup.room.id}", headers=auth_headers(db, setup.anchor)
    ) as ws:
        next_of(ws, "snapshot")
        ws.send_text(
            json.dumps(
                {
                    "type": "open_deal",
                    "room_product_id": setup.item.id,
                    "price_fen": 500,
                    "pool": 20,
                    "countdown_seconds": 10,
                    "duration_seconds": 60,
                }
            )
        )
        assert next_of(ws, "error")["code"] == "deal_pool_exceeds_stock"
        ws.send_text(
            json.dumps(
                {
                    "type": "open_deal",
                    "room_product_id": setup.item.id,
                    "price_fen": 500,
                    "pool": 5,
                    "countdown_seconds": 10,
                    "duration_seconds": 60,
                }
            )
        )
        deal = next_of(ws, "deal")["deal"]
        assert (deal["pool"], deal["phase"]) == (5, "countdown")


def test_the_ticker_aggregates_orders_of_one_interval(
    app: FastAPI, client: TestClient, db: Session
) -> None:
    setup = create_live_room(db, stock=20)
    deal = open_deal(db, setup, pool=10, limit=1)
    db.commit()
    portal_tick = client.portal.call  # type: ignore[attr-defined]  # in the app's event loop
    portal_tick(realtime.tick, app)  # first tick remembers where the ticker starts
    buy(db, deal, [create_user(db, name="张三"), create_user(db, name="李四"), create_user(db)])
    db.commit()
    sent = portal_tick(realtime.tick, app)
    tickers = [m for _, m in sent if m["type"] == "ticker"]
    assert len(tickers) == 1
    assert tickers[0]["lines"][0]["text_zh"] == "张* 等 3 人已下单 1 号商品"
    stock = [m for _, m in sent if m["type"] == "stock"]
    assert stock == [{"type": "stock", "deal_id": deal.id, "remaining": 7, "ts": stock[0]["ts"]}]
    assert [m for _, m in portal_tick(realtime.tick, app) if m["type"] == "ticker"] == []


def _redis_available() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url("redis://127.0.0.1:6379/1").ping())
    except Exception:
        return False


@pytest.mark.skipif(not _redis_available(), reason="Redis is not running on 127.0.0.1:6379")
def test_redis_hub_carries_events_between_workers() -> None:
    async def scenario() -> list[str]:
        prefix = f"test:{uuid.uuid4().hex[:8]}:"
        worker_a = RedisHub("redis://127.0.0.1:6379/1", prefix)
        worker_b = RedisHub("redis://127.0.0.1:6379/1", prefix)
        await worker_a.start()
        await worker_b.start()
        try:
            viewer = Connection(user_id=None, is_anchor=False)
            worker_b.attach(7, viewer)
            await worker_b.heartbeat()
            await asyncio.sleep(0.1)
            worker_a.publish(7, {"type": "pin", "pinned": []})
            got = await asyncio.wait_for(viewer.queue.get(), timeout=5)
            count = await worker_a.viewers(7)
            lease = [await worker_a.lease("tick", 5), await worker_b.lease("tick", 5)]
            return [json.loads(got)["type"], str(count), str(lease)]
        finally:
            await worker_a.stop()
            await worker_b.stop()

    assert asyncio.run(scenario()) == ["pin", "1", "[True, False]"]
