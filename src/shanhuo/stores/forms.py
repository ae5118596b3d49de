"""Helpers for HTML forms: turning validation and domain errors into messages on the form.

A form that fails is shown again with what the person typed and the reasons, in both
languages — never a bare error page for a typo.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from shanhuo.kit.errors import Invalid, ShanhuoError
from shanhuo.kit.money import yuan_to_fen

M = TypeVar("M", bound=BaseModel)

FIELD_NAMES: dict[str, tuple[str, str]] = {
    "name": ("名称", "Name"),
    "title": ("商品名称", "Title"),
    "category_code": ("品类", "Category"),
    "description": ("介绍", "Description"),
    "county_code": ("县（区）代码", "County code"),
    "township_code": ("乡镇代码", "Township code"),
    "village_code": ("村代码", "Village code"),
    "origin_county_code": ("产地县代码", "Origin county code"),
    "address": ("地址", "Address"),
    "contact_mobile": ("联系手机", "Contact mobile"),
    "shelf_life_days": ("保质期（天）", "Shelf life (days)"),
    "price_fen": ("价格", "Price"),
    "price_yuan": ("价格", "Price"),
    "on_hand": ("库存", "Stock"),
    "weight_g": ("重量（克）", "Weight (g)"),
    "sku_name": ("规格名称", "Variant name"),
}


@dataclass(frozen=True)
class FormError:
    zh: str
    en: str
    field: str = ""


class FormInvalid(Invalid):
    """A form's fields failed validation; ``errors`` says which and why, for the page."""

    def __init__(self, errors: list[FormError]) -> None:
        fields = "、".join(e.field for e in errors if e.field) or "表单"
        super().__init__(
            "validation_failed",
            f"输入有误：{fields}",
            f"Invalid input: {', '.join(e.field for e in errors if e.field) or 'form'}",
        )
        self.errors = errors


def parse_form(model: type[M], values: dict[str, Any]) -> M:
    """Build ``model`` from form values; a ``FormInvalid`` (422) instead of a pydantic error."""
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        raise FormInvalid(validation_errors(exc)) from exc


def form_errors(exc: ShanhuoError) -> list[FormError]:
    """The messages to show on a form for any domain error."""
    if isinstance(exc, FormInvalid):
        return exc.errors
    return domain_errors(exc)


def parse_yuan(text: str, *, field: str = "price_yuan") -> int:
    """A price typed in yuan ("12.3", "¥12.30") as fen; 422 ``price_invalid`` if unreadable."""
    try:
        return yuan_to_fen(text)
    except (ArithmeticError, ValueError):
        raise Invalid(
            "price_invalid",
            "价格格式不正确，例如 12.50",
            "Price is not a valid amount, e.g. 12.50",
            field=field,
        ) from None


def parse_int(text: str, *, field: str, required: bool = True) -> int | None:
    text = (text or "").strip()
    if not text:
        if required:
            raise Invalid(
                "field_required",
                f"{_label(field)[0]}不能为空",
                f"{_label(field)[1]} is required",
                field=field,
            )
        return None
    try:
        return int(text)
    except ValueError:
        raise Invalid(
            "integer_expected",
            f"{_label(field)[0]}应为整数",
            f"{_label(field)[1]} must be a whole number",
            field=field,
        ) from None


def _label(field: str) -> tuple[str, str]:
    return FIELD_NAMES.get(field, (field, field))


def validation_errors(exc: ValidationError) -> list[FormError]:
    errors: list[FormError] = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ()) if not isinstance(p, int)]
        field = loc[-1] if loc else ""
        if field == "skus" or (len(loc) > 1 and loc[0] == "skus"):
            field = {"name": "sku_name"}.get(field, field)
        zh_name, en_name = FIELD_NAMES.get(field, (field, field))
        errors.append(FormError(f"{zh_name}：填写有误", f"{en_name}: {err.get('msg', '')}", field))
    return errors


def domain_errors(exc: ShanhuoError) -> list[FormError]:
    return [FormError(exc.message_zh, exc.message_en, str(exc.extra.get("field", "")))]


def blank_to_none(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None
