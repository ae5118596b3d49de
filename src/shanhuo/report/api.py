"""JSON API of the report (read-only): the whole report document of a built year, the list
of built years, and one province's numbers. Errors are problem+json with stable codes."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from shanhuo.kit.deps import AppSettings
from shanhuo.report.pages import reports_dir
from shanhuo.report.service import list_reports, load_report, province_view

router = APIRouter(tags=["report"])


@router.get("/api/report")
def api_reports(settings: AppSettings) -> list[dict[str, Any]]:
    """Years with a built report."""
    return list_reports(reports_dir(settings))


@router.get("/api/report/{year}")
def api_report(year: int, settings: AppSettings) -> dict[str, Any]:
    """The report document: headlines, every table, definitions, snapshot and code version."""
    doc = load_report(reports_dir(settings), year)
    return {k: v for k, v in doc.items() if k not in ("charts", "tiles")}


@router.get("/api/report/{year}/provinces/{code}")
def api_province(year: int, code: str, settings: AppSettings) -> dict[str, Any]:
    view = province_view(load_report(reports_dir(settings), year), code)
    for section in view["sections"]:
        section.pop("lines")
    return view
