"""Pure catalog rules: shelf life, stock adjustments, macro-regions, search terms, photos.

No I/O: unit-tested in milliseconds (tests/unit/test_catalog_rules.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from shanhuo.kit.errors import Conflict, Invalid
from shanhuo.regions import rules as region_rules

PRODUCT_ACTIVE = "active"
PRODUCT_HIDDEN = "hidden"
PRODUCT_STATUSES = (PRODUCT_ACTIVE, PRODUCT_HIDDEN)

SHELF_LIFE_MIN_DAYS = 1
SHELF_LIFE_MAX_DAYS = 3650
MAX_ON_HAND = 1_000_000
MAX_PHOTOS_PER_PRODUCT = 9
MAX_SKUS_PER_PRODUCT = 20
MAX_IMAGE_PIXELS = 40_000_000
IMAGE_TYPES = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}

# --- Macro-regions -------------------------------------------------------------------------
# The NBS grouping by two-digit province prefix is owned by the regions domain.
MacroRegionKey = Literal["east", "central", "west", "northeast"]
MACRO_REGIONS: dict[str, tuple[str, ...]] = {m.key: m.provinces for m in region_rules.MACRO_REGIONS}
MACRO_REGION_NAMES: dict[str, tuple[str, str]] = {
    m.key: (m.name_zh, m.name_en) for m in region_rules.MACRO_REGIONS
}
# The home page shows the western provinces first: this marketplace exists for them.
MACRO_REGION_ORDER = ("west", "central", "east", "northeast")


def provinces_of(macro_region: str) -> tuple[str, ...]:
    try:
        return MACRO_REGIONS[macro_region]
    except KeyError:
        raise Invalid(
            "macro_region_unknown",
            f"未知的大区：{macro_region}",
            f"Unknown macro-region: {macro_region}",
            field="macro_region",
        ) from None


def macro_region_of(province_code: str) -> str | None:
    """east / central / west / northeast, or None outside the 31 mainland provinces."""
    if not region_rules.is_mainland_province(province_code[:2]):
        return None
    return region_rules.macro_region_of(province_code).key


# --- Products ------------------------------------------------------------------------------


def check_shelf_life(perishable: bool, shelf_life_days: int | None) -> None:
    """Perishable produce must say how many days it keeps (1–3650); anything else must not."""
    if perishable:
        if shelf_life_days is None:
            raise Invalid(
                "shelf_life_required",
                "生鲜商品必须填写保质期（天）",
                "A perishable product needs a shelf life in days",
                field="shelf_life_days",
            )
        if not SHELF_LIFE_MIN_DAYS <= shelf_life_days <= SHELF_LIFE_MAX_DAYS:
            raise Invalid(
                "shelf_life_out_of_range",
                f"保质期应在 {SHELF_LIFE_MIN_DAYS}–{SHELF_LIFE_MAX_DAYS} 天之间",
                f"Shelf life must be {SHELF_LIFE_MIN_DAYS}–{SHELF_LIFE_MAX_DAYS} days",
                field="shelf_life_days",
            )
    elif shelf_life_days is not None:
        raise Invalid(
            "shelf_life_not_perishable",
            "非生鲜商品不填写保质期",
            "Only perishable products carry a shelf life",
            field="shelf_life_days",
        )


def merged_shelf_life(
    current_perishable: bool,
    current_days: int | None,
    *,
    perishable: bool | None,
    days: int | None,
    days_sent: bool,
) -> tuple[bool, int | None]:
    """The (perishable, shelf life) an update leads to: turning perishable off drops the
    shelf life unless one is sent (which is then refused by ``check_shelf_life``)."""
    new_perishable = current_perishable if perishable is None else perishable
    kept_days = current_days if new_perishable else None
    new_days = days if days_sent else kept_days
    check_shelf_life(new_perishable, new_days)
    return new_perishable, new_days


def check_photo_count(existing: int) -> None:
    if existing >= MAX_PHOTOS_PER_PRODUCT:
        raise Conflict(
            "too_many_photos",
            f"每个商品最多 {MAX_PHOTOS_PER_PRODUCT} 张照片",
            f"At most {MAX_PHOTOS_PER_PRODUCT} photos per product",
        )


def check_sku_count(existing: int) -> None:
    if existing >= MAX_SKUS_PER_PRODUCT:
        raise Conflict(
            "too_many_skus",
            f"每个商品最多 {MAX_SKUS_PER_PRODUCT} 个规格",
            f"At most {MAX_SKUS_PER_PRODUCT} variants per product",
        )


# --- Stock ---------------------------------------------------------------------------------


def check_stock_level(on_hand: int, reserved: int) -> None:
    """An adjustment may not drop stock below what unpaid orders already hold. The service
    enforces the same condition in its guarded UPDATE; this gives the clear message."""
    if not 0 <= on_hand <= MAX_ON_HAND:
        raise Invalid(
            "stock_out_of_range",
            f"库存应在 0–{MAX_ON_HAND} 之间",
            f"Stock must be 0–{MAX_ON_HAND}",
            field="on_hand",
        )
    if on_hand < reserved:
        raise stock_below_reserved(reserved)


def stock_below_reserved(reserved: int) -> Conflict:
    return Conflict(
        "stock_below_reserved",
        f"库存不能少于已被订单占用的 {reserved} 件",
        f"Stock cannot go below the {reserved} held by orders",
        reserved=reserved,
    )


def available(on_hand: int, reserved: int) -> int:
    return max(0, on_hand - reserved)


@dataclass(frozen=True)
class PriceRange:
    low: int
    high: int

    @property
    def single(self) -> bool:
        return self.low == self.high


def price_range(prices: list[int]) -> PriceRange | None:
    if not prices:
        return None
    return PriceRange(min(prices), max(prices))


# --- Search --------------------------------------------------------------------------------

TRIGRAM_MIN_CHARS = 3
MAX_QUERY_CHARS = 50
MAX_QUERY_TERMS = 5


@dataclass(frozen=True)
class SearchTerms:
    """A query split into terms: ``indexed`` ones (3+ characters) go to the trigram index,
    ``short`` ones (1–2 characters: 苹果、茶叶) to a LIKE scan."""

    indexed: tuple[str, ...]
    short: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not self.indexed and not self.short


def split_query(q: str) -> SearchTerms:
    """Whitespace-separated terms, all of which must match (AND). Duplicates dropped."""
    text = "".join(ch if ch.isprintable() else " " for ch in q)[:MAX_QUERY_CHARS]
    terms: list[str] = []
    for term in text.split():
        if term not in terms:
            terms.append(term)
    terms = terms[:MAX_QUERY_TERMS]
    return SearchTerms(
        indexed=tuple(t for t in terms if len(t) >= TRIGRAM_MIN_CHARS),
        short=tuple(t for t in terms if len(t) < TRIGRAM_MIN_CHARS),
    )


def fts_phrase(term: str) -> str:
    """An FTS5 string literal: any FTS syntax in the term (", *, AND, NEAR, ^ …) is literal."""
    return '"' + term.replace('"', '""') + '"'


def fts_match(terms: tuple[str, ...]) -> str:
    return " AND ".join(fts_phrase(t) for t in terms)


LIKE_ESCAPE = "\\"


def like_contains(term: str) -> str:
    """A LIKE pattern matching ``term`` anywhere, with %, _ and the escape char escaped."""
    escaped = (
        term.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2)
        .replace("%", LIKE_ESCAPE + "%")
        .replace("_", LIKE_ESCAPE + "_")
    )
    return f"%{escaped}%"
