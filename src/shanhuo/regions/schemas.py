"""Pydantic shapes for the regions API."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shanhuo.kit.types import RegionCode, ShortText
from shanhuo.models import Region
from shanhuo.regions import rules

RegionLevel = Literal["province", "prefecture", "county", "township", "village"]


class MacroRegionRead(BaseModel):
    key: str
    name_zh: str
    name_en: str

    @classmethod
    def of(cls, region: rules.MacroRegion) -> MacroRegionRead:
        return cls(key=region.key, name_zh=region.name_zh, name_en=region.name_en)


class RegionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
    level: RegionLevel
    parent_code: str | None
    province_code: str
    households: int | None = None


class ProvinceRead(RegionRead):
    macro_region: MacroRegionRead
    east_or_rest: MacroRegionRead

    @classmethod
    def of(cls, region: Region) -> ProvinceRead:
        return cls(
            **RegionRead.model_validate(region).model_dump(),
            macro_region=MacroRegionRead.of(rules.macro_region_of(region.code)),
            east_or_rest=MacroRegionRead.of(rules.east_or_rest_of(region.code)),
        )


class RegionDetail(RegionRead):
    """One region with its ancestors (province first) and macro-region."""

    ancestors: list[RegionRead]
    macro_region: MacroRegionRead


class RegionList(BaseModel):
    items: list[RegionRead]
    total: int


class ProvinceList(BaseModel):
    items: list[ProvinceRead]
    total: int


class RegionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: RegionCode
    name: ShortText
    level: Literal["township", "village"]
    households: int | None = Field(default=None, ge=0, le=1_000_000)
