"""Demo data for the development report: a small simulated national dataset (a scenario, not
real statistics) in ``<data_dir>/sim``, and the 2020 report built from it, so ``/report/2020``
shows the whole report. The simulator writes Parquet, not the platform's tables, so this does
not use the seed transaction (``session`` is accepted for the common demo signature).

Then ``shanhuo report --source db --year <this year>`` builds a report from the demo
marketplace itself.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime

from sqlalchemy.orm import Session

from shanhuo.config import Settings
from shanhuo.report.service import build_report
from shanhuo.simulate.scenario import Scenario
from shanhuo.simulate.writer import simulate

DEMO_ORDERS = 200_000
DEMO_YEAR = 2020


def seed_report(session: Session, settings: Settings, *, now: datetime, rng: random.Random) -> str:
    """Simulate (seconds), then build the 2020 report; returns a one-line summary."""
    del session, now, rng  # the scenario has its own fixed seed, so the demo is reproducible
    dataset = settings.data_dir / "sim"
    simulate(replace(Scenario(), orders=DEMO_ORDERS), dataset)
    built = build_report(dataset, DEMO_YEAR, settings.data_dir / "reports")
    top = built.document["headlines"][1]["zh"]
    return f"report: simulated {DEMO_ORDERS:,} orders → /report/{DEMO_YEAR} ({top})"
