import pytest

from shanhuo.catalog import rules
from shanhuo.kit.errors import Conflict, Invalid


@pytest.mark.parametrize("days", [1, 15, 3650])
def test_perishable_with_shelf_life_in_range_passes(days: int) -> None:
    rules.check_shelf_life(True, days)


def test_non_perishable_without_shelf_life_passes() -> None:
    rules.check_shelf_life(False, None)


@pytest.mark.parametrize(
    ("perishable", "days", "code"),
    [
        (True, None, "shelf_life_required"),
        (True, 0, "shelf_life_out_of_range"),
        (True, -3, "shelf_life_out_of_range"),
        (True, 3651, "shelf_life_out_of_range"),
        (False, 10, "shelf_life_not_perishable"),
    ],
)
def test_bad_shelf_life_is_refused(perishable: bool, days: int | None, code: str) -> None:
    with pytest.raises(Invalid) as exc:
        rules.check_shelf_life(perishable, days)
    assert exc.value.code == code


def test_turning_perishable_off_drops_the_shelf_life() -> None:
    assert rules.merged_shelf_life(True, 7, perishable=False, days=None, days_sent=False) == (
        False,
        None,
    )


def test_turning_perishable_on_needs_a_shelf_life() -> None:
    with pytest.raises(Invalid) as exc:
        rules.merged_shelf_life(False, None, perishable=True, days=None, days_sent=False)
    assert exc.value.code == "shelf_life_required"


def test_update_keeps_shelf_life_when_untouched() -> None:
    assert rules.merged_shelf_life(True, 7, perishable=None, days=None, days_sent=False) == (
        True,
        7,
    )


def test_stock_may_equal_reserved() -> None:
    rules.check_stock_level(5, 5)


def test_stock_below_reserved_conflicts() -> None:
    with pytest.raises(Conflict) as exc:
        rules.check_stock_level(4, 5)
    assert exc.value.code == "stock_below_reserved"
    assert exc.value.extra == {"reserved": 5}


@pytest.mark.parametrize("on_hand", [-1, 1_000_001])
def test_stock_out_of_range_is_invalid(on_hand: int) -> None:
    with pytest.raises(Invalid) as exc:
        rules.check_stock_level(on_hand, 0)
    assert exc.value.code == "stock_out_of_range"


def test_available_is_on_hand_minus_reserved() -> None:
    assert rules.available(10, 3) == 7


def test_ninth_photo_allowed_tenth_refused() -> None:
    rules.check_photo_count(8)
    with pytest.raises(Conflict) as exc:
        rules.check_photo_count(9)
    assert exc.value.code == "too_many_photos"


def test_price_range_of_variants() -> None:
    assert rules.price_range([1990, 990, 3990]) == rules.PriceRange(990, 3990)
    assert rules.price_range([]) is None
    assert rules.PriceRange(100, 100).single


def test_macro_regions_follow_nbs_grouping() -> None:
    assert rules.provinces_of("west") == (
        "15",
        "45",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
    )
    assert rules.macro_region_of("61") == "west"
    assert rules.macro_region_of("44") == "east"
    assert rules.macro_region_of("23") == "northeast"
    assert rules.macro_region_of("42") == "central"
    assert rules.macro_region_of("71") is None


def test_unknown_macro_region_is_invalid() -> None:
    with pytest.raises(Invalid) as exc:
        rules.provinces_of("south")
    assert exc.value.code == "macro_region_unknown"


def test_query_split_into_trigram_and_short_terms() -> None:
    terms = rules.split_query("  猕猴桃  苹果 猕猴桃 ")
    assert terms.indexed == ("猕猴桃",)
    assert terms.short == ("苹果",)


def test_blank_query_has_no_terms() -> None:
    assert rules.split_query(" \t ").empty


def test_fts_phrase_quotes_syntax() -> None:
    assert rules.fts_phrase('a"b*') == '"a""b*"'
    assert rules.fts_match(("abc", "NEAR")) == '"abc" AND "NEAR"'


def test_like_pattern_escapes_wildcards() -> None:
    assert rules.like_contains("50%_a\\") == "%50\\%\\_a\\\\%"
