"""A buyer in a live room at 360 px: sees the pinned product and the open flash deal over the
WebSocket, comments (script shown as text), grabs the deal, and goes on to pay it."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from shanhuo.kit.db import make_engine
from shanhuo.kit.timeutil import utcnow
from shanhuo.live import rooms
from tests.e2e.conftest import LiveServer
from tests.e2e.test_sell_and_buy import sign_in
from tests.helpers.live import create_live_room, open_deal

BUYER = "13812340088"


def test_buyer_grabs_a_flash_deal_and_comments(live_server: LiveServer, phone: Page) -> None:
    engine = make_engine(live_server.settings.sqlalchemy_url)
    with Session(engine) as session:
        setup = create_live_room(session, stock=20, price_fen=3990)
        rooms.set_pins(session, setup.room, [setup.item.id], now=utcnow())
        deal = open_deal(session, setup, pool=3, limit=1, price_fen=1990, duration=600)
        room_id, deal_price = setup.room.id, deal.price_fen
        setup_title = setup.shop.product.title
        session.commit()
    engine.dispose()
    assert deal_price == 1990

    base = live_server.url
    phone.goto(f"{base}/signin?next=/live/{room_id}")
    sign_in(phone, live_server, BUYER)
    expect(phone).to_have_url(f"{base}/live/{room_id}")

    expect(phone.locator("#live-pinned")).to_contain_text(setup_title)

    # The deal arrives in the WebSocket snapshot with its price and what is left.
    deal_card = phone.locator(".live-deal").first
    expect(deal_card).to_contain_text("¥19.90")
    expect(deal_card.locator("[data-f=remaining]")).to_have_text("3")

    # A comment goes out over the socket and comes back escaped.
    phone.fill("#live-comment-form input[name=text]", "<b>甜吗</b>")
    phone.locator("#live-comment-form button", has_text="发送").click()
    expect(phone.locator("#live-comments")).to_contain_text("<b>甜吗</b>")

    # Grab the deal: the order is acknowledged and the buyer is offered to pay ¥19.90.
    phone.fill("#live-address input[name=recipient_name]", "周晓")
    phone.fill("#live-address input[name=recipient_mobile]", BUYER)
    phone.fill("#live-address input[name=region_code]", "610431")
    phone.fill("#live-address input[name=address]", "幸福路 1 号")
    deal_card.locator("[data-f=buy]").click()
    pay = deal_card.get_by_role("button", name=re.compile("去付款"))
    expect(pay).to_contain_text("¥19.90")
    pay.click()
    expect(phone).to_have_url(re.compile(r"/pay/sandbox/"))
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
