"""Region look-ups stores and catalog need: existence and level of a code (422 when unknown —
it is a field of the request body, not the resource asked for) and its path for display,
陕西省 · 咸阳市 · 武功县. Single look-ups go through the regions service.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from shanhuo.kit.errors import Invalid
from shanhuo.models import Region
from shanhuo.regions.service import ancestors_of, find_region
from shanhuo.stores.rules import RegionFacts

MAX_DEPTH = 6


def region_facts(session: Session, code: str, *, field: str) -> RegionFacts:
    """The code and level of an existing region; 422 ``region_unknown`` otherwise."""
    row = find_region(session, code)
    if row is None:
        raise Invalid(
            "region_unknown",
            f"行政区代码 {code} 不存在",
            f"Unknown region code {code}",
            field=field,
        )
    return RegionFacts(code=row.code, level=row.level)


def region_path(session: Session, code: str | None) -> list[Region]:
    """Province first, down to ``code`` itself (at most a few rows, one query per level)."""
    region = find_region(session, code) if code else None
    if region is None:
        return []
    return [*ancestors_of(session, region), region]


def region_paths(session: Session, codes: set[str]) -> dict[str, list[Region]]:
    """Paths for many codes at once (listing pages): walks up level by level in batches."""
    known: dict[str, Region] = {}
    pending = {c for c in codes if c}
    for _ in range(MAX_DEPTH):
        pending -= known.keys()
        if not pending:
            break
        rows = session.scalars(select(Region).where(Region.code.in_(pending))).all()
        for row in rows:
            known[row.code] = row
        pending = {row.parent_code for row in rows if row.parent_code}
    paths: dict[str, list[Region]] = {}
    for code in codes:
        path: list[Region] = []
        current: str | None = code
        while current and current in known and len(path) < MAX_DEPTH:
            path.append(known[current])
            current = known[current].parent_code
        path.reverse()
        paths[code] = path
    return paths


def path_label(path: list[Region], *, separator: str = " · ") -> str:
    """陕西省 · 咸阳市 · 武功县 (a municipality's "市辖区" step is left out)."""
    return separator.join(
        r.name for r in path if r.name not in {"市辖区", "县", "省直辖县级行政区划"}
    )
