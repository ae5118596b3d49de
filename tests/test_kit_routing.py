"""kit.routing: one flat route list, and every request still reaches the route it did before."""

from __future__ import annotations

import re

import pytest
from fastapi import APIRouter, Depends, FastAPI, HTTPException
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import Match

from shanhuo import routes as app_routes
from shanhuo.config import Settings
from shanhuo.kit import routing


def _sample_path(path_format: str) -> str:
    return re.sub(r"\{[^}]+\}", "7", path_format)


def _first_match(app: FastAPI, path: str, method: str) -> object:
    """The endpoint the app's router picks for a request, as Starlette's loop picks it."""
    scope = {"type": "http", "method": method, "path": path, "root_path": "", "headers": []}
    for route in app.router.routes:
        match, _ = route.matches(scope)
        if match is Match.FULL:
            if isinstance(route, APIRoute):
                return route.endpoint
            # an included router: FastAPI's own choice within it, down to the route
            while isinstance(route, routing._IncludedRouter):  # type: ignore[arg-type]
                route = route._match(scope)[2]
            return getattr(route, "endpoint", route)
    return None


def _apps(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> tuple[FastAPI, FastAPI]:
    flat = FastAPI()
    app_routes.include_routes(flat, settings)
    nested = FastAPI()
    monkeypatch.setattr(app_routes, "flatten_included_routers", lambda app: None)
    app_routes.include_routes(nested, settings)
    return flat, nested


def test_every_route_is_reached_as_before(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    flat, nested = _apps(settings, monkeypatch)
    checked = 0
    for node in nested.router.routes:
        if not isinstance(node, routing._IncludedRouter):  # type: ignore[arg-type]
            continue
        for context in node.effective_route_contexts():
            route = context.original_route
            if not isinstance(route, APIRoute):
                continue
            path = _sample_path(context.path_format)
            for method in sorted(route.methods or ()):
                assert _first_match(flat, path, method) is _first_match(nested, path, method), (
                    method,
                    path,
                )
                checked += 1
    assert checked > 150  # every API route and page, not a handful


def test_the_app_list_is_flat_where_nothing_was_added(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    flat, _ = _apps(settings, monkeypatch)
    top = {getattr(r, "path", None): r for r in flat.router.routes}
    # the hottest route there is, and the pages, are matched directly (this fails if a
    # FastAPI upgrade stops the flattening: routing would silently get slower)
    assert isinstance(top["/api/live/deals/{deal_id}/orders"], APIRoute)
    assert isinstance(top["/"], APIRoute)
    assert isinstance(top["/healthz"], APIRoute)
    kept = [r for r in flat.router.routes if isinstance(r, routing._IncludedRouter)]  # type: ignore[arg-type]
    # the regions admin routes keep require_role("admin"), given at their inclusion
    assert any(r.include_context.dependencies for r in kept)


def test_a_guard_given_at_inclusion_is_kept() -> None:
    def refuse() -> None:
        raise HTTPException(status_code=403)

    inner = APIRouter()

    @inner.get("/guarded")
    def guarded() -> dict[str, str]:
        return {"ok": "yes"}

    outer = APIRouter()

    @outer.get("/open")
    def open_() -> dict[str, str]:
        return {"ok": "yes"}

    outer.include_router(inner, dependencies=[Depends(refuse)])
    app = FastAPI()
    app.include_router(outer)
    routing.flatten_included_routers(app)
    top = [getattr(r, "path", None) for r in app.router.routes if isinstance(r, APIRoute)]
    assert "/open" in top and "/guarded" not in top
    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/open").status_code == 200
        assert client.get("/guarded").status_code == 403
