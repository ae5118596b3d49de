"""The report pages and JSON API read the built report from <data_dir>/reports."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from shanhuo.config import Settings
from shanhuo.report.outputs.html import render_standalone
from shanhuo.report.service import build_report, load_report


@pytest.fixture
def with_report(settings: Settings, sim_dataset: Path) -> Settings:
    build_report(sim_dataset, 2020, settings.data_dir / "reports", outputs=("csv", "pdf"))
    return settings


def test_index_without_reports_says_how_to_build_one(client: TestClient) -> None:
    page = client.get("/report")
    assert page.status_code == 200
    assert "shanhuo report --year 2020" in page.text


def test_report_page_shows_headlines_tiles_and_links(
    client: TestClient, with_report: Settings
) -> None:
    page = client.get("/report/2020")
    assert page.status_code == 200
    assert "10 个省份中有 9 个在西部" in page.text
    assert 'href="/report/2020/province/64"' in page.text
    assert "/report/assets/echarts.min.js" in page.text
    assert "附录：指标定义" in page.text
    assert client.get("/report").text.count('href="/report/2020"') == 1


def test_missing_year_and_unknown_province_are_clear_404s(
    client: TestClient, with_report: Settings
) -> None:
    missing = client.get("/api/report/2019")
    assert missing.status_code == 404 and missing.json()["code"] == "report_not_built"
    province = client.get("/api/report/2020/provinces/99")
    assert province.status_code == 404 and province.json()["code"] == "report_province_unknown"
    assert (
        client.get("/report/2020/province/99", headers={"accept": "text/html"}).status_code == 404
    )
    assert client.get("/report/abc").status_code == 422


def test_province_page_and_api(client: TestClient, with_report: Settings) -> None:
    page = client.get("/report/2020/province/53")
    assert page.status_code == 200 and "云南省" in page.text
    data = client.get("/api/report/2020/provinces/530000").json()
    assert data["province"]["province_code"] == "53"
    assert data["sections"][2]["values"]["anchor_rank"] <= 10


def test_files_are_served_only_when_the_report_lists_them(
    client: TestClient, with_report: Settings
) -> None:
    pdf = client.get("/report/2020/files/shanhuo-report-2020.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    csv = client.get("/report/2020/files/tables/western_share.csv")
    assert csv.status_code == 200 and csv.text.startswith("metric,")
    assert client.get("/report/2020/files/report.json").status_code == 404
    assert client.get("/report/2020/files/../../etc/passwd").status_code == 404


def test_echarts_is_served_locally(client: TestClient) -> None:
    js = client.get("/report/assets/echarts.min.js")
    assert js.status_code == 200 and len(js.content) > 500_000
    assert client.get("/report/assets/charts.js").status_code == 200


def test_api_report_document(client: TestClient, with_report: Settings) -> None:
    doc = client.get("/api/report/2020").json()
    assert doc["year"] == 2020 and len(doc["tables"]) == 11
    assert client.get("/api/report").json()[0]["year"] == 2020


def test_report_page_offers_the_map_beside_tiles_and_bars(
    client: TestClient, with_report: Settings
) -> None:
    page = client.get("/report/2020").text
    for view in ("map", "tiles", "bars"):
        assert f'data-view="{view}"' in page
    assert 'data-view="tiles" aria-pressed="true"' in page
    assert '<div data-pane="map" hidden>' in page
    assert "示意图，非标准地图" in page and "Schematic, not a reviewed standard map" in page
    assert 'data-geo-url="/report/assets/china-provinces.json"' in page
    assert 'id="report-geo"' not in page  # the page fetches the outlines on first use
    assert '<option value="growth">新创业者同比增速</option>' in page


def test_province_outlines_are_served_as_geojson(client: TestClient) -> None:
    response = client.get("/report/assets/china-provinces.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    codes = {f["properties"]["code"] for f in response.json()["features"]}
    assert len(codes) == 34 and {"11", "53", "65", "71", "81", "82"} <= codes


def test_standalone_html_inlines_the_outlines_and_province_values(
    with_report: Settings,
) -> None:
    doc = load_report(with_report.data_dir / "reports", 2020)
    html = render_standalone(doc)
    geo = re.search(r'<script type="application/json" id="report-geo">(.*?)</script>', html, re.S)
    assert geo is not None
    assert len(json.loads(geo.group(1))["features"]) == 34
    provinces = re.search(
        r'<script type="application/json" id="report-provinces">(.*?)</script>', html, re.S
    )
    assert provinces is not None
    growth = json.loads(provinces.group(1))["metrics"][0]
    ningxia = next(t for t in doc["tiles"] if t["code"] == "64")
    assert growth["key"] == "growth"
    assert growth["values"]["64"] == {
        "value": ningxia["growth"],
        "text": f"{ningxia['growth']:.1f}%",
        "level": ningxia["level"],
    }
