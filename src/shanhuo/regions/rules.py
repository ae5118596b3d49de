"""Pure rules about region codes and macro-regions: no I/O, unit-tested in milliseconds.

Codes follow GB/T 2260 (six digits: ``XX0000`` province, ``XXXX00`` prefecture, anything else a
county) extended by the National Bureau of Statistics' township (9 digits) and village (12
digits) codes, each of which starts with its parent's code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Level = Literal["province", "prefecture", "county", "township", "village"]
LEVELS: tuple[Level, ...] = ("province", "prefecture", "county", "township", "village")
LEVEL_RANK: dict[str, int] = {level: rank for rank, level in enumerate(LEVELS)}
LEVEL_NAMES: dict[str, tuple[str, str]] = {
    "province": ("省", "Province"),
    "prefecture": ("地级市", "Prefecture"),
    "county": ("县/区", "County"),
    "township": ("乡镇", "Township"),
    "village": ("村", "Village"),
}
CODE_LENGTH: dict[str, int] = {
    "province": 6,
    "prefecture": 6,
    "county": 6,
    "township": 9,
    "village": 12,
}
# Levels an operator may add by hand; the others come only from the data package.
CREATABLE_LEVELS: tuple[Level, ...] = ("township", "village")

_CODE_RE = re.compile(r"^\d{6}(\d{3}(\d{3})?)?$")


@dataclass(frozen=True)
class MacroRegion:
    key: str
    name_zh: str
    name_en: str
    provinces: tuple[str, ...]


# National Bureau of Statistics grouping of the 31 mainland provinces (two-digit prefixes).
EAST = MacroRegion(
    "east", "东部", "East", ("11", "12", "13", "31", "32", "33", "35", "37", "44", "46")
)
CENTRAL = MacroRegion("central", "中部", "Central", ("14", "34", "36", "41", "42", "43"))
WEST = MacroRegion(
    "west",
    "西部",
    "West",
    ("15", "45", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65"),
)
NORTHEAST = MacroRegion("northeast", "东北", "Northeast", ("21", "22", "23"))
MACRO_REGIONS: tuple[MacroRegion, ...] = (EAST, CENTRAL, WEST, NORTHEAST)

# The two-way split many e-commerce reports use: East against everything else.
EAST_ONLY = MacroRegion("east", "东部", "East", EAST.provinces)
CENTRAL_WEST_NORTHEAST = MacroRegion(
    "central_west_northeast",
    "中西部及东北",
    "Central, West and Northeast",
    CENTRAL.provinces + WEST.provinces + NORTHEAST.provinces,
)
EAST_VS_REST: tuple[MacroRegion, ...] = (EAST_ONLY, CENTRAL_WEST_NORTHEAST)

MAINLAND_PROVINCES: tuple[str, ...] = tuple(
    sorted(p for region in MACRO_REGIONS for p in region.provinces)
)

_BY_PROVINCE = {p: region for region in MACRO_REGIONS for p in region.provinces}
_TWO_WAY_BY_PROVINCE = {p: region for region in EAST_VS_REST for p in region.provinces}

# Error codes with their zh-CN and English messages (the service raises them).
MESSAGES: dict[str, tuple[str, str]] = {
    "region_code_malformed": (
        "地区代码格式不正确：应为 6 位（省/市/县）、9 位（乡镇）或 12 位（村）数字",
        "Malformed region code: 6 digits (province/prefecture/county), 9 (township) or 12 (village)",
    ),
    "region_not_found": ("地区不存在", "No such region"),
    "region_level_unknown": (
        "地区级别应为 province、prefecture、county、township 或 village",
        "Region level must be province, prefecture, county, township or village",
    ),
    "region_level_not_creatable": (
        "只能手工添加乡镇和村，省市县来自国家标准数据",
        "Only townships and villages may be added by hand; the rest come from the standard data",
    ),
    "region_code_level_mismatch": (
        "代码长度与级别不符：乡镇 9 位，村 12 位",
        "Code length does not match the level: township 9 digits, village 12",
    ),
    "region_parent_missing": (
        "上级地区不存在：代码须以已有上级地区的代码开头",
        "Parent region missing: the code must start with an existing parent's code",
    ),
    "region_exists": ("该地区代码已存在", "A region with this code already exists"),
    "region_level_mismatch": ("地区级别不符", "Wrong region level"),
    "region_query_empty": ("请输入地区名称或代码", "Enter a region name or code"),
}


def is_well_formed(code: str) -> bool:
    return bool(_CODE_RE.match(code))


def level_of_code(code: str) -> Level:
    """The level a code's shape implies. ``ValueError`` for a malformed code.

    A six-digit code ending ``0000`` is a province and one ending ``00`` a prefecture; every
    other six-digit code is a county (including 市辖区 such as 620201).
    """
    if not is_well_formed(code):
        raise ValueError(f"malformed region code: {code!r}")
    if len(code) == 12:
        return "village"
    if len(code) == 9:
        return "township"
    if code[2:] == "0000":
        return "province"
    if code[4:] == "00":
        return "prefecture"
    return "county"


def province_prefix(code: str) -> str:
    return code[:2]


def parent_code_candidates(code: str) -> tuple[str, ...]:
    """Possible parent codes, nearest first. A county's prefecture may not exist (municipalities
    such as 北京 110101, and 省直辖县级 counties such as 济源 419001 hang under the province),
    so a county has two candidates; the data decides which one is real."""
    level = level_of_code(code)
    if level == "province":
        return ()
    if level == "prefecture":
        return (code[:2] + "0000",)
    if level == "county":
        return (code[:4] + "00", code[:2] + "0000")
    if level == "township":
        return (code[:6],)
    return (code[:9],)


def parent_code_of(code: str) -> str | None:
    """The nearest parent a code's shape implies (before checking which rows exist)."""
    candidates = parent_code_candidates(code)
    return candidates[0] if candidates else None


def is_mainland_province(prefix: str) -> bool:
    return prefix in _BY_PROVINCE


def macro_region_of(code: str) -> MacroRegion:
    """NBS macro-region of any region code (by its two-digit prefix). ``KeyError`` outside the
    31 mainland provinces (71 Taiwan, 81 Hong Kong and 82 Macau are not in these statistics)."""
    return _BY_PROVINCE[province_prefix(code)]


def east_or_rest_of(code: str) -> MacroRegion:
    """The two-way grouping: 东部 or 中西部及东北."""
    return _TWO_WAY_BY_PROVINCE[province_prefix(code)]


def creation_problem(code: str, level: str) -> str | None:
    """Why an operator may not add a region with this code and level (an error code), or None
    when the shape is acceptable. Existence of the parent and uniqueness need the database."""
    if level not in LEVEL_RANK:
        return "region_level_unknown"
    if level not in CREATABLE_LEVELS:
        return "region_level_not_creatable"
    if not is_well_formed(code):
        return "region_code_malformed"
    if len(code) != CODE_LENGTH[level]:
        return "region_code_level_mismatch"
    return None


def parse_province_list(text: str) -> tuple[str, ...]:
    """``"61,53"`` or ``"610000, 53"`` or ``"all"`` → two-digit prefixes; ``ValueError`` for
    anything outside the mainland."""
    text = text.strip()
    if not text:
        return ()
    if text.lower() == "all":
        return MAINLAND_PROVINCES
    prefixes: list[str] = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or len(part) not in (2, 6) or (len(part) == 6 and part[2:] != "0000"):
            raise ValueError(f"not a province code: {part!r}")
        prefix = part[:2]
        if not is_mainland_province(prefix):
            raise ValueError(f"not a mainland province: {part!r}")
        if prefix not in prefixes:
            prefixes.append(prefix)
    return tuple(prefixes)
