"""Regions pages (both databases)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from shanhuo.regions.pages import region_context, regions_context

HTML = {"accept": "text/html"}


def test_regions_context_groups_provinces_by_macro_region(db: Session) -> None:
    ctx = regions_context(db)
    assert ctx["total"] == 31
    assert [(m.key, len(ps)) for m, ps in ctx["groups"]] == [
        ("east", 10),
        ("central", 6),
        ("west", 12),
        ("northeast", 3),
    ]


def test_region_context_has_ancestors_and_children(db: Session) -> None:
    ctx = region_context(db, "610100")
    assert [a.code for a in ctx["ancestors"]] == ["610000"]
    assert "610115" in [c.code for c in ctx["children"]]
    assert ctx["macro"].key == "west"


def test_regions_page_renders_the_picker_markup(client: TestClient) -> None:
    response = client.get("/regions", headers=HTML)
    assert response.status_code == 200
    assert 'data-region-picker data-region-target="code"' in response.text
    assert '<script src="/static/region-picker.js" defer></script>' in response.text
    assert "陕西省" in response.text


def test_a_typed_code_without_javascript_leads_to_the_region(client: TestClient) -> None:
    response = client.get(
        "/regions", params={"code": "610115"}, headers=HTML, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/regions/610115"
    page = client.get("/regions/610115", headers=HTML)
    assert page.status_code == 200
    assert "临潼区" in page.text and "西安市" in page.text


def test_an_unknown_region_page_is_404(client: TestClient) -> None:
    response = client.get("/regions/610199", headers=HTML)
    assert response.status_code == 404
    assert "region_not_found" in response.text


def test_the_picker_script_is_served(client: TestClient) -> None:
    response = client.get("/static/region-picker.js")
    assert response.status_code == 200
    assert "data-region-picker" in response.text
