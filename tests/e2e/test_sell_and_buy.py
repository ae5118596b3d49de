"""The whole foundation through a real browser at phone size: a new seller signs in, opens a
store and lists a product; a buyer finds it by searching in Chinese, pays in the sandbox and
sees the order paid; the seller sees it waiting to ship."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveServer

SELLER = "13912340001"
BUYER = "13812340002"


def sign_in(page: Page, server: LiveServer, mobile: str) -> None:
    """Fill the sign-in form the way a person would, reading the code the SMS adapter sent."""
    expect(page).to_have_url(re.compile(r"/signin"))
    page.fill("input[name=mobile]", mobile)
    page.get_by_role("button", name="获取验证码").click()
    code = server.app.state.sms.latest_code(mobile)
    assert code is not None and len(code) == 6
    page.fill("input[name=code]", code)
    page.get_by_role("button", name="登录").click()


def test_new_seller_lists_a_product_and_a_buyer_pays_for_it(
    live_server: LiveServer, phone: Page, browser: object
) -> None:
    base = live_server.url
    seller = phone

    # The seller opens a store: signing in is asked for first, then the form comes back.
    seller.goto(f"{base}/seller/stores/new")
    sign_in(seller, live_server, SELLER)
    expect(seller).to_have_url(f"{base}/seller/stores/new")
    seller.fill("input[name=name]", "眉县猕猴桃小院")
    seller.select_option("select[name=category_code]", "fruit")
    seller.select_option("select[data-region-level=province]", label="陕西省")
    seller.select_option("select[data-region-level=prefecture]", label="宝鸡市")
    seller.select_option("select[data-region-level=county]", label="眉县")
    expect(seller.locator("input[name=county_code]")).to_have_value("610326")
    seller.fill("input[name=contact_mobile]", SELLER)
    seller.fill("textarea[name=description]", "秦岭脚下的猕猴桃园 <b>直发</b>")
    seller.get_by_role("button", name="开店").click()
    expect(seller.get_by_text("眉县猕猴桃小院").first).to_be_visible()

    # ... and lists a product with one variant.
    store_id = int(re.search(r"/seller/stores/(\d+)", seller.url).group(1))  # type: ignore[union-attr]
    seller.goto(f"{base}/seller/stores/{store_id}/products/new")
    seller.fill("input[name=title]", "眉县红心猕猴桃 现摘")
    seller.select_option("select[name=category_code]", "fruit")
    # The origin county starts as the store's county (the picker holds it in a hidden input).
    expect(seller.locator("input[name=origin_county_code]")).to_have_value("610326")
    seller.check("input[name=perishable]")
    seller.fill("input[name=shelf_life_days]", "15")
    seller.fill("input[name=sku_name]", "3斤装")
    seller.fill("input[name=price_yuan]", "45.80")
    seller.fill("input[name=on_hand]", "3")
    seller.get_by_role("button", name="上架").click()
    expect(seller.get_by_text("眉县红心猕猴桃 现摘").first).to_be_visible()

    # A buyer in another browser finds it by a two-character and a longer Chinese search.
    buyer_context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")  # type: ignore[attr-defined]
    buyer = buyer_context.new_page()
    buyer.goto(f"{base}/search?q=红心猕猴桃")
    buyer.get_by_role("link", name=re.compile("眉县红心猕猴桃")).first.click()
    expect(buyer.locator("h1")).to_have_text("眉县红心猕猴桃 现摘")
    expect(buyer.get_by_text("¥45.80").first).to_be_visible()
    buyer.fill("input[name=quantity]", "2")
    buyer.get_by_role("button", name="加入购物车").click()
    # Signed out: sign in, come back to the product, and add it again.
    sign_in(buyer, live_server, BUYER)
    expect(buyer.locator("h1")).to_have_text("眉县红心猕猴桃 现摘")
    buyer.fill("input[name=quantity]", "2")
    buyer.get_by_role("button", name="加入购物车").click()

    buyer.goto(f"{base}/cart")
    expect(buyer.get_by_text("眉县红心猕猴桃 现摘").first).to_be_visible()
    buyer.goto(f"{base}/checkout")
    buyer.fill("input[name=recipient_name]", "周晓")
    buyer.fill("input[name=recipient_mobile]", BUYER)
    region = buyer.locator("input[name=region_code]")
    if region.get_attribute("type") == "hidden":  # the picker took over: choose like a person
        buyer.select_option("select[data-region-level=province]", label="北京市")
        buyer.select_option("select[data-region-level=county]", label="朝阳区")
    else:
        region.fill("110105")
    buyer.fill("input[name=address]", "建国路88号")
    buyer.get_by_role("button", name="提交订单并付款").click()

    # The sandbox bank: the amount is the order total, ¥91.60.
    expect(buyer).to_have_url(re.compile(r"/pay/sandbox/"))
    expect(buyer.get_by_text("¥91.60").first).to_be_visible()
    buyer.get_by_role("button", name="确认支付 Pay").click()
    expect(buyer).to_have_url(re.compile(r"/orders"))
    buyer.goto(f"{base}/orders")
    expect(
        buyer.get_by_text("待发货").first
    ).to_be_visible()  # paid, waiting for the seller to ship
    buyer.screenshot(path=str(_artifact("buyer-orders.png")), full_page=True)
    buyer_context.close()

    # The seller sees the paid order waiting to ship.
    seller.goto(f"{base}/seller/orders")
    expect(seller.get_by_text("眉县红心猕猴桃 现摘").first).to_be_visible()
    expect(seller.get_by_text("¥91.60").first).to_be_visible()


def _artifact(name: str):  # type: ignore[no-untyped-def]
    from tests.e2e.conftest import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / name
