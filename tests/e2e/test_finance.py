"""Merchant credit in a real browser at 360 px: a seller with a trading record signs in,
applies, sees the decision with reasons and the APR, accepts, reads the loan statement and
repays in full."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from shanhuo.kit.db import make_engine
from tests.e2e.conftest import LiveServer
from tests.e2e.test_sell_and_buy import sign_in
from tests.helpers.accounts import create_user
from tests.helpers.finance import good_store, install_model

SELLER = "13912340077"


def _fits_phone(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"page is {width}px wide"


def test_seller_applies_accepts_and_repays(live_server: LiveServer, phone: Page) -> None:
    engine = make_engine(live_server.settings.sqlalchemy_url)
    with Session(engine) as session:
        install_model(session, version="e2e1")
        owner = create_user(session, mobile=SELLER, roles=("buyer", "seller"))
        store_name = good_store(session, owner=owner).name
        session.commit()
    engine.dispose()

    base = live_server.url
    phone.goto(f"{base}/seller/credit")
    sign_in(phone, live_server, SELLER)
    expect(phone).to_have_url(f"{base}/seller/credit")
    expect(phone.get_by_text(store_name)).to_be_visible()
    _fits_phone(phone)

    phone.fill("input[name=amount_yuan]", "5000")
    phone.fill("input[name=term_days]", "60")
    phone.get_by_role("button", name=re.compile("提交申请")).click()
    expect(phone.get_by_text("已批准").first).to_be_visible()
    expect(phone.get_by_text(re.compile(r"年化利率（单利） \d+\.\d\d%"))).to_be_visible()
    expect(phone.locator(".reasons li").first).to_be_visible()
    _fits_phone(phone)

    phone.get_by_role("button", name=re.compile("接受并放款")).click()
    expect(phone.locator("h1")).to_contain_text("贷款对账单")
    expect(phone.get_by_text("还款计划")).to_be_visible()
    expect(phone.get_by_text("¥5,000.00").first).to_be_visible()
    _fits_phone(phone)

    phone.get_by_role("button", name=re.compile("提前结清")).click()
    expect(phone.get_by_text("已还清")).to_be_visible()
