"""HTML pages for the seller's workbench: my stores, open a store, edit or close it.

The buyer's store page (``/stores/{id}``) lists products, so it lives in ``catalog.pages``
(catalog sits above stores and may read both).

Handlers build a context dict with the same services the API uses, then render a template.
Forms POST and answer with a 303 redirect; a form that fails is shown again with the reasons.
"""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from shanhuo.accounts.deps import CurrentUser
from shanhuo.kit.deps import Db
from shanhuo.kit.errors import ShanhuoError
from shanhuo.models import Region, Store, User
from shanhuo.stores import service
from shanhuo.stores.forms import FormError, blank_to_none, form_errors, parse_form
from shanhuo.stores.locations import path_label, region_path
from shanhuo.stores.schemas import StoreCreate, StoreUpdate
from shanhuo.web.render import redirect, render

router = APIRouter(include_in_schema=False)

STORE_FIELDS = (
    "name",
    "category_code",
    "description",
    "county_code",
    "township_code",
    "village_code",
    "address",
    "contact_mobile",
)


def workbench_context(session: Session, user: User) -> dict[str, Any]:
    stores = service.list_stores_of(session, user)
    paths = {s.id: path_label(region_path(session, s.county_code)) for s in stores}
    return {"stores": stores, "region_labels": paths}


@router.get("/seller", response_class=HTMLResponse)
def workbench(request: Request, db: Db, user: CurrentUser) -> Response:
    return render(request, "seller/home.html", workbench_context(db, user))


def _province_choices(session: Session) -> list[Region]:
    return list(
        session.scalars(select(Region).where(Region.level == "province").order_by(Region.code))
    )


def _county_choices(session: Session, province: str | None) -> list[Region]:
    """Counties of one province for the <datalist> (small: one province at a time)."""
    if not province or len(province) != 2 or not province.isdigit():
        return []
    return list(
        session.scalars(
            select(Region)
            .where(Region.level == "county", Region.province_code == province)
            .order_by(Region.code)
        )
    )


def store_form_context(
    session: Session,
    *,
    values: dict[str, Any],
    province: str | None = None,
    errors: list[FormError] | None = None,
    store: Store | None = None,
) -> dict[str, Any]:
    province = province or (values.get("county_code") or "")[:2] or None
    return {
        "values": values,
        "errors": errors or [],
        "categories": service.list_categories(session),
        "provinces": _province_choices(session),
        "province": province,
        "counties": _county_choices(session, province),
        "store": store,
    }


@router.get("/seller/stores/new", response_class=HTMLResponse)
def new_store_form(
    request: Request, db: Db, user: CurrentUser, province: str | None = None
) -> Response:
    values = {"contact_mobile": user.mobile, "category_code": "fruit"}
    ctx = store_form_context(db, values=values, province=province)
    return render(request, "seller/store_new.html", ctx)


FormText = Annotated[str, Form()]


def store_form_values(
    name: FormText = "",
    category_code: FormText = "",
    description: FormText = "",
    county_code: FormText = "",
    township_code: FormText = "",
    village_code: FormText = "",
    address: FormText = "",
    contact_mobile: FormText = "",
) -> dict[str, str]:
    """The store form as typed (shown again on error), codes and mobile trimmed."""
    return {
        "name": name,
        "category_code": category_code,
        "description": description,
        "county_code": county_code.strip(),
        "township_code": township_code.strip(),
        "village_code": village_code.strip(),
        "address": address,
        "contact_mobile": contact_mobile.strip(),
    }


StoreFormValues = Annotated[dict[str, str], Depends(store_form_values)]
FormModel = TypeVar("FormModel", StoreCreate, StoreUpdate)


def _parse_store_form(model: type[FormModel], values: dict[str, str]) -> FormModel:
    """Blank optional codes mean "none"; the schema does the rest of the checking."""
    return parse_form(
        model,
        {
            **values,
            "township_code": blank_to_none(values["township_code"]),
            "village_code": blank_to_none(values["village_code"]),
        },
    )


@router.post("/seller/stores/new", response_class=HTMLResponse)
def open_store_submit(
    request: Request, db: Db, user: CurrentUser, values: StoreFormValues
) -> Response:
    try:
        store = service.open_store(db, user, _parse_store_form(StoreCreate, values))
        db.commit()
    except ShanhuoError as exc:
        db.rollback()
        errors = form_errors(exc)
    else:
        return redirect(f"/seller/stores/{store.id}?opened=1")
    ctx = store_form_context(db, values=values, errors=errors)
    return render(request, "seller/store_new.html", ctx, status_code=422)


def _store_values(store: Store) -> dict[str, Any]:
    return {field: getattr(store, field) or "" for field in STORE_FIELDS}


@router.get("/seller/stores/{store_id}", response_class=HTMLResponse)
def edit_store_form(
    request: Request,
    store_id: int,
    db: Db,
    user: CurrentUser,
    province: str | None = None,
    opened: int = 0,
    saved: int = 0,
) -> Response:
    store = service.get_owned_store(db, store_id, user)
    ctx = store_form_context(db, values=_store_values(store), province=province, store=store)
    ctx.update(opened=bool(opened), saved=bool(saved))
    return render(request, "seller/store_edit.html", ctx)


@router.post("/seller/stores/{store_id}", response_class=HTMLResponse)
def edit_store_submit(
    request: Request, store_id: int, db: Db, user: CurrentUser, values: StoreFormValues
) -> Response:
    store = service.get_owned_store(db, store_id, user)
    try:
        data = _parse_store_form(StoreUpdate, values)
        service.update_store(db, store.id, data, user=user)
        db.commit()
    except ShanhuoError as exc:
        db.rollback()
        errors = form_errors(exc)
    else:
        return redirect(f"/seller/stores/{store_id}?saved=1")
    db.refresh(store)
    ctx = store_form_context(db, values=values, errors=errors, store=store)
    return render(request, "seller/store_edit.html", ctx, status_code=422)


@router.post("/seller/stores/{store_id}/close")
def close_store_submit(store_id: int, db: Db, user: CurrentUser) -> Response:
    service.close_store(db, store_id, user=user)
    db.commit()
    return redirect(f"/seller/stores/{store_id}")


@router.post("/seller/stores/{store_id}/reopen")
def reopen_store_submit(store_id: int, db: Db, user: CurrentUser) -> Response:
    service.reopen_store(db, store_id, user=user)
    db.commit()
    return redirect(f"/seller/stores/{store_id}")
