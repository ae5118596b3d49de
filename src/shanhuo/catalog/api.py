"""JSON API routes for catalog (thin: parse, one service call, commit, respond)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, status
from fastapi.concurrency import run_in_threadpool

from shanhuo.accounts.deps import CurrentUser, OptionalUser
from shanhuo.catalog import service
from shanhuo.catalog.deps import PhotoStorage
from shanhuo.catalog.schemas import (
    CategoryRead,
    PhotoRead,
    ProductCreate,
    ProductPage,
    ProductRead,
    ProductUpdate,
    SkuCreate,
    SkuRead,
    SkuUpdate,
    StockSet,
)
from shanhuo.catalog.uploads import read_multipart, require_file
from shanhuo.kit.deps import AppSettings, Db
from shanhuo.kit.pagination import PageParams
from shanhuo.stores import service as stores

router = APIRouter(tags=["catalog"])


@router.get("/api/categories", response_model=list[CategoryRead])
def list_categories(db: Db) -> list[CategoryRead]:
    return [CategoryRead.model_validate(c) for c in stores.list_categories(db)]


@router.get("/api/products", response_model=ProductPage)
def list_products(
    db: Db,
    category: Annotated[str | None, Query(max_length=24)] = None,
    province: Annotated[str | None, Query(pattern=r"^\d{2}$")] = None,
    macro_region: Annotated[str | None, Query(pattern=r"^(east|central|west|northeast)$")] = None,
    q: Annotated[str | None, Query(max_length=100)] = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> ProductPage:
    params = PageParams(page=page, size=size)
    return service.search(
        db,
        q or "",
        page=params,
        category=category,
        province=province,
        macro_region=macro_region,
    )


@router.post(
    "/api/stores/{store_id}/products",
    status_code=status.HTTP_201_CREATED,
    response_model=ProductRead,
)
def create_product(store_id: int, data: ProductCreate, db: Db, user: CurrentUser) -> ProductRead:
    store = stores.get_owned_store(db, store_id, user)
    product = service.create_product(db, store, data)
    db.commit()
    return service.product_read(db, product)


@router.get("/api/products/{product_id}", response_model=ProductRead)
def get_product(product_id: int, db: Db, user: OptionalUser) -> ProductRead:
    product = service.get_visible_product(db, product_id, viewer=user)
    return service.product_read(db, product)


@router.patch("/api/products/{product_id}", response_model=ProductRead)
def update_product(product_id: int, data: ProductUpdate, db: Db, user: CurrentUser) -> ProductRead:
    product = service.update_product(db, product_id, data, user=user)
    db.commit()
    return service.product_read(db, product)


@router.post(
    "/api/products/{product_id}/skus", status_code=status.HTTP_201_CREATED, response_model=SkuRead
)
def add_sku(product_id: int, data: SkuCreate, db: Db, user: CurrentUser) -> SkuRead:
    sku = service.add_sku(db, product_id, data, user=user)
    db.commit()
    return service.sku_read(sku)


@router.patch("/api/skus/{sku_id}", response_model=SkuRead)
def update_sku(sku_id: int, data: SkuUpdate, db: Db, user: CurrentUser) -> SkuRead:
    sku = service.update_sku(db, sku_id, data, user=user)
    db.commit()
    return service.sku_read(sku)


@router.put("/api/skus/{sku_id}/stock", response_model=SkuRead)
def set_stock(sku_id: int, data: StockSet, db: Db, user: CurrentUser) -> SkuRead:
    sku = service.set_stock(db, sku_id, data.on_hand, user=user)
    db.commit()
    return service.sku_read(sku)


@router.post(
    "/api/products/{product_id}/photos",
    status_code=status.HTTP_201_CREATED,
    response_model=PhotoRead,
    openapi_extra={
        "requestBody": {
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {"photo": {"type": "string", "format": "binary"}},
                        "required": ["photo"],
                    }
                }
            }
        }
    },
)
async def add_photo(
    product_id: int,
    request: Request,
    db: Db,
    user: CurrentUser,
    storage: PhotoStorage,
    settings: AppSettings,
) -> PhotoRead:
    """Multipart field ``photo``: JPEG, PNG or WebP, at most ``upload_max_bytes``."""
    form = await read_multipart(request, settings.upload_max_bytes, max_fields=4)
    upload = require_file(form)

    def add() -> PhotoRead:
        photo = service.add_photo(
            db,
            product_id,
            upload.file,
            user=user,
            storage=storage,
            max_bytes=settings.upload_max_bytes,
        )
        db.commit()
        return service.photo_read(photo)

    try:
        return await run_in_threadpool(add)
    finally:
        await form.close()


@router.delete("/api/photos/{photo_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_photo(photo_id: int, db: Db, user: CurrentUser, storage: PhotoStorage) -> None:
    key = service.delete_photo(db, photo_id, user=user)
    db.commit()
    storage.delete(key)
