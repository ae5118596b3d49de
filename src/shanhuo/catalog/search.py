"""Browse and search: active products of open stores, as small cards, one page at a time.

Chinese text has no spaces between words, so search is by substring:
- SQLite: the FTS5 ``product_search`` table with the trigram tokenizer (migration 0002),
  for terms of 3+ characters; shorter terms (苹果、茶叶) fall back to LIKE.
- PostgreSQL: ILIKE on ``title || ' ' || description``, the exact expression of the pg_trgm
  GIN index of migration 0002 (the planner uses it for 3+ character patterns).
User text never reaches SQL syntax: FTS terms are quoted phrases, LIKE patterns are escaped.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    func,
    literal_column,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Session

from shanhuo.catalog import rules
from shanhuo.catalog.schemas import ProductCard, ProductPage
from shanhuo.kit.errors import Invalid
from shanhuo.kit.pagination import PageParams
from shanhuo.models import Product, ProductPhoto, Region, Sku, Store
from shanhuo.stores.rules import STORE_OPEN
from shanhuo.stores.service import check_category


def _visible() -> list[ColumnElement[bool]]:
    return [Product.status == rules.PRODUCT_ACTIVE, Store.status == STORE_OPEN]


def _filters(
    session: Session,
    *,
    category: str | None,
    province: str | None,
    macro_region: str | None,
) -> list[ColumnElement[bool]]:
    conditions = _visible()
    if category:
        check_category(session, category)
        conditions.append(Product.category_code == category)
    if province:
        well_formed = province.isdigit() and len(province) == 2
        if not well_formed or not session.scalar(
            select(Region.code).where(Region.province_code == province).limit(1)
        ):
            raise Invalid(
                "province_unknown",
                f"未知的省份代码：{province}",
                f"Unknown province code: {province}",
                field="province",
            )
        conditions.append(Product.origin_province_code == province)
    if macro_region:
        conditions.append(Product.origin_province_code.in_(rules.provinces_of(macro_region)))
    return conditions


def _text_conditions(session: Session, q: str) -> list[ColumnElement[bool]] | None:
    """Conditions for the query text; None when it has no usable term."""
    terms = rules.split_query(q)
    if terms.empty:
        return None
    conditions: list[ColumnElement[bool]] = []
    if session.get_bind().dialect.name == "postgresql":
        haystack = Product.title.op("||")(literal_column("' '")).op("||")(Product.description)
        for term in (*terms.indexed, *terms.short):
            conditions.append(haystack.ilike(rules.like_contains(term), escape=rules.LIKE_ESCAPE))
        return conditions
    if terms.indexed:
        matches = text("SELECT rowid FROM product_search WHERE product_search MATCH :match")
        conditions.append(
            Product.id.in_(
                matches.bindparams(match=rules.fts_match(terms.indexed)).columns(
                    rowid=Product.id.type
                )
            )
        )
    for term in terms.short:
        pattern = rules.like_contains(term)
        conditions.append(
            or_(
                Product.title.like(pattern, escape=rules.LIKE_ESCAPE),
                Product.description.like(pattern, escape=rules.LIKE_ESCAPE),
            )
        )
    return conditions


def _cards_query(conditions: list[ColumnElement[bool]]) -> Select[Any]:
    stats = (
        select(
            Sku.product_id.label("product_id"),
            func.min(Sku.price_fen).label("low"),
            func.max(Sku.price_fen).label("high"),
            func.sum(Sku.on_hand - Sku.reserved).label("available"),
        )
        .group_by(Sku.product_id)
        .subquery()
    )
    first_photo = (
        select(ProductPhoto.storage_key)
        .where(ProductPhoto.product_id == Product.id)
        .order_by(ProductPhoto.sort, ProductPhoto.id)
        .limit(1)
        .correlate(Product)
        .scalar_subquery()
    )
    return (
        select(
            Product.id,
            Product.store_id,
            Product.title,
            Product.category_code,
            Product.origin_province_code,
            Product.perishable,
            stats.c.low,
            stats.c.high,
            stats.c.available,
            first_photo.label("photo_key"),
        )
        .join(Store, Store.id == Product.store_id)
        .outerjoin(stats, stats.c.product_id == Product.id)
        .where(and_(*conditions))
    )


def _page(
    session: Session,
    conditions: list[ColumnElement[bool]],
    page: PageParams,
    *,
    west_first: bool = False,
) -> ProductPage:
    total = session.scalar(
        select(func.count())
        .select_from(Product)
        .join(Store, Store.id == Product.store_id)
        .where(and_(*conditions))
    )
    order: list[Any] = []
    if west_first:
        order.append(
            case((Product.origin_province_code.in_(rules.MACRO_REGIONS["west"]), 0), else_=1)
        )
    order.append(Product.id.desc())
    rows = session.execute(
        _cards_query(conditions).order_by(*order).offset(page.offset).limit(page.size)
    ).all()
    items = [
        ProductCard(
            id=row.id,
            store_id=row.store_id,
            title=row.title,
            category_code=row.category_code,
            origin_province_code=row.origin_province_code,
            perishable=row.perishable,
            price_low_fen=row.low,
            price_high_fen=row.high,
            available=max(0, int(row.available or 0)),
            photo_url=f"/media/{row.photo_key}" if row.photo_key else None,
        )
        for row in rows
    ]
    return ProductPage(items=items, total=total or 0, page=page.page, size=page.size)


def browse(
    session: Session,
    *,
    category: str | None = None,
    province: str | None = None,
    macro_region: str | None = None,
    page: PageParams | None = None,
    store_id: int | None = None,
    west_first: bool = False,
) -> ProductPage:
    """Active products of open stores, newest first (western provinces first on request),
    optionally of one store."""
    conditions = _filters(session, category=category, province=province, macro_region=macro_region)
    if store_id is not None:
        conditions.append(Product.store_id == store_id)
    return _page(session, conditions, page or PageParams(), west_first=west_first)


def search(
    session: Session,
    q: str,
    *,
    page: PageParams | None = None,
    category: str | None = None,
    province: str | None = None,
    macro_region: str | None = None,
) -> ProductPage:
    """Products whose title or description contains every term of ``q`` (AND), with the same
    filters as ``browse``. An empty query browses."""
    conditions = _filters(session, category=category, province=province, macro_region=macro_region)
    text_conditions = _text_conditions(session, q)
    if text_conditions:
        conditions.extend(text_conditions)
    return _page(session, conditions, page or PageParams())


def province_counts(session: Session) -> list[tuple[str, str, int]]:
    """(province code, province name, visible products) for provinces that have any —
    western provinces first, then by count."""
    counts = session.execute(
        select(Product.origin_province_code, func.count())
        .join(Store, Store.id == Product.store_id)
        .where(and_(*_visible()))
        .group_by(Product.origin_province_code)
    ).all()
    if not counts:
        return []
    names = dict(
        session.execute(
            select(Region.province_code, Region.name).where(
                Region.level == "province",
                Region.province_code.in_([c for c, _ in counts]),
            )
        ).all()
    )
    west = set(rules.MACRO_REGIONS["west"])
    ordered = sorted(counts, key=lambda c: (c[0] not in west, -c[1], c[0]))
    return [(code, names.get(code, code), n) for code, n in ordered]
