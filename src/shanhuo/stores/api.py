"""JSON API routes for stores (thin: parse, one service call, commit, respond)."""

from __future__ import annotations

from fastapi import APIRouter, status

from shanhuo.accounts.deps import CurrentUser, OptionalUser
from shanhuo.kit.deps import Db
from shanhuo.stores import service
from shanhuo.stores.schemas import StoreCreate, StoreList, StoreOwnerRead, StoreRead, StoreUpdate

router = APIRouter(tags=["stores"])


@router.post("/api/stores", status_code=status.HTTP_201_CREATED, response_model=StoreOwnerRead)
def open_store(data: StoreCreate, db: Db, user: CurrentUser) -> StoreOwnerRead:
    store = service.open_store(db, user, data)
    db.commit()
    return service.store_owner_read(db, store)


@router.get("/api/me/stores", response_model=StoreList)
def my_stores(db: Db, user: CurrentUser) -> StoreList:
    stores = service.list_stores_of(db, user)
    return StoreList(items=[service.store_owner_read(db, s) for s in stores])


@router.get("/api/stores/{store_id}", response_model=StoreOwnerRead | StoreRead)
def get_store(store_id: int, db: Db, user: OptionalUser) -> StoreRead:
    store = service.get_store(db, store_id)
    if user is not None and user.id == store.owner_id:
        return service.store_owner_read(db, store)
    return service.store_read(db, store)


@router.patch("/api/stores/{store_id}", response_model=StoreOwnerRead)
def update_store(store_id: int, data: StoreUpdate, db: Db, user: CurrentUser) -> StoreOwnerRead:
    store = service.update_store(db, store_id, data, user=user)
    db.commit()
    return service.store_owner_read(db, store)


@router.post("/api/stores/{store_id}/close", response_model=StoreOwnerRead)
def close_store(store_id: int, db: Db, user: CurrentUser) -> StoreOwnerRead:
    store = service.close_store(db, store_id, user=user)
    db.commit()
    return service.store_owner_read(db, store)


@router.post("/api/stores/{store_id}/reopen", response_model=StoreOwnerRead)
def reopen_store(store_id: int, db: Db, user: CurrentUser) -> StoreOwnerRead:
    store = service.reopen_store(db, store_id, user=user)
    db.commit()
    return service.store_owner_read(db, store)
