"""Routing every request through one flat list of routes.

Since FastAPI 0.137, ``include_router`` keeps each included router as a node of its own, and a
request walks those nodes twice: the app's router asks every node in turn whether it matches
(each node scans all of its routes, with FastAPI's per-candidate scope bookkeeping), then the
chosen node scans its routes again to pick the route. Measured on this app (21 routers, 206
routes; in-process, one pass of the app's router): 97 µs for the flash-deal order route, 110 µs
for the benchmark's echo, 206 µs for the home page, each paid twice per request; py-spy put
about 40 % of the echo endpoint's CPU there. Routes in the app's own list are matched by
Starlette's plain loop, as before 0.137: one pass, 58 / 66 / 120 µs for the same three.

``flatten_included_routers`` lifts the routes of every included router whose inclusion added
nothing of its own (no prefix, tags, dependencies, responses, callbacks, …) into the app's
list, in the same order, so the first route that matched before is the first that matches
now. A router included *with* something (``accounts.api`` includes the regions admin routes
behind ``require_role("admin")``) stays a node, with the context it had, so its routes keep
their guard. Router lifespans were merged into the app's when they were included, and
``APIRouter(tags=…, include_in_schema=…)`` settings live on each route already. One thing is
lost: ``app.dependency_overrides`` is not consulted by a lifted route (the app and its tests
set none).

This reads FastAPI's private ``_IncludedRouter`` (pinned in requirements-dev.lock); if a later
FastAPI renames it, nothing is flattened and routing is only slower, and
``tests/test_kit_routing.py`` fails to say so.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.datastructures import DefaultPlaceholder

try:  # private: see the module docstring
    from fastapi.routing import _IncludedRouter
except ImportError:  # pragma: no cover - only on a FastAPI without it
    _IncludedRouter = None  # type: ignore[assignment,misc]


def _adds_nothing(context: Any) -> bool:
    """True if an inclusion changed nothing about its routes (``app.include_router(r)``).
    ``include_in_schema=False`` counts as nothing when every route of the router says so
    itself (a pages router: ``APIRouter(include_in_schema=False)`` sets it on each route)."""
    hidden = all(
        not getattr(route, "include_in_schema", True)
        for route in context.included_router.routes
        if not isinstance(route, _IncludedRouter)
    )
    return (
        not context.prefix
        and not context.tags
        and not context.dependencies
        and not context.responses
        and not context.callbacks
        and not context.deprecated
        and (context.include_in_schema or hidden)
        and context.max_body_size is None
        and isinstance(context.default_response_class, DefaultPlaceholder)
        and isinstance(context.generate_unique_id_function, DefaultPlaceholder)
        # the app passes its own value down; True is every route's default
        and _value(context.strict_content_type) is True
    )


def _value(setting: Any) -> Any:
    return setting.value if isinstance(setting, DefaultPlaceholder) else setting


def _flat(routes: list[Any], parent: Any | None) -> list[Any]:
    out: list[Any] = []
    for route in routes:
        if _IncludedRouter is None or not isinstance(route, _IncludedRouter):
            out.append(route)
            continue
        # A nested node's own context is completed by its parent's, as FastAPI does when it
        # walks the tree (``_IncludedRouter.effective_candidates``).
        node = (
            route
            if parent is None
            else _IncludedRouter(
                original_router=route.original_router,
                include_context=parent.include_context.combine(route.include_context),
            )
        )
        if _adds_nothing(node.include_context):
            out.extend(_flat(list(route.original_router.routes), node))
        else:
            out.append(node)
    return out


def flatten_included_routers(app: FastAPI) -> None:
    """Lift the routes of plainly included routers into the app's route list (see the module
    docstring). Call once, after every ``include_router``."""
    app.router.routes[:] = _flat(list(app.router.routes), None)
