"""Regions: look-ups other domains rely on, search, and operator-added townships/villages.

Functions take the session first and never commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shanhuo.kit.errors import Conflict, Invalid, NotFound
from shanhuo.models import Region
from shanhuo.regions import rules
from shanhuo.regions.rules import LEVEL_NAMES, LEVEL_RANK, MESSAGES

OPERATOR_SOURCE = "operator"
SEARCH_LIMIT_MAX = 50

_level_order = case(LEVEL_RANK, value=Region.level, else_=len(LEVEL_RANK))


def _invalid(code: str, **extra: Any) -> Invalid:
    zh, en = MESSAGES[code]
    return Invalid(code, zh, en, **extra)


def _check_code(code: str) -> str:
    code = code.strip()
    if not rules.is_well_formed(code):
        raise _invalid("region_code_malformed")
    return code


def find_region(session: Session, code: str) -> Region | None:
    """The region with this code, or None (also None for a malformed code)."""
    code = code.strip()
    if not rules.is_well_formed(code):
        return None
    return session.get(Region, code)


def get_region(session: Session, code: str) -> Region:
    """The region with this code: ``Invalid region_code_malformed`` / ``NotFound region_not_found``."""
    region = session.get(Region, _check_code(code))
    if region is None:
        zh, en = MESSAGES["region_not_found"]
        raise NotFound("region_not_found", f"{zh}：{code}", f"{en}: {code}")
    return region


def require_level(session: Session, code: str, level: str | Sequence[str]) -> Region:
    """The region with this code, which must be at ``level`` (or one of several levels).

    Other domains use it to check a store's county, township or village: raises
    ``region_code_malformed`` / ``region_not_found`` / ``region_level_mismatch`` (422).
    """
    allowed = (level,) if isinstance(level, str) else tuple(level)
    region = get_region(session, code)
    if region.level not in allowed:
        want_zh = "或".join(LEVEL_NAMES[lv][0] for lv in allowed)
        want_en = " or ".join(LEVEL_NAMES[lv][1].lower() for lv in allowed)
        got_zh, got_en = LEVEL_NAMES[region.level]
        raise Invalid(
            "region_level_mismatch",
            f"{code}（{region.name}）是{got_zh}，这里需要{want_zh}",
            f"{code} ({region.name}) is a {got_en.lower()}; a {want_en} is needed here",
            expected=list(allowed),
            actual=region.level,
        )
    return region


def ancestors_of(session: Session, region: Region) -> list[Region]:
    """Province first, down to the region's parent."""
    chain: list[Region] = []
    parent_code = region.parent_code
    while parent_code is not None:
        parent = session.get(Region, parent_code)
        if parent is None:  # guarded by the foreign key; kept for safety
            break
        chain.append(parent)
        parent_code = parent.parent_code
    chain.reverse()
    return chain


def list_provinces(session: Session) -> list[Region]:
    return list(
        session.scalars(select(Region).where(Region.level == "province").order_by(Region.code))
    )


def list_children(session: Session, code: str) -> list[Region]:
    """Direct children, ordered by level then code (a province may hold prefectures and, where
    there is no prefecture, counties)."""
    parent = get_region(session, code)
    return list(
        session.scalars(
            select(Region)
            .where(Region.parent_code == parent.code)
            .order_by(_level_order, Region.code)
        )
    )


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_regions(
    session: Session, q: str, level: str | None = None, *, limit: int = 20
) -> list[Region]:
    """Regions whose name contains ``q``, or whose code starts with ``q`` when it is digits.
    Broader levels first, then by code."""
    q = q.strip()
    if not q:
        raise _invalid("region_query_empty")
    if level is not None and level not in LEVEL_RANK:
        raise _invalid("region_level_unknown")
    limit = max(1, min(limit, SEARCH_LIMIT_MAX))
    pattern = _escape_like(q)
    if q.isdigit():
        condition = Region.code.like(f"{pattern}%", escape="\\")
    else:
        condition = Region.name.like(f"%{pattern}%", escape="\\")
    query = select(Region).where(condition)
    if level is not None:
        query = query.where(Region.level == level)
    return list(
        session.scalars(
            query.order_by(_level_order, func.length(Region.name), Region.code).limit(limit)
        )
    )


def create_region(
    session: Session,
    *,
    code: str,
    name: str,
    level: str,
    households: int | None = None,
) -> Region:
    """Add a township or village (an operator's job; provinces to counties come only from the
    standard data). The code must have the level's length and extend an existing parent's code:
    a township's parent is a county, or a prefecture-level city with no counties (东莞 441900);
    a village's parent is a township."""
    code = code.strip()
    problem = rules.creation_problem(code, level)
    if problem is not None:
        raise _invalid(problem)
    parent_code = rules.parent_code_of(code)
    assert parent_code is not None  # townships and villages always have one
    parent = session.get(Region, parent_code)
    if parent is None or not _may_parent(session, parent, level):
        zh, en = MESSAGES["region_parent_missing"]
        raise Invalid("region_parent_missing", f"{zh}（{parent_code}）", f"{en} ({parent_code})")
    if session.get(Region, code) is not None:
        zh, en = MESSAGES["region_exists"]
        raise Conflict("region_exists", f"{zh}：{code}", f"{en}: {code}")
    region = Region(
        code=code,
        name=name.strip(),
        level=level,
        parent_code=parent.code,
        province_code=code[:2],
        households=households,
        source=OPERATOR_SOURCE,
    )
    try:
        with session.begin_nested():
            session.add(region)
    except IntegrityError as exc:  # a concurrent operator added the same code first
        zh, en = MESSAGES["region_exists"]
        raise Conflict("region_exists", f"{zh}：{code}", f"{en}: {code}") from exc
    return region


def _may_parent(session: Session, parent: Region, level: str) -> bool:
    if level == "village":
        return parent.level == "township"
    if parent.level == "county":
        return True
    if parent.level == "prefecture":
        has_counties = session.scalar(
            select(func.count())
            .select_from(Region)
            .where(Region.parent_code == parent.code, Region.level == "county")
        )
        return not has_counties
    return False
