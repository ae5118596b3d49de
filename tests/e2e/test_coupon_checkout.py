"""A buyer at 360 px uses a live-room coupon at the ordinary checkout: the select shows the
claim, choosing it updates the shown total, and the sandbox bank asks for the discounted sum."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from shanhuo.kit.db import make_engine
from shanhuo.kit.timeutil import utcnow
from shanhuo.models import CartItem
from tests.e2e.conftest import LiveServer
from tests.e2e.test_sell_and_buy import sign_in
from tests.helpers.accounts import create_user
from tests.helpers.coupons import create_claim
from tests.helpers.orders import create_shop

BUYER = "13812340077"


def test_buyer_uses_a_live_coupon_at_checkout(live_server: LiveServer, phone: Page) -> None:
    engine = make_engine(live_server.settings.sqlalchemy_url)
    with Session(engine) as session:
        shop = create_shop(session, prices=(2500,), stock=10)
        buyer = create_user(session, mobile=BUYER)
        claim = create_claim(session, shop.store, buyer, amount_off_fen=500, min_spend_fen=5000)
        session.add(
            CartItem(user_id=buyer.id, sku_id=shop.skus[0].id, quantity=2, added_at=utcnow())
        )
        claim_id = claim.id
        session.commit()
    engine.dispose()

    base = live_server.url
    phone.goto(f"{base}/signin?next=/checkout")
    sign_in(phone, live_server, BUYER)
    expect(phone).to_have_url(f"{base}/checkout")
    total = phone.locator("[data-pay-total]")
    expect(total).to_have_text("¥50.00")
    phone.select_option("select[name=coupon_claim_id]", str(claim_id))
    expect(total).to_have_text("¥45.00")
    expect(phone.locator("[data-coupon-discount]")).to_have_text("-¥5.00")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    phone.fill("input[name=recipient_name]", "周晓")
    phone.fill("input[name=recipient_mobile]", BUYER)
    region = phone.locator("input[name=region_code]")
    if region.get_attribute("type") == "hidden":  # the picker took over
        phone.select_option("select[data-region-level=province]", label="北京市")
        phone.select_option("select[data-region-level=county]", label="朝阳区")
    else:
        region.fill("110105")
    phone.fill("input[name=address]", "建国路88号")
    phone.get_by_role("button", name="提交订单并付款").click()
    expect(phone).to_have_url(re.compile(r"/pay/sandbox/"))
    expect(phone.get_by_text("¥45.00").first).to_be_visible()
