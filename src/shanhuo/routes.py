"""Every domain's API and page routers, in one place so ``app`` stays small."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from shanhuo.accounts import api as accounts_api
from shanhuo.accounts import pages as accounts_pages
from shanhuo.catalog import api as catalog_api
from shanhuo.catalog import pages as catalog_pages
from shanhuo.config import Settings
from shanhuo.finance import api as finance_api
from shanhuo.finance import pages as finance_pages
from shanhuo.kit.routing import flatten_included_routers
from shanhuo.live import api as live_api
from shanhuo.live import pages as live_pages
from shanhuo.logistics import api as logistics_api
from shanhuo.logistics import pages as logistics_pages
from shanhuo.orders import api as orders_api
from shanhuo.orders import pages as orders_pages
from shanhuo.payments import api as payments_api
from shanhuo.payments import pages as payments_pages
from shanhuo.regions import api as regions_api
from shanhuo.regions import pages as regions_pages
from shanhuo.report import api as report_api
from shanhuo.report import pages as report_pages
from shanhuo.stores import api as stores_api
from shanhuo.stores import pages as stores_pages

health = APIRouter()


@health.get("/healthz", include_in_schema=False)
def healthz() -> dict[str, str]:
    return {"status": "ok"}


def include_routes(app: FastAPI, settings: Settings) -> None:
    app.include_router(health)
    for api in (
        regions_api,
        accounts_api,
        stores_api,
        catalog_api,
        orders_api,
        payments_api,
        live_api,
        logistics_api,
        finance_api,
        report_api,
    ):
        app.include_router(api.router)
    for pages in (
        regions_pages,
        accounts_pages,
        stores_pages,
        catalog_pages,
        orders_pages,
        payments_pages,
        live_pages,
        logistics_pages,
        finance_pages,
        report_pages,
    ):
        app.include_router(pages.router)
    flatten_included_routers(app)  # one flat list to match: see kit.routing
