"""Buyer pages (home, search, category, product, store) and the seller's product pages."""

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shanhuo.accounts.deps import SESSION_COOKIE
from shanhuo.accounts.tokens import issue_token
from shanhuo.catalog.pages import home_context, product_context, search_context
from shanhuo.models import Product, ProductPhoto, Sku, User
from tests.helpers.accounts import create_user
from tests.helpers.catalog import create_product, image_bytes
from tests.helpers.stores import create_store

HTML = {"Accept": "text/html"}


def _sign_in(client: TestClient, db: Session, user: User) -> None:
    token = issue_token(db, user, kind="session", days=1)
    db.commit()
    client.cookies.set(SESSION_COOKIE, token)


def test_home_context_puts_western_products_first(db: Session) -> None:
    east = create_store(db, county="330106")
    west = create_store(db, county="530102")
    create_product(db, west, title="云南鲜花饼")
    tea, _ = create_product(db, east, title="龙井")  # newer, but eastern
    ctx = home_context(db)
    assert [i.title for i in ctx["results"].items] == ["云南鲜花饼", "龙井"]
    assert ctx["macro_regions"][0]["key"] == "west"
    assert ctx["provinces"][0][0] == "53"
    assert tea.id == ctx["results"].items[-1].id


def test_home_page_renders_small_without_outside_requests(client: TestClient, db: Session) -> None:
    store = create_store(db)
    create_product(db, store, title="武功猕猴桃")
    db.commit()
    response = client.get("/", headers=HTML)
    assert response.status_code == 200
    assert "武功猕猴桃" in response.text
    assert 'href="/categories/fruit"' in response.text
    assert "http://" not in response.text and "https://" not in response.text
    assert len(response.content) < 30_000


def test_product_page_escapes_script_in_title_and_description(
    client: TestClient, db: Session
) -> None:
    store = create_store(db)
    product, _ = create_product(
        db, store, title="<script>alert(1)</script>", description="<b>粗体</b>"
    )
    db.commit()
    html = client.get(f"/products/{product.id}", headers=HTML).text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html
    assert "&lt;b&gt;粗体&lt;/b&gt;" in html


def test_product_page_has_add_to_cart_form_and_details(client: TestClient, db: Session) -> None:
    store = create_store(db, name="秦岭果园")
    product, sku = create_product(
        db, store, price_fen=3990, stock=7, perishable=True, shelf_life_days=15
    )
    db.commit()
    ctx = product_context(db, product.id, None)
    assert ctx["origin_label"] == "陕西省 · 咸阳市 · 武功县"
    assert ctx["default_sku_id"] == sku.id
    html = client.get(f"/products/{product.id}", headers=HTML).text
    assert 'action="/cart/items"' in html
    assert f'name="sku_id" value="{sku.id}"' in html
    assert 'name="quantity"' in html
    assert "¥39.90" in html
    assert "15 天" in html
    assert "陕西省 · 咸阳市 · 武功县" in html
    assert f'href="/stores/{store.id}"' in html


def test_sold_out_sku_is_not_selectable(db: Session) -> None:
    store = create_store(db)
    product, _ = create_product(db, store, stock=0)
    ctx = product_context(db, product.id, None)
    assert ctx["default_sku_id"] is None
    assert ctx["skus"][0].available == 0


def test_hidden_product_page_is_404_for_buyers(client: TestClient, db: Session) -> None:
    store = create_store(db)
    product, _ = create_product(db, store, status="hidden")
    db.commit()
    assert client.get(f"/products/{product.id}", headers=HTML).status_code == 404


def test_search_page_with_filters(client: TestClient, db: Session) -> None:
    store = create_store(db)
    create_product(db, store, title="洛川苹果")
    db.commit()
    ctx = search_context(db, q="苹果", macro_region="west")
    assert [i.title for i in ctx["results"].items] == ["洛川苹果"]
    html = client.get("/search?q=%22%25*", headers=HTML)
    assert html.status_code == 200
    assert client.get("/search?q=苹果&macro_region=west", headers=HTML).text.count("洛川苹果") >= 1


def test_category_page_and_unknown_category(client: TestClient, db: Session) -> None:
    store = create_store(db)
    create_product(db, store, title="秦岭香菇", category="mushroom")
    db.commit()
    assert "秦岭香菇" in client.get("/categories/mushroom", headers=HTML).text
    assert client.get("/categories/nothing", headers=HTML).status_code == 404


def test_store_page_shows_region_path_and_products(client: TestClient, db: Session) -> None:
    store = create_store(db, name="武功果园", description="<i>自家种</i>")
    create_product(db, store, title="徐香猕猴桃")
    db.commit()
    html = client.get(f"/stores/{store.id}", headers=HTML).text
    assert "陕西省 · 咸阳市 · 武功县" in html
    assert "徐香猕猴桃" in html
    assert "&lt;i&gt;自家种&lt;/i&gt;" in html


def test_seller_products_page_is_owner_only(client: TestClient, db: Session) -> None:
    owner = create_user(db)
    store = create_store(db, owner=owner)
    create_product(db, store, title="我的商品", stock=12)
    _sign_in(client, db, create_user(db, roles=("seller",)))
    assert client.get(f"/seller/stores/{store.id}/products", headers=HTML).status_code == 403
    _sign_in(client, db, owner)
    html = client.get(f"/seller/stores/{store.id}/products", headers=HTML).text
    assert "我的商品" in html and 'value="12"' in html


def test_quick_stock_edit_from_list(client: TestClient, db: Session) -> None:
    owner = create_user(db)
    store = create_store(db, owner=owner)
    _, sku = create_product(db, store, stock=12)
    _sign_in(client, db, owner)
    response = client.post(
        f"/seller/skus/{sku.id}/stock",
        data={"on_hand": "30", "back": "list"},
        headers=HTML,
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/seller/stores/{store.id}/products?saved={sku.id}"
    db.refresh(sku)
    assert sku.on_hand == 30


def test_quick_stock_edit_refusal_shows_error_page(client: TestClient, db: Session) -> None:
    owner = create_user(db)
    store = create_store(db, owner=owner)
    _, sku = create_product(db, store, stock=12)
    _sign_in(client, db, owner)
    response = client.post(f"/seller/skus/{sku.id}/stock", data={"on_hand": "-3"}, headers=HTML)
    assert response.status_code == 422
    db.refresh(sku)
    assert sku.on_hand == 12


def test_new_product_form_with_photo(client: TestClient, db: Session) -> None:
    owner = create_user(db)
    store = create_store(db, owner=owner)
    _sign_in(client, db, owner)
    assert client.get(f"/seller/stores/{store.id}/products/new", headers=HTML).status_code == 200
    response = client.post(
        f"/seller/stores/{store.id}/products/new",
        data={
            "title": "眉县猕猴桃",
            "category_code": "fruit",
            "origin_county_code": "610326",
            "perishable": "on",
            "shelf_life_days": "20",
            "sku_name": "5斤装",
            "price_yuan": "39.9",
            "on_hand": "40",
            "weight_g": "2500",
            "description": "",
        },
        files={"photo": ("kiwi.jpg", image_bytes("JPEG"), "image/jpeg")},
        headers=HTML,
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    product = db.scalars(select(Product).where(Product.store_id == store.id)).one()
    assert response.headers["location"] == f"/seller/products/{product.id}?created=1"
    sku = db.scalars(select(Sku).where(Sku.product_id == product.id)).one()
    assert (sku.price_fen, sku.on_hand, product.shelf_life_days) == (3990, 40, 20)
    assert db.scalar(select(func.count()).select_from(ProductPhoto)) == 1


def test_new_product_form_errors_are_shown_and_nothing_saved(
    client: TestClient, db: Session
) -> None:
    owner = create_user(db)
    store = create_store(db, owner=owner)
    _sign_in(client, db, owner)
    response = client.post(
        f"/seller/stores/{store.id}/products/new",
        data={
            "title": "新鲜土鸡蛋",
            "category_code": "meat_egg",
            "origin_county_code": "610431",
            "perishable": "on",
            "shelf_life_days": "",
            "sku_name": "30枚",
            "price_yuan": "45",
            "on_hand": "10",
        },
        files={"photo": ("x.png", b"not an image", "image/png")},
        headers=HTML,
    )
    assert response.status_code == 422
    assert "生鲜商品必须填写保质期" in response.text
    assert 'value="新鲜土鸡蛋"' in response.text
    assert db.scalar(select(func.count()).select_from(Product)) == 0


def test_new_product_bad_price_is_shown(client: TestClient, db: Session) -> None:
    owner = create_user(db)
    store = create_store(db, owner=owner)
    _sign_in(client, db, owner)
    response = client.post(
        f"/seller/stores/{store.id}/products/new",
        data={
            "title": "蜂蜜",
            "category_code": "honey",
            "origin_county_code": "610431",
            "sku_name": "一斤",
            "price_yuan": "12.345",
            "on_hand": "10",
        },
        headers=HTML,
    )
    assert response.status_code == 422
    assert "价格格式不正确" in response.text
    assert db.scalar(select(func.count()).select_from(Product)) == 0


def test_edit_product_page_and_save(client: TestClient, db: Session) -> None:
    owner = create_user(db)
    store = create_store(db, owner=owner)
    product, sku = create_product(db, store, title="旧标题", price_fen=1000)
    _sign_in(client, db, owner)
    page = client.get(f"/seller/products/{product.id}", headers=HTML)
    assert page.status_code == 200 and 'value="10.00"' in page.text
    response = client.post(
        f"/seller/products/{product.id}",
        data={
            "title": "新标题",
            "category_code": "fruit",
            "origin_county_code": "610431",
            "status": "hidden",
            "description": "",
        },
        headers=HTML,
        follow_redirects=False,
    )
    assert response.status_code == 303
    price = client.post(
        f"/seller/skus/{sku.id}",
        data={"name": "大果", "price_yuan": "12.50"},
        headers=HTML,
        follow_redirects=False,
    )
    assert price.status_code == 303
    db.refresh(product)
    db.refresh(sku)
    assert (product.title, product.status, sku.name, sku.price_fen) == (
        "新标题",
        "hidden",
        "大果",
        1250,
    )


def test_seller_photo_upload_and_delete(client: TestClient, db: Session) -> None:
    owner = create_user(db)
    store = create_store(db, owner=owner)
    product, _ = create_product(db, store)
    _sign_in(client, db, owner)
    upload = client.post(
        f"/seller/products/{product.id}/photos",
        files={"photo": ("a.webp", image_bytes("WEBP"), "image/webp")},
        headers=HTML,
        follow_redirects=False,
    )
    assert upload.status_code == 303
    photo = db.scalars(select(ProductPhoto)).one()
    delete = client.post(f"/seller/photos/{photo.id}/delete", headers=HTML, follow_redirects=False)
    assert delete.status_code == 303
    assert db.scalar(select(func.count()).select_from(ProductPhoto)) == 0


def test_seller_pages_need_sign_in(client: TestClient, db: Session) -> None:
    store = create_store(db)
    db.commit()
    response = client.get(
        f"/seller/stores/{store.id}/products/new", headers=HTML, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"].startswith("/signin?next=")
