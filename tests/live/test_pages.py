"""Live pages: context and render smoke tests (Chinese first; user text escaped), the anchor's
forms, the demo seed, and the quick benchmark so it cannot rot."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shanhuo.config import Settings
from shanhuo.demo.live import seed_live
from shanhuo.demo.seed import seed_demo
from shanhuo.kit.timeutil import utcnow
from shanhuo.live import comments, pages
from shanhuo.models import LiveDeal, LiveRoomProduct, User
from tests.helpers.accounts import auth_headers, create_user
from tests.helpers.live import create_live_room, open_deal


def test_room_page_renders_escaped_comments_and_the_player(client: TestClient, db: Session) -> None:
    setup = create_live_room(db)
    setup.live.hls_url = "/media/live/demo/index.m3u8"
    open_deal(db, setup, pool=3)
    viewer = create_user(db)
    comments.post(
        db, room_id=setup.room.id, user=viewer, text="<script>alert(1)</script>", now=utcnow()
    )
    db.commit()
    html = client.get(f"/live/{setup.room.id}", headers={"accept": "text/html"}).text
    assert "武功猕猴桃直播间" in html and "限时秒杀" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    assert "/vendor/hls.js/hls.light.min.js" in html
    assert client.get("/vendor/hls.js/hls.light.min.js").status_code == 200


def test_room_context_lists_pinned_deals_and_flags(db: Session) -> None:
    setup = create_live_room(db, stock=8)
    open_deal(db, setup, pool=3)
    ctx = pages.room_context(db, setup.room.id, user_id=None, now=utcnow())
    assert [d.remaining for d in ctx["deals"]] == [3]
    assert [(p.available, p.low_stock) for p in ctx["products"]] == [(5, True)]


def test_list_and_console_and_dashboard_pages(client: TestClient, db: Session) -> None:
    setup = create_live_room(db)
    headers = {**auth_headers(db, setup.anchor), "accept": "text/html"}
    assert "正在直播" in client.get("/live").text
    console = client.get(f"/anchor/rooms/{setup.room.id}", headers=headers)
    assert console.status_code == 200 and "发起秒杀" in console.text
    other = client.get(
        f"/anchor/rooms/{setup.room.id}",
        headers={**auth_headers(db, create_user(db)), "accept": "text/html"},
    )
    assert other.status_code == 403
    board = client.get(f"/anchor/sessions/{setup.live.id}/dashboard", headers=headers)
    assert board.status_code == 200 and "支付金额减退款" in board.text


def test_console_forms_pin_and_open_a_deal(client: TestClient, db: Session) -> None:
    setup = create_live_room(db, stock=10)
    headers = auth_headers(db, setup.anchor)
    pinned = client.post(
        f"/anchor/rooms/{setup.room.id}/pins",
        data={"room_product_id": setup.item.id},
        headers=headers,
        follow_redirects=False,
    )
    assert pinned.status_code == 303
    assert db.scalar(select(func.count()).where(LiveRoomProduct.pinned_at.is_not(None))) == 1
    deal = client.post(
        f"/anchor/rooms/{setup.room.id}/deals",
        headers=headers,
        follow_redirects=False,
        data={
            "room_product_id": setup.item.id,
            "price_yuan": "9.90",
            "pool": 4,
            "per_buyer_limit": 1,
            "countdown_seconds": 10,
            "duration_minutes": 5,
        },
    )
    assert deal.status_code == 303
    assert db.scalar(select(LiveDeal.price_fen)) == 990


def test_demo_seed_makes_a_live_room(db: Session, settings: Settings) -> None:
    seed_demo(db, settings)
    summary = seed_live(db, settings, now=utcnow(), rng=random.Random(1))
    assert summary.startswith("live: room /live/")
    assert db.scalar(select(func.count()).select_from(LiveDeal)) == 2
    assert seed_live(db, settings, now=utcnow(), rng=random.Random(1)) == "live: already seeded"
    anchor = db.scalars(select(User).where(User.mobile == "13900001000")).one()
    assert anchor is not None


def test_bench_quick_mode_runs() -> None:
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-m", "bench.live", "--quick", "--requests", "120"],
        capture_output=True,
        text=True,
        cwd=root,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert "oversold 0, missing 0, duplicates 0" in out.stdout
