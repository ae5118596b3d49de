"""Money is integer fen (分) everywhere; rates are Decimal; shown as ¥12.30."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

# ¥10,000,000.00 — far above any single farm-produce order; guards overflow and typos.
MAX_FEN = 1_000_000_000


def format_fen(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(int(fen)), 100)
    return f"{sign}¥{yuan:,}.{cents:02d}"


def fen_times_rate(fen: int, rate: Decimal) -> int:
    """Apply a rate to an amount, rounding half up to the fen (used for fees)."""
    return int((Decimal(fen) * rate).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def yuan_to_fen(text: str) -> int:
    """Parse a yuan amount typed by a person ("12.3", "12.30") into fen; ValueError if bad."""
    value = Decimal(text.strip().replace("¥", "").replace(",", ""))
    if value != value.quantize(Decimal("0.01")):
        raise ValueError("more than two decimal places")
    return int(value * 100)
