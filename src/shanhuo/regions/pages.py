"""HTML pages for regions: each handler builds a context dict and renders a template.

``/regions`` lists the provinces by NBS macro-region and carries a region picker (also the
live example of ``static/region-picker.js``); ``/regions/{code}`` shows one region and its
children. ``?code=`` on ``/regions`` (the picker's form, or a typed code without JavaScript)
redirects to that region.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from shanhuo.kit.deps import Db
from shanhuo.regions import rules, service
from shanhuo.web.render import redirect, render

router = APIRouter(include_in_schema=False)


def regions_context(session: Session) -> dict[str, Any]:
    provinces = service.list_provinces(session)
    groups = [
        (macro, [p for p in provinces if p.province_code in macro.provinces])
        for macro in rules.MACRO_REGIONS
    ]
    return {"groups": groups, "total": len(provinces)}


def region_context(session: Session, code: str) -> dict[str, Any]:
    region = service.get_region(session, code)
    return {
        "region": region,
        "level_name": rules.LEVEL_NAMES[region.level],
        "ancestors": service.ancestors_of(session, region),
        "children": service.list_children(session, region.code),
        "macro": rules.macro_region_of(region.code),
        "level_names": rules.LEVEL_NAMES,
    }


@router.get("/regions")
def regions_page(request: Request, db: Db, code: str = "") -> Response:
    if code.strip():
        return redirect(f"/regions/{service.get_region(db, code).code}")
    return render(request, "regions/index.html", regions_context(db))


@router.get("/regions/{code}")
def region_page(request: Request, code: str, db: Db) -> Response:
    return render(request, "regions/region.html", region_context(db, code))
