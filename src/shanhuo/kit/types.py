"""Shared constrained types for schemas: mobile numbers, region codes, money, quantities."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

from shanhuo.kit.money import MAX_FEN

MOBILE_PATTERN = r"^1[3-9]\d{9}$"

Mobile = Annotated[str, StringConstraints(strip_whitespace=True, pattern=MOBILE_PATTERN)]
"""A mainland China mobile number, 11 digits starting 13–19."""

RegionCode = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^\d{6}(\d{3}(\d{3})?)?$")
]
"""GB/T 2260 county code (6 digits) or township (9) / village (12) statistical code."""

Fen = Annotated[int, Field(ge=0, le=MAX_FEN)]
PositiveFen = Annotated[int, Field(ge=1, le=MAX_FEN)]
Quantity = Annotated[int, Field(ge=1, le=999)]
StockCount = Annotated[int, Field(ge=0, le=1_000_000)]


def _no_control_chars(value: str) -> str:
    if any(ord(ch) < 32 and ch not in "\n\t" for ch in value):
        raise ValueError("control characters are not allowed")
    return value


ShortText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=60),
    AfterValidator(_no_control_chars),
]
LongText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=5000),
    AfterValidator(_no_control_chars),
]
