"""JSON API routes for regions (thin: parse, one service call, commit, respond).

Reading is open to everyone. Writing (``admin_router``) is for administrators, but regions sits
below accounts and cannot know who is signed in, so ``shanhuo.accounts.api`` mounts
``admin_router`` behind ``require_role("admin")``. Never mount it anywhere else.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from shanhuo.kit.deps import Db
from shanhuo.regions import rules, service
from shanhuo.regions.schemas import (
    MacroRegionRead,
    ProvinceList,
    ProvinceRead,
    RegionCreate,
    RegionDetail,
    RegionLevel,
    RegionList,
    RegionRead,
)

router = APIRouter(prefix="/api/regions", tags=["regions"])
admin_router = APIRouter(prefix="/api/regions", tags=["regions"])


@router.get("/provinces", response_model=ProvinceList)
def list_provinces(db: Db) -> ProvinceList:
    """The 31 mainland provinces with their NBS macro-region and the East/rest grouping."""
    items = [ProvinceRead.of(region) for region in service.list_provinces(db)]
    return ProvinceList(items=items, total=len(items))


@router.get("", response_model=RegionList)
def search_regions(
    db: Db,
    q: Annotated[str, Query(min_length=1, max_length=40)],
    level: RegionLevel | None = None,
    limit: Annotated[int, Query(ge=1, le=service.SEARCH_LIMIT_MAX)] = 20,
) -> RegionList:
    items = [
        RegionRead.model_validate(r) for r in service.search_regions(db, q, level, limit=limit)
    ]
    return RegionList(items=items, total=len(items))


@admin_router.post("", response_model=RegionRead, status_code=201)
def create_region(body: RegionCreate, db: Db) -> RegionRead:
    """Add a township or village (administrators only)."""
    region = service.create_region(
        db, code=body.code, name=body.name, level=body.level, households=body.households
    )
    result = RegionRead.model_validate(region)
    db.commit()
    return result


@router.get("/{code}", response_model=RegionDetail)
def get_region(code: str, db: Db) -> RegionDetail:
    region = service.get_region(db, code)
    return RegionDetail(
        **RegionRead.model_validate(region).model_dump(),
        ancestors=[RegionRead.model_validate(a) for a in service.ancestors_of(db, region)],
        macro_region=MacroRegionRead.of(rules.macro_region_of(region.code)),
    )


@router.get("/{code}/children", response_model=RegionList)
def list_children(code: str, db: Db) -> RegionList:
    items = [RegionRead.model_validate(r) for r in service.list_children(db, code)]
    return RegionList(items=items, total=len(items))
