"""Pydantic shapes for products, variants (SKUs), stock and photos."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shanhuo.kit.pagination import Page
from shanhuo.kit.types import LongText, PositiveFen, RegionCode, ShortText, StockCount
from shanhuo.stores.schemas import CategoryCode, RegionRef

SkuName = Annotated[ShortText, StringConstraints(max_length=40)]
WeightGrams = Annotated[int, Field(ge=0, le=1_000_000)]
ShelfLifeDays = Annotated[int, Field(ge=1, le=3650)]
ProductStatus = Literal["active", "hidden"]


class SkuCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: SkuName
    price_fen: PositiveFen
    on_hand: StockCount = 0
    weight_g: WeightGrams = 0


class SkuUpdate(BaseModel):
    """Price and name. Stock changes go through ``PUT /api/skus/{id}/stock``."""

    model_config = ConfigDict(extra="forbid")

    name: SkuName | None = None
    price_fen: PositiveFen | None = None
    weight_g: WeightGrams | None = None


class StockSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    on_hand: StockCount


class SkuRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    product_id: int
    name: str
    price_fen: int
    on_hand: int
    reserved: int
    available: int
    weight_g: int


class ProductCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: ShortText
    description: LongText = ""
    category_code: CategoryCode
    origin_county_code: RegionCode
    perishable: bool = False
    shelf_life_days: int | None = None
    status: ProductStatus = "active"
    skus: list[SkuCreate] = Field(min_length=1, max_length=20)


class ProductUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: ShortText | None = None
    description: LongText | None = None
    category_code: CategoryCode | None = None
    origin_county_code: RegionCode | None = None
    perishable: bool | None = None
    shelf_life_days: int | None = None
    status: ProductStatus | None = None


class PhotoRead(BaseModel):
    id: int
    url: str
    content_type: str
    width: int
    height: int
    size_bytes: int


class ProductRead(BaseModel):
    id: int
    store_id: int
    store_name: str
    title: str
    description: str
    category_code: str
    origin_county_code: str
    origin_province_code: str
    origin_path: list[RegionRef]
    perishable: bool
    shelf_life_days: int | None
    status: str
    price_low_fen: int | None
    price_high_fen: int | None
    skus: list[SkuRead]
    photos: list[PhotoRead]
    created_at: datetime
    updated_at: datetime


class ProductCard(BaseModel):
    """One tile of a browse or search result: small on purpose."""

    id: int
    store_id: int
    title: str
    category_code: str
    origin_province_code: str
    perishable: bool
    price_low_fen: int | None
    price_high_fen: int | None
    available: int
    photo_url: str | None


class ProductPage(Page[ProductCard]):
    pass


class CategoryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    name_zh: str
    name_en: str
