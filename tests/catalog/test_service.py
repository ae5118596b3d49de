"""Catalog service: products, variants, stock guarded against reservations."""

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from shanhuo.catalog import service
from shanhuo.catalog.schemas import ProductCreate, ProductUpdate, SkuCreate, SkuUpdate
from shanhuo.kit.errors import Conflict, Forbidden, Invalid, NotFound
from shanhuo.models import Product, Sku, User
from tests.helpers.accounts import create_user
from tests.helpers.catalog import create_product
from tests.helpers.stores import create_store


def _owner(db: Session, store_owner_id: int) -> User:
    user = db.get(User, store_owner_id)
    assert user is not None
    return user


def _new(**overrides: object) -> ProductCreate:
    base = {
        "title": "眉县猕猴桃",
        "category_code": "fruit",
        "origin_county_code": "610326",
        "perishable": True,
        "shelf_life_days": 20,
        "skus": [{"name": "5斤装", "price_fen": 3990, "on_hand": 50}],
    }
    return ProductCreate.model_validate({**base, **overrides})


def _product_count(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(Product)) or 0


def _reserve(db: Session, sku: Sku, quantity: int) -> None:
    """What the orders domain does when an order is placed (a guarded update)."""
    db.execute(
        update(Sku)
        .where(Sku.id == sku.id, Sku.on_hand - Sku.reserved >= quantity)
        .values(reserved=Sku.reserved + quantity)
    )
    db.refresh(sku)


def test_create_product_with_variants(db: Session) -> None:
    store = create_store(db)
    product = service.create_product(
        db,
        store,
        _new(
            skus=[
                {"name": "5斤装", "price_fen": 3990, "on_hand": 50, "weight_g": 2500},
                {"name": "10斤装", "price_fen": 6990, "on_hand": 20, "weight_g": 5000},
            ]
        ),
    )
    read = service.product_read(db, product)
    assert read.origin_province_code == "61"
    assert [r.name for r in read.origin_path] == ["陕西省", "宝鸡市", "眉县"]
    assert (read.price_low_fen, read.price_high_fen) == (3990, 6990)
    assert [(s.name, s.available) for s in read.skus] == [("5斤装", 50), ("10斤装", 20)]


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"origin_county_code": "610300"}, "region_not_county"),
        ({"origin_county_code": "999999"}, "region_unknown"),
        ({"category_code": "rocket"}, "category_unknown"),
        ({"perishable": True, "shelf_life_days": None}, "shelf_life_required"),
        ({"perishable": True, "shelf_life_days": 0}, "shelf_life_out_of_range"),
        ({"perishable": True, "shelf_life_days": 99999}, "shelf_life_out_of_range"),
        ({"perishable": False, "shelf_life_days": 5}, "shelf_life_not_perishable"),
    ],
)
def test_bad_product_changes_nothing(db: Session, overrides: dict[str, object], code: str) -> None:
    store = create_store(db)
    with pytest.raises(Invalid) as exc:
        service.create_product(db, store, _new(**overrides))
    assert exc.value.code == code
    assert _product_count(db) == 0


def test_update_product_turning_perishable_off_clears_shelf_life(db: Session) -> None:
    store = create_store(db)
    product, _ = create_product(db, store, perishable=True, shelf_life_days=10)
    owner = _owner(db, store.owner_id)
    service.update_product(db, product.id, ProductUpdate(perishable=False), user=owner)
    assert (product.perishable, product.shelf_life_days) == (False, None)


def test_update_product_by_another_seller_is_refused(db: Session) -> None:
    store = create_store(db)
    product, _ = create_product(db, store, title="原标题")
    other = create_user(db, roles=("seller",))
    with pytest.raises(Forbidden):
        service.update_product(db, product.id, ProductUpdate(title="抢走"), user=other)
    assert product.title == "原标题"


def test_add_sku_and_update_price(db: Session) -> None:
    store = create_store(db)
    product, _ = create_product(db, store)
    owner = _owner(db, store.owner_id)
    sku = service.add_sku(
        db, product.id, SkuCreate(name="礼盒装", price_fen=12800, on_hand=5), user=owner
    )
    service.update_sku(db, sku.id, SkuUpdate(price_fen=9900), user=owner)
    assert (sku.name, sku.price_fen, sku.sort) == ("礼盒装", 9900, 1)


def test_set_stock_cannot_go_below_reserved(db: Session) -> None:
    store = create_store(db)
    _, sku = create_product(db, store, stock=10)
    _reserve(db, sku, 6)
    owner = _owner(db, store.owner_id)
    with pytest.raises(Conflict) as exc:
        service.set_stock(db, sku.id, 5, user=owner)
    assert exc.value.code == "stock_below_reserved"
    assert (sku.on_hand, sku.reserved) == (10, 6)
    service.set_stock(db, sku.id, 6, user=owner)
    assert (sku.on_hand, sku.reserved, service.sku_read(sku).available) == (6, 6, 0)


def test_set_stock_out_of_range_is_invalid(db: Session) -> None:
    store = create_store(db)
    _, sku = create_product(db, store, stock=10)
    owner = _owner(db, store.owner_id)
    with pytest.raises(Invalid):
        service.set_stock(db, sku.id, -1, user=owner)
    with pytest.raises(Invalid):
        service.set_stock(db, sku.id, 1_000_001, user=owner)
    db.refresh(sku)
    assert sku.on_hand == 10


def test_sellable_sku_refuses_hidden_product_and_closed_store(db: Session) -> None:
    store = create_store(db)
    product, sku = create_product(db, store)
    assert service.sellable_sku(db, sku.id)[0] is sku
    product.status = "hidden"
    with pytest.raises(Conflict) as exc:
        service.sellable_sku(db, sku.id)
    assert exc.value.code == "product_unavailable"
    product.status = "active"
    store.status = "closed"
    with pytest.raises(Conflict):
        service.sellable_sku(db, sku.id)
    with pytest.raises(NotFound):
        service.sellable_sku(db, 987654)


def test_hidden_product_visible_only_to_owner(db: Session) -> None:
    store = create_store(db)
    product, _ = create_product(db, store, status="hidden")
    owner = _owner(db, store.owner_id)
    assert service.get_visible_product(db, product.id, viewer=owner) is product
    with pytest.raises(NotFound):
        service.get_visible_product(db, product.id, viewer=None)
    with pytest.raises(NotFound):
        service.get_visible_product(db, product.id, viewer=create_user(db))
