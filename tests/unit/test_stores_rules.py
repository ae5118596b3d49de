import pytest

from shanhuo.kit.errors import Conflict, Invalid
from shanhuo.stores.rules import (
    RegionFacts,
    check_can_close,
    check_can_reopen,
    check_store_location,
    province_of,
)

COUNTY = RegionFacts("610431", "county")
TOWNSHIP = RegionFacts("610431100", "township")
VILLAGE = RegionFacts("610431100201", "village")


def _code(exc: pytest.ExceptionInfo[Invalid]) -> str:
    return exc.value.code


def test_county_alone_is_a_valid_location() -> None:
    check_store_location(COUNTY)


def test_county_township_village_nested_is_valid() -> None:
    check_store_location(COUNTY, TOWNSHIP, VILLAGE)


def test_prefecture_is_not_a_county() -> None:
    with pytest.raises(Invalid) as exc:
        check_store_location(RegionFacts("610400", "prefecture"))
    assert _code(exc) == "region_not_county"


def test_township_of_another_county_is_refused() -> None:
    with pytest.raises(Invalid) as exc:
        check_store_location(COUNTY, RegionFacts("610432100", "township"))
    assert _code(exc) == "township_outside_county"


def test_township_field_holding_a_village_is_refused() -> None:
    with pytest.raises(Invalid) as exc:
        check_store_location(COUNTY, VILLAGE)
    assert _code(exc) == "region_not_township"


def test_village_of_another_township_is_refused() -> None:
    with pytest.raises(Invalid) as exc:
        check_store_location(COUNTY, TOWNSHIP, RegionFacts("610431101201", "village"))
    assert _code(exc) == "village_outside_township"


def test_village_without_township_is_refused() -> None:
    with pytest.raises(Invalid) as exc:
        check_store_location(COUNTY, None, VILLAGE)
    assert _code(exc) == "village_without_township"


def test_village_field_holding_a_township_is_refused() -> None:
    with pytest.raises(Invalid) as exc:
        check_store_location(COUNTY, TOWNSHIP, RegionFacts("610431100", "township"))
    assert _code(exc) == "region_not_village"


def test_province_is_two_digit_prefix() -> None:
    assert province_of("530102") == "53"


def test_closing_a_closed_store_conflicts() -> None:
    check_can_close("open")
    with pytest.raises(Conflict) as exc:
        check_can_close("closed")
    assert exc.value.code == "store_already_closed"


def test_reopening_an_open_store_conflicts() -> None:
    check_can_reopen("closed")
    with pytest.raises(Conflict) as exc:
        check_can_reopen("open")
    assert exc.value.code == "store_already_open"
