"""The report page in a real browser at phone size: the headline numbers are there, the map is
one tap away from the tile grid, the tile grid links to a province, and no request leaves the
server (ECharts and the province outlines are served locally)."""

from __future__ import annotations

from dataclasses import replace

from playwright.sync_api import Page, expect

from shanhuo.report.service import build_report
from shanhuo.simulate.scenario import Scenario
from shanhuo.simulate.writer import simulate
from tests.e2e.conftest import LiveServer


def test_report_page_shows_the_headline_numbers(live_server: LiveServer, phone: Page) -> None:
    data_dir = live_server.settings.data_dir
    dataset = simulate(replace(Scenario(), orders=200_000), data_dir / "sim").path
    build_report(dataset, 2020, data_dir / "reports", outputs=("csv", "pdf"))
    outside: list[str] = []
    phone.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None,
    )

    phone.goto(f"{live_server.url}/report")
    phone.get_by_role("link", name="2020 年报告").click()
    expect(phone.locator("[data-headline=top_growth]")).to_contain_text("10 个省份中有 9 个在西部")
    expect(phone.locator("[data-headline=top_growth]")).to_contain_text(
        "宁夏、云南、贵州、青海、甘肃"
    )
    expect(phone.locator("[data-headline=east_west_delivery]")).to_contain_text("缩短 16 小时")
    expect(phone.locator("[data-headline=farmer_anchors]")).to_contain_text("云南")
    # ECharts drew the ranking (an SVG inside the chart box).
    expect(phone.locator("#chart-growth svg")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    # The tile grid is the default; one tap draws the map (outlines fetched from this server).
    expect(phone.locator("#chart-map")).to_be_hidden()
    phone.get_by_role("button", name="地图").click()
    expect(phone.get_by_role("button", name="地图")).to_have_attribute("aria-pressed", "true")
    expect(phone.locator("#chart-map svg path").first).to_be_visible()
    expect(phone.locator("[data-pane=map]")).to_contain_text("示意图，非标准地图")
    expect(phone.locator(".tilegrid")).to_be_hidden()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.get_by_role("button", name="方块图").click()

    phone.locator("a.tile-prov[title=宁夏]").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("宁夏回族自治区")
    assert outside == []
