"""One small simulated dataset for the report tests (module-independent, built once)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from shanhuo.simulate.scenario import Scenario
from shanhuo.simulate.writer import simulate


@pytest.fixture(scope="session")
def sim_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default scenario at demo scale (the article's figures must show)."""
    return simulate(
        replace(Scenario(), orders=200_000), tmp_path_factory.mktemp("sim") / "sim"
    ).path
