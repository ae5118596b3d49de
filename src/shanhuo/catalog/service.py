"""Products, their variants (SKUs) and stock, photos. Browse and search live in ``search``.

Functions take the session first and never commit. Writes check that ``user`` owns the store
(403 ``store_not_owned``), through the stores domain.
"""

from __future__ import annotations

from typing import BinaryIO

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from shanhuo.catalog import rules
from shanhuo.catalog.images import check_image, prepare_for_web, read_bounded
from shanhuo.catalog.schemas import (
    PhotoRead,
    ProductCreate,
    ProductRead,
    ProductUpdate,
    SkuCreate,
    SkuRead,
    SkuUpdate,
)
from shanhuo.catalog.search import browse, search
from shanhuo.catalog.storage import Storage, new_key
from shanhuo.kit.errors import Conflict, Invalid, NotFound
from shanhuo.kit.timeutil import utcnow
from shanhuo.models import Product, ProductPhoto, Sku, Store, User
from shanhuo.stores import service as stores
from shanhuo.stores.locations import region_facts, region_path
from shanhuo.stores.rules import STORE_OPEN
from shanhuo.stores.schemas import RegionRef

__all__ = [
    "add_photo",
    "add_sku",
    "browse",
    "create_product",
    "delete_photo",
    "get_product",
    "get_sku",
    "search",
    "sellable_sku",
    "set_stock",
    "update_product",
    "update_sku",
]

MEDIA_PREFIX = "/media/"


def media_url(key: str) -> str:
    return MEDIA_PREFIX + key


def _check_origin(session: Session, code: str) -> None:
    facts = region_facts(session, code, field="origin_county_code")
    if facts.level != "county":
        raise Invalid(
            "region_not_county",
            f"{code} 不是县级行政区代码",
            f"{code} is not a county code",
            field="origin_county_code",
        )


def _new_sku(product_id: int, data: SkuCreate, sort: int) -> Sku:
    return Sku(
        product_id=product_id,
        name=data.name,
        price_fen=data.price_fen,
        on_hand=data.on_hand,
        reserved=0,
        weight_g=data.weight_g,
        sort=sort,
    )


def create_product(session: Session, store: Store, data: ProductCreate) -> Product:
    """List a product with its first variants. The caller has checked the store is the
    user's (``stores.service.get_owned_store``)."""
    stores.check_category(session, data.category_code)
    _check_origin(session, data.origin_county_code)
    rules.check_shelf_life(data.perishable, data.shelf_life_days)
    now = utcnow()
    product = Product(
        store_id=store.id,
        title=data.title,
        description=data.description,
        category_code=data.category_code,
        origin_county_code=data.origin_county_code,
        origin_province_code=data.origin_county_code[:2],
        perishable=data.perishable,
        shelf_life_days=data.shelf_life_days,
        status=data.status,
        created_at=now,
        updated_at=now,
    )
    session.add(product)
    session.flush()
    session.add_all(_new_sku(product.id, sku, sort) for sort, sku in enumerate(data.skus))
    session.flush()
    return product


def get_product(session: Session, product_id: int) -> Product:
    product = session.get(Product, product_id)
    if product is None:
        raise NotFound("product_not_found", "商品不存在", "Product not found")
    return product


def is_visible(session: Session, product: Product) -> bool:
    """Buyers see active products of open stores only."""
    if product.status != rules.PRODUCT_ACTIVE:
        return False
    store = session.get(Store, product.store_id)
    return store is not None and store.status == STORE_OPEN


def get_visible_product(session: Session, product_id: int, *, viewer: User | None) -> Product:
    """A product as a buyer may see it; its owner also sees it hidden or with the store closed."""
    product = get_product(session, product_id)
    if is_visible(session, product):
        return product
    store = stores.get_store(session, product.store_id)
    if viewer is not None and viewer.id == store.owner_id:
        return product
    raise NotFound("product_not_found", "商品不存在或已下架", "Product not found or not on sale")


def get_owned_product(session: Session, product_id: int, user: User) -> Product:
    product = get_product(session, product_id)
    stores.get_owned_store(session, product.store_id, user)
    return product


def update_product(
    session: Session, product_id: int, data: ProductUpdate, *, user: User
) -> Product:
    product = get_owned_product(session, product_id, user)
    sent = data.model_fields_set
    for field in ("title", "category_code", "origin_county_code", "perishable", "status"):
        if field in sent and getattr(data, field) is None:
            raise Invalid(
                "field_required", f"{field} 不能为空", f"{field} cannot be empty", field=field
            )
    if data.category_code is not None:
        stores.check_category(session, data.category_code)
    if data.origin_county_code is not None:
        _check_origin(session, data.origin_county_code)
    perishable, days = rules.merged_shelf_life(
        product.perishable,
        product.shelf_life_days,
        perishable=data.perishable,
        days=data.shelf_life_days,
        days_sent="shelf_life_days" in sent,
    )
    if data.title is not None:
        product.title = data.title
    if "description" in sent:
        product.description = data.description or ""
    if data.category_code is not None:
        product.category_code = data.category_code
    if data.origin_county_code is not None:
        product.origin_county_code = data.origin_county_code
        product.origin_province_code = data.origin_county_code[:2]
    if data.status is not None:
        product.status = data.status
    product.perishable = perishable
    product.shelf_life_days = days
    product.updated_at = utcnow()
    session.flush()
    return product


# --- Variants and stock ------------------------------------------------------------------


def skus_of(session: Session, product_id: int) -> list[Sku]:
    return list(
        session.scalars(select(Sku).where(Sku.product_id == product_id).order_by(Sku.sort, Sku.id))
    )


def add_sku(session: Session, product_id: int, data: SkuCreate, *, user: User) -> Sku:
    product = get_owned_product(session, product_id, user)
    count = session.scalar(select(func.count()).where(Sku.product_id == product.id)) or 0
    rules.check_sku_count(count)
    sku = _new_sku(product.id, data, count)
    session.add(sku)
    product.updated_at = utcnow()
    session.flush()
    return sku


def get_sku(session: Session, sku_id: int) -> Sku:
    sku = session.get(Sku, sku_id)
    if sku is None:
        raise NotFound("sku_not_found", "商品规格不存在", "Variant not found")
    return sku


def get_owned_sku(session: Session, sku_id: int, user: User) -> Sku:
    sku = get_sku(session, sku_id)
    get_owned_product(session, sku.product_id, user)
    return sku


def sellable_sku(session: Session, sku_id: int) -> tuple[Sku, Product, Store]:
    """A variant a buyer may put in a cart: 404 when missing, 409 ``product_unavailable`` when
    its product is hidden or its store closed. Orders reserve stock on it themselves."""
    sku = get_sku(session, sku_id)
    product = get_product(session, sku.product_id)
    store = stores.get_store(session, product.store_id)
    if product.status != rules.PRODUCT_ACTIVE or store.status != STORE_OPEN:
        raise Conflict(
            "product_unavailable", "该商品已下架或店铺已关闭", "This product is not on sale"
        )
    return sku, product, store


def update_sku(session: Session, sku_id: int, data: SkuUpdate, *, user: User) -> Sku:
    sku = get_owned_sku(session, sku_id, user)
    for field in ("name", "price_fen", "weight_g"):
        if field in data.model_fields_set and getattr(data, field) is None:
            raise Invalid(
                "field_required", f"{field} 不能为空", f"{field} cannot be empty", field=field
            )
    if data.name is not None:
        sku.name = data.name
    if data.price_fen is not None:
        sku.price_fen = data.price_fen
    if data.weight_g is not None:
        sku.weight_g = data.weight_g
    session.flush()
    return sku


def set_stock(session: Session, sku_id: int, on_hand: int, *, user: User) -> Sku:
    """Set the stock on hand. The UPDATE is guarded (``reserved <= :on_hand``) so it cannot
    undercut stock that an order reserved between our read and our write."""
    sku = get_owned_sku(session, sku_id, user)
    rules.check_stock_level(on_hand, 0)
    result = session.execute(
        update(Sku)
        .where(Sku.id == sku.id, Sku.reserved <= on_hand)
        .values(on_hand=on_hand)
        .execution_options(synchronize_session=False)
    )
    session.refresh(sku)
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise rules.stock_below_reserved(sku.reserved)
    return sku


def sku_read(sku: Sku) -> SkuRead:
    return SkuRead(
        id=sku.id,
        product_id=sku.product_id,
        name=sku.name,
        price_fen=sku.price_fen,
        on_hand=sku.on_hand,
        reserved=sku.reserved,
        available=rules.available(sku.on_hand, sku.reserved),
        weight_g=sku.weight_g,
    )


# --- Photos ------------------------------------------------------------------------------


def photos_of(session: Session, product_id: int) -> list[ProductPhoto]:
    return list(
        session.scalars(
            select(ProductPhoto)
            .where(ProductPhoto.product_id == product_id)
            .order_by(ProductPhoto.sort, ProductPhoto.id)
        )
    )


def add_photo(
    session: Session,
    product_id: int,
    stream: BinaryIO,
    *,
    user: User,
    storage: Storage,
    max_bytes: int,
) -> ProductPhoto:
    """Check ownership and the photo count first (cheap), then read at most ``max_bytes``,
    decode it, and store it under a random key."""
    product = get_owned_product(session, product_id, user)
    # Lock the product row (PostgreSQL; SQLite writers are serialised anyway) so two uploads
    # at once cannot both pass the photo count.
    session.execute(select(Product.id).where(Product.id == product.id).with_for_update())
    count = session.scalar(select(func.count()).where(ProductPhoto.product_id == product.id))
    rules.check_photo_count(count or 0)
    image = prepare_for_web(check_image(read_bounded(stream, max_bytes)))
    key = new_key(image.extension)
    storage.save(key, image.data)
    last_sort = session.scalar(
        select(func.max(ProductPhoto.sort)).where(ProductPhoto.product_id == product.id)
    )
    photo = ProductPhoto(
        product_id=product.id,
        storage_key=key,
        content_type=image.content_type,
        width=image.width,
        height=image.height,
        size_bytes=len(image.data),
        sort=(last_sort or 0) + 1,
        created_at=utcnow(),
    )
    session.add(photo)
    session.flush()
    return photo


def photo_by_id(session: Session, photo_id: int) -> ProductPhoto:
    photo = session.get(ProductPhoto, photo_id)
    if photo is None:
        raise NotFound("photo_not_found", "照片不存在", "Photo not found")
    return photo


def delete_photo(session: Session, photo_id: int, *, user: User) -> str:
    """Remove the photo's row and return its storage key: the caller deletes the file after
    the commit, so a rolled-back request never loses a photo still referenced."""
    photo = photo_by_id(session, photo_id)
    get_owned_product(session, photo.product_id, user)
    key = photo.storage_key
    session.delete(photo)
    session.flush()
    return key


def photo_by_key(session: Session, key: str) -> ProductPhoto:
    photo = session.scalar(select(ProductPhoto).where(ProductPhoto.storage_key == key))
    if photo is None:
        raise NotFound("photo_not_found", "照片不存在", "Photo not found")
    return photo


def photo_read(photo: ProductPhoto) -> PhotoRead:
    return PhotoRead(
        id=photo.id,
        url=media_url(photo.storage_key),
        content_type=photo.content_type,
        width=photo.width,
        height=photo.height,
        size_bytes=photo.size_bytes,
    )


# --- Read models -------------------------------------------------------------------------


def product_read(session: Session, product: Product) -> ProductRead:
    store = stores.get_store(session, product.store_id)
    skus = skus_of(session, product.id)
    prices = rules.price_range([s.price_fen for s in skus])
    return ProductRead(
        id=product.id,
        store_id=product.store_id,
        store_name=store.name,
        title=product.title,
        description=product.description,
        category_code=product.category_code,
        origin_county_code=product.origin_county_code,
        origin_province_code=product.origin_province_code,
        origin_path=[
            RegionRef(code=r.code, name=r.name, level=r.level)
            for r in region_path(session, product.origin_county_code)
        ],
        perishable=product.perishable,
        shelf_life_days=product.shelf_life_days,
        status=product.status,
        price_low_fen=prices.low if prices else None,
        price_high_fen=prices.high if prices else None,
        skus=[sku_read(s) for s in skus],
        photos=[photo_read(p) for p in photos_of(session, product.id)],
        created_at=product.created_at,
        updated_at=product.updated_at,
    )


def products_of_store(session: Session, store_id: int) -> list[Product]:
    return list(
        session.scalars(
            select(Product).where(Product.store_id == store_id).order_by(Product.id.desc())
        )
    )
