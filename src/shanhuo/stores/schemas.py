"""Pydantic shapes for stores in and out of the API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shanhuo.kit.types import LongText, Mobile, RegionCode, ShortText

CategoryCode = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=24, pattern=r"^[a-z_]+$")
]
AddressLine = Annotated[LongText, StringConstraints(max_length=200)]


class StoreCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: ShortText
    category_code: CategoryCode
    description: LongText = ""
    county_code: RegionCode
    township_code: RegionCode | None = None
    village_code: RegionCode | None = None
    address: AddressLine = ""
    contact_mobile: Mobile


class StoreUpdate(BaseModel):
    """All optional: only the fields sent are changed. Location fields move as a group."""

    model_config = ConfigDict(extra="forbid")

    name: ShortText | None = None
    category_code: CategoryCode | None = None
    description: LongText | None = None
    county_code: RegionCode | None = None
    township_code: RegionCode | None = None
    village_code: RegionCode | None = None
    address: AddressLine | None = None
    contact_mobile: Mobile | None = None


class RegionRef(BaseModel):
    code: str
    name: str
    level: str


class StoreRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    owner_id: int
    name: str
    category_code: str
    description: str
    county_code: str
    township_code: str | None
    village_code: str | None
    province_code: str
    address: str
    contact_mobile_masked: str
    status: str
    opened_at: datetime
    closed_at: datetime | None
    region_path: list[RegionRef] = Field(default_factory=list)


class StoreOwnerRead(StoreRead):
    """What the owner sees: also the contact number (others never get it unmasked)."""

    contact_mobile: str


class StoreList(BaseModel):
    items: list[StoreOwnerRead]
