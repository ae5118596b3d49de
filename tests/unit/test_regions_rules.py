"""Region code rules and macro-regions: pure, no database."""

from __future__ import annotations

import pytest

from shanhuo.regions import rules

ALL_31 = [
    "11",
    "12",
    "13",
    "14",
    "15",
    "21",
    "22",
    "23",
    "31",
    "32",
    "33",
    "34",
    "35",
    "36",
    "37",
    "41",
    "42",
    "43",
    "44",
    "45",
    "46",
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
]
EXPECTED_MACRO = {
    **dict.fromkeys(("11", "12", "13", "31", "32", "33", "35", "37", "44", "46"), "east"),
    **dict.fromkeys(("14", "34", "36", "41", "42", "43"), "central"),
    **dict.fromkeys(
        ("15", "45", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65"), "west"
    ),
    **dict.fromkeys(("21", "22", "23"), "northeast"),
}


def test_the_four_macro_regions_hold_10_6_12_3_provinces() -> None:
    counts = {region.key: len(region.provinces) for region in rules.MACRO_REGIONS}
    assert counts == {"east": 10, "central": 6, "west": 12, "northeast": 3}


def test_the_macro_regions_cover_the_31_mainland_provinces_once_each() -> None:
    assert sorted(rules.MAINLAND_PROVINCES) == ALL_31
    assert len(set(rules.MAINLAND_PROVINCES)) == 31


@pytest.mark.parametrize("prefix", ALL_31)
def test_each_province_is_in_its_nbs_macro_region(prefix: str) -> None:
    region = rules.macro_region_of(prefix + "0000")
    assert region.key == EXPECTED_MACRO[prefix]
    assert prefix in region.provinces


@pytest.mark.parametrize("prefix", ALL_31)
def test_each_province_is_east_or_central_west_northeast(prefix: str) -> None:
    grouping = rules.east_or_rest_of(prefix + "0101")
    expected = "east" if EXPECTED_MACRO[prefix] == "east" else "central_west_northeast"
    assert grouping.key == expected


def test_macro_region_names_are_bilingual() -> None:
    names = {(r.key, r.name_zh, r.name_en) for r in rules.MACRO_REGIONS}
    assert names == {
        ("east", "东部", "East"),
        ("central", "中部", "Central"),
        ("west", "西部", "West"),
        ("northeast", "东北", "Northeast"),
    }
    assert rules.CENTRAL_WEST_NORTHEAST.name_zh == "中西部及东北"
    assert len(rules.CENTRAL_WEST_NORTHEAST.provinces) == 21


@pytest.mark.parametrize("code", ["710000", "810000", "820000", "990000"])
def test_taiwan_hong_kong_macau_and_unknown_prefixes_have_no_macro_region(code: str) -> None:
    with pytest.raises(KeyError):
        rules.macro_region_of(code)
    assert not rules.is_mainland_province(code[:2])


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("610000", "province"),
        ("610100", "prefecture"),
        ("610115", "county"),
        ("110101", "county"),
        ("620201", "county"),
        ("610115001", "township"),
        ("610115001001", "village"),
    ],
)
def test_level_follows_the_shape_of_the_code(code: str, level: str) -> None:
    assert rules.level_of_code(code) == level


@pytest.mark.parametrize(
    "code", ["", "61011", "6101150", "61011500101", "abcdef", "61 0115", "6101150010011"]
)
def test_malformed_codes_are_refused(code: str) -> None:
    assert not rules.is_well_formed(code)
    with pytest.raises(ValueError):
        rules.level_of_code(code)


@pytest.mark.parametrize(
    ("code", "candidates"),
    [
        ("610000", ()),
        ("610100", ("610000",)),
        ("610115", ("610100", "610000")),
        ("419001", ("419000", "410000")),
        ("610115001", ("610115",)),
        ("610115001201", ("610115001",)),
    ],
)
def test_parent_candidates_nearest_first(code: str, candidates: tuple[str, ...]) -> None:
    assert rules.parent_code_candidates(code) == candidates
    assert rules.parent_code_of(code) == (candidates[0] if candidates else None)


@pytest.mark.parametrize(
    ("code", "level", "problem"),
    [
        ("610115001", "township", None),
        ("610115001201", "village", None),
        ("610115", "county", "region_level_not_creatable"),
        ("610000", "province", "region_level_not_creatable"),
        ("610115001", "hamlet", "region_level_unknown"),
        ("61011500x", "township", "region_code_malformed"),
        ("610115001201", "township", "region_code_level_mismatch"),
        ("610115001", "village", "region_code_level_mismatch"),
    ],
)
def test_creation_problem(code: str, level: str, problem: str | None) -> None:
    assert rules.creation_problem(code, level) == problem


def test_every_error_code_has_both_messages() -> None:
    for code, (zh, en) in rules.MESSAGES.items():
        assert code.islower() and zh and en


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ()),
        ("61", ("61",)),
        ("61,53", ("61", "53")),
        (" 610000 , 53,61 ", ("61", "53")),
    ],
)
def test_parse_province_list(text: str, expected: tuple[str, ...]) -> None:
    assert rules.parse_province_list(text) == expected


def test_parse_province_list_all_is_the_31_provinces() -> None:
    assert rules.parse_province_list("all") == tuple(ALL_31)


@pytest.mark.parametrize("text", ["71", "81", "6", "shaanxi", "610115"])
def test_parse_province_list_refuses_non_mainland_or_malformed(text: str) -> None:
    with pytest.raises(ValueError):
        rules.parse_province_list(text)
