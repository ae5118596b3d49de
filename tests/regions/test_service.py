"""Region look-ups, search and operator-added townships/villages (both databases)."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from shanhuo.kit.errors import Conflict, Invalid, NotFound
from shanhuo.models import Region
from shanhuo.regions import service
from tests.helpers.regions import a_county, create_township, create_village, region_count


def test_get_region_returns_the_row(db: Session) -> None:
    region = service.get_region(db, "610115")
    assert (region.name, region.level) == ("临潼区", "county")


def test_get_region_unknown_code_is_not_found(db: Session) -> None:
    with pytest.raises(NotFound) as caught:
        service.get_region(db, "610199")
    assert caught.value.code == "region_not_found"


@pytest.mark.parametrize("code", ["61011", "abc", "6101150", ""])
def test_get_region_malformed_code_is_invalid(db: Session, code: str) -> None:
    with pytest.raises(Invalid) as caught:
        service.get_region(db, code)
    assert caught.value.code == "region_code_malformed"


def test_list_provinces_gives_31_in_code_order(db: Session) -> None:
    provinces = service.list_provinces(db)
    assert len(provinces) == 31
    assert provinces[0].code == "110000"
    assert provinces[-1].code == "650000"


def test_children_of_a_prefecture_are_its_counties(db: Session) -> None:
    children = service.list_children(db, "610100")
    assert {c.level for c in children} == {"county"}
    assert "610115" in [c.code for c in children]
    assert [c.code for c in children] == sorted(c.code for c in children)


def test_children_of_henan_are_prefectures_then_jiyuan(db: Session) -> None:
    children = service.list_children(db, "410000")
    levels = [c.level for c in children]
    assert levels.count("prefecture") == 17
    assert levels[-1] == "county"
    assert children[-1].code == "419001"


def test_children_of_beijing_are_counties(db: Session) -> None:
    children = service.list_children(db, "110000")
    assert len(children) == 16
    assert {c.level for c in children} == {"county"}


def test_children_of_an_unknown_region_is_not_found(db: Session) -> None:
    with pytest.raises(NotFound):
        service.list_children(db, "999999")


def test_search_by_name(db: Session) -> None:
    results = service.search_regions(db, "临潼")
    assert [r.code for r in results] == ["610115"]


def test_search_by_code_prefix_and_level(db: Session) -> None:
    results = service.search_regions(db, "6101", level="county", limit=50)
    assert results and all(r.code.startswith("6101") and r.level == "county" for r in results)


def test_search_puts_broader_levels_first(db: Session) -> None:
    results = service.search_regions(db, "西安")
    assert results[0].code == "610100"


def test_search_treats_like_wildcards_literally(db: Session) -> None:
    assert service.search_regions(db, "%") == []
    assert service.search_regions(db, "_") == []


def test_search_empty_query_is_invalid(db: Session) -> None:
    with pytest.raises(Invalid) as caught:
        service.search_regions(db, "  ")
    assert caught.value.code == "region_query_empty"


def test_search_unknown_level_is_invalid(db: Session) -> None:
    with pytest.raises(Invalid) as caught:
        service.search_regions(db, "西安", level="hamlet")
    assert caught.value.code == "region_level_unknown"


def test_require_level_accepts_the_level(db: Session) -> None:
    assert service.require_level(db, "610115", "county").code == "610115"
    assert service.require_level(db, "610115", ("county", "township")).code == "610115"


def test_require_level_refuses_another_level(db: Session) -> None:
    with pytest.raises(Invalid) as caught:
        service.require_level(db, "610100", "county")
    assert caught.value.code == "region_level_mismatch"
    assert caught.value.extra == {"expected": ["county"], "actual": "prefecture"}
    assert "西安市" in caught.value.message_zh


def test_require_level_on_an_unknown_code_is_not_found(db: Session) -> None:
    with pytest.raises(NotFound):
        service.require_level(db, "610199", "county")


def test_create_township_and_village(db: Session) -> None:
    county = a_county(db, province="61")
    township = create_township(db, county=county.code, suffix="901", name="猕猴桃镇")
    village = create_village(db, township=township.code, suffix="201", households=320)
    db.flush()
    stored = db.get(Region, village.code)
    assert stored is not None
    assert (stored.level, stored.parent_code, stored.province_code, stored.households) == (
        "village",
        township.code,
        "61",
        320,
    )
    assert township.parent_code == county.code
    assert township.source == "operator"
    assert service.require_level(db, village.code, "village") is stored


def test_a_township_may_sit_under_a_prefecture_without_counties(db: Session) -> None:
    township = service.create_region(db, code="441900003", name="东城街道", level="township")
    assert township.parent_code == "441900"


def test_a_township_may_not_sit_under_a_prefecture_with_counties(db: Session) -> None:
    before = region_count(db)
    with pytest.raises(Invalid) as caught:
        service.create_region(db, code="610100901", name="某镇", level="township")
    assert caught.value.code == "region_parent_missing"
    assert region_count(db) == before


def test_create_without_parent_is_refused(db: Session) -> None:
    before = region_count(db)
    with pytest.raises(Invalid) as caught:
        service.create_region(db, code="610115901201", name="某村", level="village")
    assert caught.value.code == "region_parent_missing"
    assert region_count(db) == before


def test_create_twice_is_a_conflict(db: Session) -> None:
    county = a_county(db)
    create_township(db, county=county.code, suffix="902")
    before = region_count(db)
    with pytest.raises(Conflict) as caught:
        create_township(db, county=county.code, suffix="902", name="另一个镇")
    assert caught.value.code == "region_exists"
    assert region_count(db) == before


@pytest.mark.parametrize(
    ("code", "level", "error"),
    [
        ("610115", "county", "region_level_not_creatable"),
        ("610115901201", "township", "region_code_level_mismatch"),
        ("61011590x", "township", "region_code_malformed"),
    ],
)
def test_create_refuses_bad_shapes(db: Session, code: str, level: str, error: str) -> None:
    before = region_count(db)
    with pytest.raises(Invalid) as caught:
        service.create_region(db, code=code, name="某地", level=level)
    assert caught.value.code == error
    assert region_count(db) == before


def test_ancestors_run_from_the_province_down(db: Session) -> None:
    county = service.get_region(db, "610115")
    assert [a.code for a in service.ancestors_of(db, county)] == ["610000", "610100"]
