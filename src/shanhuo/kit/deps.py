"""Request-scoped dependencies shared by every domain's routes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from shanhuo.config import Settings  # settings is a leaf too
from shanhuo.kit.db import use_sqlite_write_lock_until_commit

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def get_db(request: Request) -> AsyncIterator[Session]:
    """One session per request. Routes that write call ``db.commit()`` themselves, before
    they answer, so "acknowledged" always means "committed"; anything left is rolled back.

    On SQLite only a request that may write takes the write lock, and only until it commits
    (see ``kit.db``). This dependency is ``async`` so its teardown runs on the event loop as
    soon as the response is done, never waiting for a free threadpool slot."""
    session: Session = request.app.state.session_factory()
    use_sqlite_write_lock_until_commit(session, may_write=request.method not in SAFE_METHODS)
    try:
        yield session
    finally:
        session.rollback()
        session.close()


# The two below read attributes only: ``async`` so FastAPI calls them on the event loop (a plain
# ``def`` dependency is sent to the threadpool, a thread hop for every request that uses it).


async def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def client_address(request: Request) -> str:
    forwarded = (
        request.headers.get("x-forwarded-for")
        if request.app.state.settings.env == "production"
        else None
    )
    if forwarded:
        return forwarded.split(",")[0].strip()[:64]
    return (request.client.host if request.client else "unknown")[:64]


Db = Annotated[Session, Depends(get_db)]
AppSettings = Annotated[Settings, Depends(get_settings_dep)]
ClientAddress = Annotated[str, Depends(client_address)]
