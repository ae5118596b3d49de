"""Seller workbench pages for stores: sign-in redirect, open-store form, edit, close."""

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shanhuo.accounts.deps import SESSION_COOKIE
from shanhuo.accounts.tokens import issue_token
from shanhuo.models import Store, User
from shanhuo.stores.pages import workbench_context
from tests.helpers.accounts import create_user
from tests.helpers.stores import create_store

HTML = {"Accept": "text/html"}


def _sign_in(client: TestClient, db: Session, user: User) -> None:
    token = issue_token(db, user, kind="session", days=1)
    db.commit()
    client.cookies.set(SESSION_COOKIE, token)


def test_workbench_needs_sign_in(client: TestClient) -> None:
    response = client.get("/seller", headers=HTML, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/signin?next=%2Fseller"


def test_workbench_context_lists_my_stores_with_region(db: Session) -> None:
    owner = create_user(db)
    store = create_store(db, owner=owner)
    ctx = workbench_context(db, owner)
    assert [s.id for s in ctx["stores"]] == [store.id]
    assert ctx["region_labels"][store.id] == "陕西省 · 咸阳市 · 武功县"


def test_workbench_links_orders_and_settlements(client: TestClient, db: Session) -> None:
    _sign_in(client, db, create_user(db))
    html = client.get("/seller", headers=HTML).text
    assert 'href="/seller/orders"' in html
    assert 'href="/seller/settlements"' in html


def test_open_store_form_submits_and_redirects(client: TestClient, db: Session) -> None:
    owner = create_user(db)
    _sign_in(client, db, owner)
    form = client.get("/seller/stores/new?province=61", headers=HTML)
    assert form.status_code == 200
    assert '<option value="610431">武功县</option>' in form.text
    response = client.post(
        "/seller/stores/new",
        data={
            "name": "秦岭山货铺",
            "category_code": "mushroom",
            "county_code": "610431",
            "township_code": "",
            "village_code": "",
            "contact_mobile": "13800138000",
        },
        headers=HTML,
        follow_redirects=False,
    )
    assert response.status_code == 303
    store = db.scalars(select(Store).where(Store.owner_id == owner.id)).one()
    assert response.headers["location"] == f"/seller/stores/{store.id}?opened=1"
    assert store.category_code == "mushroom"


def test_open_store_form_error_is_shown_and_nothing_created(
    client: TestClient, db: Session
) -> None:
    _sign_in(client, db, create_user(db))
    response = client.post(
        "/seller/stores/new",
        data={
            "name": "<b>好店</b>",
            "category_code": "fruit",
            "county_code": "999999",
            "contact_mobile": "13800138000",
        },
        headers=HTML,
    )
    assert response.status_code == 422
    assert "行政区代码 999999 不存在" in response.text
    assert 'value="&lt;b&gt;好店&lt;/b&gt;"' in response.text
    assert db.scalar(select(func.count()).select_from(Store)) == 0


def test_edit_page_of_another_sellers_store_is_403(client: TestClient, db: Session) -> None:
    store = create_store(db)
    _sign_in(client, db, create_user(db, roles=("seller",)))
    response = client.get(f"/seller/stores/{store.id}", headers=HTML)
    assert response.status_code == 403
    assert "store_not_owned" in response.text


def test_close_from_page_then_store_page_shows_closed(client: TestClient, db: Session) -> None:
    owner = create_user(db)
    store = create_store(db, owner=owner)
    _sign_in(client, db, owner)
    response = client.post(f"/seller/stores/{store.id}/close", headers=HTML, follow_redirects=False)
    assert response.status_code == 303
    db.expire_all()
    assert db.get(Store, store.id).status == "closed"  # type: ignore[union-attr]
    page = client.get(f"/stores/{store.id}", headers=HTML).text
    assert "店铺已关闭" in page


def test_edit_store_form_saves(client: TestClient, db: Session) -> None:
    owner = create_user(db)
    store = create_store(db, owner=owner)
    _sign_in(client, db, owner)
    response = client.post(
        f"/seller/stores/{store.id}",
        data={
            "name": "新店名",
            "category_code": "tea",
            "description": "第一行\n第二行",
            "county_code": "610431",
            "contact_mobile": "13900001111",
        },
        headers=HTML,
        follow_redirects=False,
    )
    assert response.status_code == 303
    db.expire_all()
    saved = db.get(Store, store.id)
    assert saved is not None
    assert (saved.name, saved.category_code, saved.contact_mobile) == (
        "新店名",
        "tea",
        "13900001111",
    )
