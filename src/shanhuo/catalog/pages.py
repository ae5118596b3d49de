"""HTML pages for buyers: home, search, categories, product and store pages, photo files.

Handlers build a context dict with the same services the API uses, then render a template.
The seller's product pages are in ``seller_pages``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from sqlalchemy.orm import Session

from shanhuo.accounts.deps import OptionalUser
from shanhuo.catalog import rules, search, service
from shanhuo.catalog.deps import PhotoStorage
from shanhuo.catalog.seller_pages import router as seller_router
from shanhuo.catalog.storage import is_valid_key
from shanhuo.kit.deps import Db
from shanhuo.kit.errors import NotFound
from shanhuo.kit.pagination import PageParams
from shanhuo.models import User
from shanhuo.stores import service as stores
from shanhuo.stores.locations import path_label, region_path
from shanhuo.web.render import render

router = APIRouter(include_in_schema=False)
router.include_router(seller_router)

HOME_PRODUCTS = 20
PAGE_SIZE = 20
MEDIA_CACHE = "public, max-age=31536000, immutable"


def _macro_regions() -> list[dict[str, str]]:
    return [
        {"key": key, "zh": rules.MACRO_REGION_NAMES[key][0], "en": rules.MACRO_REGION_NAMES[key][1]}
        for key in rules.MACRO_REGION_ORDER
    ]


def home_context(session: Session) -> dict[str, Any]:
    """Specialties by region, western provinces first: category chips, province chips of
    provinces with products on sale, and one grid of products (one page, small)."""
    return {
        "categories": stores.list_categories(session),
        "macro_regions": _macro_regions(),
        "provinces": search.province_counts(session),
        "results": search.browse(
            session, page=PageParams(page=1, size=HOME_PRODUCTS), west_first=True
        ),
    }


@router.get("/", response_class=HTMLResponse)
def home(request: Request, db: Db) -> Response:
    return render(request, "catalog/home.html", home_context(db))


def search_context(
    session: Session,
    *,
    q: str = "",
    category: str | None = None,
    province: str | None = None,
    macro_region: str | None = None,
    page: int = 1,
) -> dict[str, Any]:
    params = PageParams(page=page, size=PAGE_SIZE)
    results = search.search(
        session, q, page=params, category=category, province=province, macro_region=macro_region
    )
    filters = {"q": q, "category": category, "province": province, "macro_region": macro_region}
    return {
        "q": q,
        "filters": filters,
        "category": stores.get_category(session, category) if category else None,
        "categories": stores.list_categories(session),
        "macro_regions": _macro_regions(),
        "provinces": search.province_counts(session),
        "results": results,
        "has_next": results.page * results.size < results.total,
    }


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    db: Db,
    q: Annotated[str, Query(max_length=100)] = "",
    category: Annotated[str | None, Query(max_length=24)] = None,
    province: Annotated[str | None, Query(pattern=r"^\d{2}$")] = None,
    macro_region: Annotated[str | None, Query(pattern=r"^(east|central|west|northeast)$")] = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    ctx = search_context(
        db,
        q=q,
        category=category or None,
        province=province or None,
        macro_region=macro_region or None,
        page=page,
    )
    return render(request, "catalog/search.html", ctx)


@router.get("/categories/{code}", response_class=HTMLResponse)
def category_page(
    request: Request,
    code: str,
    db: Db,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    stores.get_category(db, code)  # 404 for an unknown category
    ctx = search_context(db, category=code, page=page)
    return render(request, "catalog/search.html", ctx)


def product_context(session: Session, product_id: int, viewer: User | None) -> dict[str, Any]:
    product = service.get_visible_product(session, product_id, viewer=viewer)
    store = stores.get_store(session, product.store_id)
    skus = [service.sku_read(s) for s in service.skus_of(session, product.id)]
    in_stock = [s for s in skus if s.available > 0]
    return {
        "product": product,
        "store": store,
        "is_owner": viewer is not None and viewer.id == store.owner_id,
        "on_sale": service.is_visible(session, product),
        "skus": skus,
        "default_sku_id": in_stock[0].id if in_stock else None,
        "photos": [service.photo_read(p) for p in service.photos_of(session, product.id)],
        "prices": rules.price_range([s.price_fen for s in skus]),
        "origin_label": path_label(region_path(session, product.origin_county_code)),
        "category": stores.get_category(session, product.category_code),
    }


@router.get("/products/{product_id}", response_class=HTMLResponse)
def product_page(request: Request, product_id: int, db: Db, user: OptionalUser) -> Response:
    return render(request, "catalog/product.html", product_context(db, product_id, user))


def store_page_context(
    session: Session, store_id: int, viewer: User | None, *, page: int = 1
) -> dict[str, Any]:
    """The buyer's view of a store: profile, where it is, its products on sale."""
    store = stores.get_store(session, store_id)
    path = region_path(session, store.village_code or store.township_code or store.county_code)
    is_open = store.status == "open"
    results = (
        search.browse(session, store_id=store.id, page=PageParams(page=page, size=PAGE_SIZE))
        if is_open
        else None
    )
    return {
        "store": store,
        "is_owner": viewer is not None and viewer.id == store.owner_id,
        "is_open": is_open,
        "region_label": path_label(path),
        "category": stores.get_category(session, store.category_code),
        "results": results,
        "has_next": bool(results and results.page * results.size < results.total),
    }


@router.get("/stores/{store_id}", response_class=HTMLResponse)
def store_page(
    request: Request,
    store_id: int,
    db: Db,
    user: OptionalUser,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    return render(request, "stores/store.html", store_page_context(db, store_id, user, page=page))


@router.get("/media/{key}")
def media(key: str, db: Db, storage: PhotoStorage) -> Response:
    """A product photo, with its checked content type and a year-long cache (keys never change)."""
    if not is_valid_key(key):
        raise NotFound("photo_not_found", "照片不存在", "Photo not found")
    photo = service.photo_by_key(db, key)
    path = storage.path(key)
    if path is None:
        raise NotFound("photo_not_found", "照片不存在", "Photo not found")
    return FileResponse(
        path,
        media_type=photo.content_type,
        headers={"Cache-Control": MEDIA_CACHE, "X-Content-Type-Options": "nosniff"},
    )
