"""The demo beyond the marketplace: live rooms, a county's logistics day, credit lines and the
development report. Each seeder is idempotent and runs in its own transaction, after the
marketplace demo has been committed."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from shanhuo.config import Settings
from shanhuo.demo.finance import seed_finance
from shanhuo.demo.live import seed_live
from shanhuo.demo.logistics import seed_logistics
from shanhuo.demo.report import seed_report

Seeder = Callable[..., str]

EXTRA_SEEDERS: tuple[tuple[str, Seeder], ...] = (
    ("live", seed_live),
    ("logistics", seed_logistics),
    ("credit", seed_finance),
    ("report", seed_report),  # last: it reads what the others wrote
)
SEED = 2021


def seed_extras(
    session_factory: Callable[[], Session],
    settings: Settings,
    *,
    now: datetime,
    progress: Callable[[str], None] = lambda _m: None,
) -> list[str]:
    """Run every extra seeder, each committed on its own; returns their summary lines."""
    lines = []
    for name, seeder in EXTRA_SEEDERS:
        progress(f"demo: {name}")
        with session_factory() as session:
            lines.append(seeder(session, settings, now=now, rng=random.Random(SEED)))
            session.commit()
    return lines
