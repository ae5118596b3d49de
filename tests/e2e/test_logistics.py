"""Rural logistics through a real browser at phone size: the hub operator builds and
publishes the day's routes, the driver departs and scans at the village point (a pickup code
goes out by SMS), the station keeper hands the parcel over by code, and the public tracking
page shows it delivered — with personal data masked all along."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from shanhuo.kit.db import make_engine
from shanhuo.models import Route
from tests.e2e.conftest import LiveServer
from tests.helpers.logistics import build_county, inbound

RECIPIENT = "13812345678"


def sign_in(page: Page, server: LiveServer, mobile: str) -> None:
    expect(page).to_have_url(re.compile(r"/signin"))
    page.fill("input[name=mobile]", mobile)
    page.get_by_role("button", name="获取验证码").click()
    code = server.app.state.sms.latest_code(mobile)
    assert code is not None
    page.fill("input[name=code]", code)
    page.get_by_role("button", name="登录").click()


def test_hub_builds_routes_driver_scans_keeper_hands_over(
    live_server: LiveServer, phone: Page, browser: object
) -> None:
    engine = make_engine(live_server.settings.sqlalchemy_url)
    with Session(engine) as session:
        county = build_county(session, townships=1, villages_per_township=2, vehicles=1)
        parcel = inbound(session, county, county.villages[0], number="E2E00001", mobile=RECIPIENT)
        session.commit()
        ids = {
            "operator": county.operator.mobile,
            "driver": county.driver.mobile,
            "keeper": county.keeper.mobile,
            "village": county.villages[0].id,
            "number": parcel.tracking_number,
            "county": county.code,
        }
    base = live_server.url

    # Hub operator: today's parcels by village, build, publish.
    phone.goto(f"{base}/hub/{ids['county']}")
    sign_in(phone, live_server, str(ids["operator"]))
    expect(phone).to_have_url(f"{base}/hub/{ids['county']}")
    expect(phone.get_by_role("heading", name="今日包裹（按站点）")).to_be_visible()
    phone.get_by_role("button", name="生成线路").click()
    phone.get_by_role("button", name="发布给司机").click()
    expect(phone.get_by_text("已发布").first).to_be_visible()
    with Session(engine) as session:
        route_id = session.scalars(select(Route.id).order_by(Route.id.desc())).first()
    phone.context.clear_cookies()

    # Driver: the route sheet, depart, scan at the village point.
    phone.goto(f"{base}/driver/routes/{route_id}")
    sign_in(phone, live_server, str(ids["driver"]))
    expect(phone.get_by_text("138****5678").first).to_be_visible()
    assert RECIPIENT not in phone.content()
    phone.get_by_role("button", name="出发（派件出库）").click()
    phone.get_by_role("button", name="到站扫描").first.click()
    code = live_server.app.state.sms.latest_code(RECIPIENT)
    assert code is not None and len(code) == 6
    phone.context.clear_cookies()

    # Station keeper: pickup by code.
    phone.goto(f"{base}/station/{ids['village']}")
    sign_in(phone, live_server, str(ids["keeper"]))
    phone.fill("input[name=number]", str(ids["number"]))
    phone.fill("input[name=code]", code)
    phone.get_by_role("button", name="确认取件").click()
    expect(phone.get_by_role("status")).to_contain_text(str(ids["number"]))

    # Anyone: the public tracking page.
    phone.goto(f"{base}/track/{ids['number']}")
    expect(phone.get_by_text("已签收").first).to_be_visible()
    expect(phone.get_by_text("凭取件码取走")).to_be_visible()
    assert RECIPIENT not in phone.content()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
    engine.dispose()
