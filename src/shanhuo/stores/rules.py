"""Pure rules for stores: where a store may be, and which status changes are allowed.

No I/O here: the service fetches region rows and hands their code and level in as
``RegionFacts`` so these rules are unit-tested in milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass

from shanhuo.kit.errors import Conflict, Invalid

STORE_OPEN = "open"
STORE_CLOSED = "closed"
STORE_STATUSES = (STORE_OPEN, STORE_CLOSED)

COUNTY_CODE_LENGTH = 6
TOWNSHIP_CODE_LENGTH = 9
VILLAGE_CODE_LENGTH = 12


@dataclass(frozen=True)
class RegionFacts:
    """What the location rule needs to know about one region row."""

    code: str
    level: str


def check_store_location(
    county: RegionFacts, township: RegionFacts | None = None, village: RegionFacts | None = None
) -> None:
    """A store sits in a county, optionally in one of its townships and one of that township's
    villages. Statistical codes nest as prefixes (610431 → 610431100 → 610431100201), so the
    rule is checkable from the codes and levels alone."""
    if county.level != "county" or len(county.code) != COUNTY_CODE_LENGTH:
        raise Invalid(
            "region_not_county",
            f"{county.code} 不是县级行政区代码",
            f"{county.code} is not a county code",
            field="county_code",
        )
    if village is not None and township is None:
        raise Invalid(
            "village_without_township",
            "填写村时必须同时填写乡镇",
            "A village needs its township",
            field="township_code",
        )
    if township is not None:
        if township.level != "township" or len(township.code) != TOWNSHIP_CODE_LENGTH:
            raise Invalid(
                "region_not_township",
                f"{township.code} 不是乡镇代码",
                f"{township.code} is not a township code",
                field="township_code",
            )
        if not township.code.startswith(county.code):
            raise Invalid(
                "township_outside_county",
                "乡镇不在所选县内",
                "The township is not in that county",
                field="township_code",
            )
    if village is not None and township is not None:
        if village.level != "village" or len(village.code) != VILLAGE_CODE_LENGTH:
            raise Invalid(
                "region_not_village",
                f"{village.code} 不是村代码",
                f"{village.code} is not a village code",
                field="village_code",
            )
        if not village.code.startswith(township.code):
            raise Invalid(
                "village_outside_township",
                "村不在所选乡镇内",
                "The village is not in that township",
                field="village_code",
            )


def province_of(county_code: str) -> str:
    """The two-digit province prefix every report groups by."""
    return county_code[:2]


def check_can_close(status: str) -> None:
    if status == STORE_CLOSED:
        raise Conflict("store_already_closed", "店铺已经关闭", "The store is already closed")


def check_can_reopen(status: str) -> None:
    if status == STORE_OPEN:
        raise Conflict("store_already_open", "店铺正在营业", "The store is already open")
