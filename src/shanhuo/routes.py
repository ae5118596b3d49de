"""Every domain's API and page routers, in one place so ``app`` stays small."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from shanhuo.config import Settings

health = APIRouter()


@health.get("/healthz", include_in_schema=False)
def healthz() -> dict[str, str]:
    return {"status": "ok"}


def include_routes(app: FastAPI, settings: Settings) -> None:
    app.include_router(health)
    # Each domain adds its API router (prefix /api/...) and its page router here.
