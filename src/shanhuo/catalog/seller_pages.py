"""The seller's workbench for products: list with quick stock edit, new product (with its
first variant and photo), edit product, variants, stock and photos.

Big forms are shown again with the reasons when they fail; one-field actions (stock, price,
delete photo) answer a refusal with the error page, which says why in both languages.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from shanhuo.accounts.deps import CurrentUser
from shanhuo.catalog import service
from shanhuo.catalog.deps import PhotoStorage
from shanhuo.catalog.schemas import ProductCreate, ProductUpdate, SkuCreate, SkuUpdate
from shanhuo.catalog.storage import Storage
from shanhuo.catalog.uploads import file_field, read_multipart, require_file
from shanhuo.kit.deps import AppSettings, Db
from shanhuo.kit.errors import ShanhuoError
from shanhuo.models import Product, Store, User
from shanhuo.stores import service as stores
from shanhuo.stores.forms import FormError, form_errors, parse_form, parse_int, parse_yuan
from shanhuo.web.render import redirect, render

router = APIRouter(include_in_schema=False)

FormText = Annotated[str, Form()]


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def products_context(session: Session, store: Store) -> dict[str, Any]:
    products = service.products_of_store(session, store.id)
    return {
        "store": store,
        "products": [
            {"product": p, "skus": [service.sku_read(s) for s in service.skus_of(session, p.id)]}
            for p in products
        ],
    }


@router.get("/seller/stores/{store_id}/products", response_class=HTMLResponse)
def store_products(
    request: Request, store_id: int, db: Db, user: CurrentUser, saved: int = 0
) -> Response:
    store = stores.get_owned_store(db, store_id, user)
    ctx = products_context(db, store)
    ctx["saved_sku"] = saved
    return render(request, "seller/products.html", ctx)


def new_product_context(
    session: Session, store: Store, values: dict[str, Any], errors: list[FormError]
) -> dict[str, Any]:
    return {
        "store": store,
        "values": values,
        "errors": errors,
        "categories": stores.list_categories(session),
    }


@router.get("/seller/stores/{store_id}/products/new", response_class=HTMLResponse)
def new_product_form(request: Request, store_id: int, db: Db, user: CurrentUser) -> Response:
    store = stores.get_owned_store(db, store_id, user)
    values = {
        "category_code": store.category_code,
        "origin_county_code": store.county_code,
        "on_hand": "10",
    }
    return render(request, "seller/product_new.html", new_product_context(db, store, values, []))


def _product_values(form: FormData) -> dict[str, Any]:
    names = (
        "title",
        "description",
        "category_code",
        "origin_county_code",
        "shelf_life_days",
        "sku_name",
        "price_yuan",
        "on_hand",
        "weight_g",
    )
    values: dict[str, Any] = {name: _text(form, name) for name in names}
    values["perishable"] = form.get("perishable") in ("on", "1", "true")
    return values


def _create_from_form(
    session: Session,
    store: Store,
    values: dict[str, Any],
    form: FormData,
    *,
    user: User,
    storage: Storage,
    max_bytes: int,
) -> Product:
    data = parse_form(
        ProductCreate,
        {
            "title": values["title"],
            "description": values["description"],
            "category_code": values["category_code"],
            "origin_county_code": values["origin_county_code"],
            "perishable": values["perishable"],
            "shelf_life_days": parse_int(
                values["shelf_life_days"], field="shelf_life_days", required=False
            ),
            "skus": [
                {
                    "name": values["sku_name"],
                    "price_fen": parse_yuan(values["price_yuan"]),
                    "on_hand": parse_int(values["on_hand"], field="on_hand"),
                    "weight_g": parse_int(values["weight_g"], field="weight_g", required=False)
                    or 0,
                }
            ],
        },
    )
    product = service.create_product(session, store, data)
    photo = file_field(form)
    if photo is not None:
        service.add_photo(
            session, product.id, photo.file, user=user, storage=storage, max_bytes=max_bytes
        )
    return product


@router.post("/seller/stores/{store_id}/products/new", response_class=HTMLResponse)
async def new_product_submit(
    request: Request,
    store_id: int,
    db: Db,
    user: CurrentUser,
    storage: PhotoStorage,
    settings: AppSettings,
) -> Response:
    store = await run_in_threadpool(stores.get_owned_store, db, store_id, user)
    form = await read_multipart(request, settings.upload_max_bytes, allow_plain=True)
    values = _product_values(form)

    def create() -> Product:
        product = _create_from_form(
            db,
            store,
            values,
            form,
            user=user,
            storage=storage,
            max_bytes=settings.upload_max_bytes,
        )
        db.commit()
        return product

    try:
        product = await run_in_threadpool(create)
    except ShanhuoError as exc:
        await run_in_threadpool(db.rollback)
        ctx = await run_in_threadpool(new_product_context, db, store, values, form_errors(exc))
        return render(request, "seller/product_new.html", ctx, status_code=exc.status)
    finally:
        await form.close()
    return redirect(f"/seller/products/{product.id}?created=1")


def edit_product_context(
    session: Session,
    product: Product,
    *,
    values: dict[str, Any] | None = None,
    errors: list[FormError] | None = None,
) -> dict[str, Any]:
    store = stores.get_store(session, product.store_id)
    if values is None:
        values = {
            "title": product.title,
            "description": product.description,
            "category_code": product.category_code,
            "origin_county_code": product.origin_county_code,
            "perishable": product.perishable,
            "shelf_life_days": product.shelf_life_days or "",
            "status": product.status,
        }
    photos = [service.photo_read(p) for p in service.photos_of(session, product.id)]
    return {
        "product": product,
        "store": store,
        "values": values,
        "errors": errors or [],
        "categories": stores.list_categories(session),
        "skus": [service.sku_read(s) for s in service.skus_of(session, product.id)],
        "photos": photos,
        "photo_room": len(photos) < service.rules.MAX_PHOTOS_PER_PRODUCT,
    }


@router.get("/seller/products/{product_id}", response_class=HTMLResponse)
def edit_product_form(
    request: Request, product_id: int, db: Db, user: CurrentUser, created: int = 0, saved: int = 0
) -> Response:
    product = service.get_owned_product(db, product_id, user)
    ctx = edit_product_context(db, product)
    ctx.update(created=bool(created), saved=bool(saved))
    return render(request, "seller/product_edit.html", ctx)


@router.post("/seller/products/{product_id}", response_class=HTMLResponse)
def edit_product_submit(
    request: Request,
    product_id: int,
    db: Db,
    user: CurrentUser,
    title: FormText = "",
    description: FormText = "",
    category_code: FormText = "",
    origin_county_code: FormText = "",
    perishable: FormText = "",
    shelf_life_days: FormText = "",
    status: FormText = "active",
) -> Response:
    product = service.get_owned_product(db, product_id, user)
    values: dict[str, Any] = {
        "title": title,
        "description": description,
        "category_code": category_code,
        "origin_county_code": origin_county_code.strip(),
        "perishable": perishable in ("on", "1", "true"),
        "shelf_life_days": shelf_life_days.strip(),
        "status": status,
    }
    try:
        data = parse_form(
            ProductUpdate,
            {
                **values,
                "shelf_life_days": parse_int(
                    shelf_life_days, field="shelf_life_days", required=False
                ),
            },
        )
        service.update_product(db, product.id, data, user=user)
        db.commit()
    except ShanhuoError as exc:
        db.rollback()
        ctx = edit_product_context(db, product, values=values, errors=form_errors(exc))
        return render(request, "seller/product_edit.html", ctx, status_code=exc.status)
    return redirect(f"/seller/products/{product.id}?saved=1")


@router.post("/seller/products/{product_id}/skus")
def add_sku_submit(
    product_id: int,
    db: Db,
    user: CurrentUser,
    name: FormText = "",
    price_yuan: FormText = "",
    on_hand: FormText = "0",
    weight_g: FormText = "0",
) -> Response:
    data = parse_form(
        SkuCreate,
        {
            "name": name,
            "price_fen": parse_yuan(price_yuan),
            "on_hand": parse_int(on_hand, field="on_hand"),
            "weight_g": parse_int(weight_g, field="weight_g", required=False) or 0,
        },
    )
    service.add_sku(db, product_id, data, user=user)
    db.commit()
    return redirect(f"/seller/products/{product_id}?saved=1")


@router.post("/seller/skus/{sku_id}")
def update_sku_submit(
    sku_id: int,
    db: Db,
    user: CurrentUser,
    name: FormText = "",
    price_yuan: FormText = "",
) -> Response:
    data = parse_form(SkuUpdate, {"name": name, "price_fen": parse_yuan(price_yuan)})
    sku = service.update_sku(db, sku_id, data, user=user)
    db.commit()
    return redirect(f"/seller/products/{sku.product_id}?saved=1")


@router.post("/seller/skus/{sku_id}/stock")
def set_stock_submit(
    sku_id: int, db: Db, user: CurrentUser, on_hand: FormText = "", back: FormText = ""
) -> Response:
    quantity = parse_int(on_hand, field="on_hand")
    assert quantity is not None
    sku = service.set_stock(db, sku_id, quantity, user=user)
    db.commit()
    product = service.get_product(db, sku.product_id)
    if back == "list":
        return redirect(f"/seller/stores/{product.store_id}/products?saved={sku.id}")
    return redirect(f"/seller/products/{product.id}?saved=1")


@router.post("/seller/products/{product_id}/photos")
async def add_photo_submit(
    request: Request,
    product_id: int,
    db: Db,
    user: CurrentUser,
    storage: PhotoStorage,
    settings: AppSettings,
) -> Response:
    form = await read_multipart(request, settings.upload_max_bytes, max_fields=4)
    upload = require_file(form)

    def add() -> None:
        service.add_photo(
            db,
            product_id,
            upload.file,
            user=user,
            storage=storage,
            max_bytes=settings.upload_max_bytes,
        )
        db.commit()

    try:
        await run_in_threadpool(add)
    finally:
        await form.close()
    return redirect(f"/seller/products/{product_id}?saved=1")


@router.post("/seller/photos/{photo_id}/delete")
def delete_photo_submit(
    photo_id: int, db: Db, user: CurrentUser, storage: PhotoStorage
) -> Response:
    photo = service.photo_by_id(db, photo_id)
    product_id = photo.product_id
    key = service.delete_photo(db, photo_id, user=user)
    db.commit()
    storage.delete(key)
    return redirect(f"/seller/products/{product_id}?saved=1")
