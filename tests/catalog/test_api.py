"""Catalog JSON API: authorization matrix for every write, bad input, escaping, browse."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from shanhuo.models import Product, ProductPhoto, Sku
from tests.helpers.accounts import auth_headers, create_user
from tests.helpers.catalog import create_product, image_bytes
from tests.helpers.stores import create_store

NEW_PRODUCT = {
    "title": "武功猕猴桃",
    "description": "个大汁多",
    "category_code": "fruit",
    "origin_county_code": "610431",
    "perishable": True,
    "shelf_life_days": 15,
    "skus": [{"name": "5斤装", "price_fen": 3990, "on_hand": 100, "weight_g": 2500}],
}


def _state(db: Session) -> tuple[Any, ...]:
    """Everything a catalog write could change."""
    db.expire_all()
    products = db.execute(
        select(
            Product.id,
            Product.title,
            Product.status,
            Product.perishable,
            Product.shelf_life_days,
            Product.origin_county_code,
        ).order_by(Product.id)
    ).all()
    skus = db.execute(
        select(Sku.id, Sku.name, Sku.price_fen, Sku.on_hand, Sku.reserved).order_by(Sku.id)
    ).all()
    photos = db.execute(select(ProductPhoto.id).order_by(ProductPhoto.id)).all()
    return tuple(products), tuple(skus), tuple(photos)


@pytest.fixture
def shop(db: Session) -> dict[str, Any]:
    owner = create_user(db)
    store = create_store(db, owner=owner)
    product, sku = create_product(db, store, title="原标题", price_fen=1990, stock=10)
    db.add(
        ProductPhoto(
            product_id=product.id,
            storage_key="0" * 32 + ".png",
            content_type="image/png",
            width=1,
            height=1,
            size_bytes=1,
            created_at=product.created_at,
        )
    )
    db.flush()
    photo_id = db.scalars(select(ProductPhoto.id)).one()
    return {
        "store": store,
        "product": product,
        "sku": sku,
        "photo_id": photo_id,
        "owner": auth_headers(db, owner),
        "other": auth_headers(db, create_user(db, roles=("seller",))),
    }


WRITES: list[tuple[str, str, dict[str, Any] | None, int]] = [
    ("post", "/api/stores/{store}/products", NEW_PRODUCT, 201),
    ("patch", "/api/products/{product}", {"title": "新标题"}, 200),
    ("post", "/api/products/{product}/skus", {"name": "10斤装", "price_fen": 6990}, 201),
    ("patch", "/api/skus/{sku}", {"price_fen": 2990, "name": "大果"}, 200),
    ("put", "/api/skus/{sku}/stock", {"on_hand": 55}, 200),
    ("delete", "/api/photos/{photo}", None, 204),
]


@pytest.mark.parametrize(("method", "path", "body", "ok"), WRITES)
def test_write_authorization_matrix(
    client: TestClient,
    db: Session,
    shop: dict[str, Any],
    method: str,
    path: str,
    body: dict[str, Any] | None,
    ok: int,
) -> None:
    url = path.format(
        store=shop["store"].id,
        product=shop["product"].id,
        sku=shop["sku"].id,
        photo=shop["photo_id"],
    )
    before = _state(db)

    anonymous = client.request(method, url, json=body)
    assert anonymous.status_code == 401
    assert _state(db) == before

    other = client.request(method, url, json=body, headers=shop["other"])
    assert other.status_code == 403
    assert other.json()["code"] == "store_not_owned"
    assert _state(db) == before

    mine = client.request(method, url, json=body, headers=shop["owner"])
    assert mine.status_code == ok, mine.text
    assert _state(db) != before


def test_photo_upload_authorization_matrix(
    client: TestClient, db: Session, shop: dict[str, Any]
) -> None:
    url = f"/api/products/{shop['product'].id}/photos"
    files = {"photo": ("a.png", image_bytes("PNG"), "image/png")}
    before = _state(db)
    assert client.post(url, files=files).status_code == 401
    other = client.post(url, files=files, headers=shop["other"])
    assert other.status_code == 403
    assert _state(db) == before
    mine = client.post(url, files=files, headers=shop["owner"])
    assert mine.status_code == 201
    assert len(_state(db)[2]) == 2


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"skus": [{"name": "a", "price_fen": 0, "on_hand": 1}]}, "validation_failed"),
        ({"skus": [{"name": "a", "price_fen": -5, "on_hand": 1}]}, "validation_failed"),
        ({"skus": [{"name": "a", "price_fen": 1_000_000_001, "on_hand": 1}]}, "validation_failed"),
        ({"skus": [{"name": "a", "price_fen": 100, "on_hand": -1}]}, "validation_failed"),
        ({"skus": [{"name": "a", "price_fen": 100, "on_hand": 1_000_001}]}, "validation_failed"),
        ({"skus": []}, "validation_failed"),
        ({"origin_county_code": "6104"}, "validation_failed"),
        ({"origin_county_code": "999999"}, "region_unknown"),
        ({"origin_county_code": "610400"}, "region_not_county"),
        ({"shelf_life_days": None}, "shelf_life_required"),
        ({"shelf_life_days": 0}, "shelf_life_out_of_range"),
        ({"perishable": False}, "shelf_life_not_perishable"),
        ({"status": "deleted"}, "validation_failed"),
        ({"title": ""}, "validation_failed"),
    ],
)
def test_create_product_bad_input_changes_nothing(
    client: TestClient, db: Session, shop: dict[str, Any], change: dict[str, Any], code: str
) -> None:
    before = _state(db)
    response = client.post(
        f"/api/stores/{shop['store'].id}/products",
        json={**NEW_PRODUCT, **change},
        headers=shop["owner"],
    )
    assert response.status_code == 422
    assert response.json()["code"] == code
    assert _state(db) == before


def test_product_in_a_store_of_another_seller_is_refused(
    client: TestClient, db: Session, shop: dict[str, Any]
) -> None:
    foreign = create_store(db)
    before = _state(db)
    response = client.post(
        f"/api/stores/{foreign.id}/products", json=NEW_PRODUCT, headers=shop["owner"]
    )
    assert response.status_code == 403
    assert _state(db) == before


@pytest.mark.parametrize("on_hand", [-1, 1_000_001, "many", None])
def test_bad_stock_changes_nothing(
    client: TestClient, db: Session, shop: dict[str, Any], on_hand: Any
) -> None:
    before = _state(db)
    response = client.put(
        f"/api/skus/{shop['sku'].id}/stock", json={"on_hand": on_hand}, headers=shop["owner"]
    )
    assert response.status_code == 422
    assert _state(db) == before


def test_stock_below_reserved_is_409(client: TestClient, db: Session, shop: dict[str, Any]) -> None:
    sku = shop["sku"]
    sku.reserved = 4
    db.commit()
    before = _state(db)
    response = client.put(f"/api/skus/{sku.id}/stock", json={"on_hand": 3}, headers=shop["owner"])
    assert response.status_code == 409
    assert response.json()["code"] == "stock_below_reserved"
    assert response.json()["reserved"] == 4
    assert _state(db) == before
    ok = client.put(f"/api/skus/{sku.id}/stock", json={"on_hand": 4}, headers=shop["owner"])
    assert ok.json()["available"] == 0


@pytest.mark.parametrize("price", [0, -1, 1_000_000_001, 12.5])
def test_bad_price_changes_nothing(
    client: TestClient, db: Session, shop: dict[str, Any], price: Any
) -> None:
    before = _state(db)
    response = client.patch(
        f"/api/skus/{shop['sku'].id}", json={"price_fen": price}, headers=shop["owner"]
    )
    assert response.status_code == 422
    assert _state(db) == before


def test_script_in_title_is_returned_unchanged(
    client: TestClient, db: Session, shop: dict[str, Any]
) -> None:
    title = '<script>alert("x")</script>'
    response = client.post(
        f"/api/stores/{shop['store'].id}/products",
        json={**NEW_PRODUCT, "title": title, "description": "<img src=x onerror=alert(1)>"},
        headers=shop["owner"],
    )
    assert response.status_code == 201
    body = client.get(f"/api/products/{response.json()['id']}").json()
    assert body["title"] == title
    assert body["description"] == "<img src=x onerror=alert(1)>"


def test_products_of_closed_store_leave_browse(
    client: TestClient, db: Session, shop: dict[str, Any]
) -> None:
    assert client.get("/api/products").json()["total"] == 1
    closed = client.post(f"/api/stores/{shop['store'].id}/close", headers=shop["owner"])
    assert closed.status_code == 200
    assert client.get("/api/products").json()["total"] == 0
    assert client.get(f"/api/products/{shop['product'].id}").status_code == 404
    owner_view = client.get(f"/api/products/{shop['product'].id}", headers=shop["owner"])
    assert owner_view.status_code == 200


def test_categories_list(client: TestClient) -> None:
    codes = [c["code"] for c in client.get("/api/categories").json()]
    assert codes[:3] == ["fruit", "vegetable", "grain_oil"]
    assert codes[-1] == "other"


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("province=6", 422),
        ("province=99", 422),
        ("macro_region=south", 422),
        ("category=rocket", 422),
        ("page=0", 422),
        ("size=1000", 422),
    ],
)
def test_bad_browse_parameters(client: TestClient, query: str, status: int) -> None:
    assert client.get(f"/api/products?{query}").status_code == status
