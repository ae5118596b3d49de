"""HTML pages of the report: ``/report`` (index of built years), ``/report/{year}`` (the whole
report with charts and a province map), ``/report/{year}/province/{code}`` (one province), the
built files, the chart scripts (ECharts from the npm package, served by us — no CDN) and the
province outlines (decoded from the echarts@4.9 npm package, see ``report.mapdata``).

Reports are public aggregates (no personal data), so the pages need no sign-in; building a
report is a command (``shanhuo report``), not a web action.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response

from shanhuo.config import Settings
from shanhuo.kit.deps import AppSettings
from shanhuo.report.mapdata import china_geojson_text
from shanhuo.report.outputs.html import CHARTS_JS, body_context, echarts_path
from shanhuo.report.service import file_names, list_reports, load_report, province_view, report_file
from shanhuo.web.render import render

router = APIRouter(include_in_schema=False)

GEO_URL = "/report/assets/china-provinces.json"


def reports_dir(settings: Settings) -> Path:
    return settings.data_dir / "reports"


def report_context(doc: dict[str, Any]) -> dict[str, Any]:
    year = doc["year"]
    names = file_names(year)
    labels = {"html": "离线 HTML", "pdf": "PDF", "xlsx": "Excel"}
    files = [
        {"href": f"/report/{year}/files/{names[kind]}", "label": labels[kind]}
        for kind in ("pdf", "html", "xlsx")
        if names[kind] in doc.get("files", [])
    ]
    files += [
        {"href": f"/report/{year}/files/{name}", "label": name.removeprefix("tables/")}
        for name in doc.get("files", [])
        if name.startswith("tables/")
        and name.endswith(("entrepreneurs_province.csv", "western_share.csv"))
    ]
    return body_context(
        doc, files=files, province_base=f"/report/{year}/province/", geo_url=GEO_URL
    )


@router.get("/report/assets/echarts.min.js")
def echarts_js() -> FileResponse:
    return FileResponse(
        echarts_path(),
        media_type="text/javascript",
        headers={"Cache-Control": "public, max-age=86400"},
    )


@router.get("/report/assets/charts.js")
def charts_js() -> FileResponse:
    return FileResponse(CHARTS_JS, media_type="text/javascript")


@router.get(GEO_URL)
def province_outlines() -> Response:
    """Fetched only when a reader switches to the map view (about 75 KB)."""
    return Response(
        china_geojson_text(),
        media_type="application/json",
        headers={"Cache-Control": "public, max-age=86400"},
    )


@router.get("/report")
def report_index(request: Request, settings: AppSettings) -> Response:
    return render(request, "report/index.html", {"reports": list_reports(reports_dir(settings))})


@router.get("/report/{year}")
def report_page(request: Request, year: int, settings: AppSettings) -> Response:
    doc = load_report(reports_dir(settings), year)
    return render(request, "report/show.html", report_context(doc))


@router.get("/report/{year}/province/{code}")
def province_page(request: Request, year: int, code: str, settings: AppSettings) -> Response:
    doc = load_report(reports_dir(settings), year)
    return render(request, "report/province.html", province_view(doc, code))


@router.get("/report/{year}/files/{name:path}")
def report_download(year: int, name: str, settings: AppSettings) -> FileResponse:
    path = report_file(reports_dir(settings), year, name)
    return FileResponse(path, filename=Path(name).name)
