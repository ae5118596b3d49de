"""``shanhuo simulate``: generate the national scenario to a Parquet dataset folder.

The typer app runs its callback when called without a sub-command, so ``shanhuo simulate
--orders 200000`` is the whole command (``cli.py`` mounts this app as ``simulate``)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from shanhuo.config import get_settings
from shanhuo.simulate.scenario import Scenario, ScenarioInvalid, with_overrides
from shanhuo.simulate.writer import simulate

app = typer.Typer(
    help="模拟全国多年数据（情景，非真实统计）/ simulate the national multi-year dataset",
    invoke_without_command=True,
)


@app.callback()
def run(
    ctx: typer.Context,
    orders: int = typer.Option(
        1_000_000, help="scale: total orders (200000 ≈ seconds; 20M+ for the bench)"
    ),
    seed: int = typer.Option(Scenario.seed, help="random seed (same seed → identical files)"),
    out: Path | None = typer.Option(None, help="dataset folder (default: <data_dir>/sim)"),
    first_year: int = typer.Option(2016, help="first simulated year"),
    last_year: int = typer.Option(2021, help="last simulated year"),
    set_: list[str] = typer.Option(
        [], "--set", help="override a scenario knob, e.g. --set closure_rate_per_year=0.2"
    ),
    quiet: bool = typer.Option(False, help="no progress bar"),
) -> None:
    """Generate the dataset (written atomically; a bad parameter writes nothing)."""
    if ctx.invoked_subcommand is not None:
        return
    try:
        scenario = with_overrides(
            replace(
                Scenario(), orders=orders, seed=seed, first_year=first_year, last_year=last_year
            ),
            set_,
        )
    except ScenarioInvalid as exc:
        for problem in exc.problems:
            typer.echo(f"错误 error: {problem}", err=True)
        raise typer.Exit(2) from None
    target = out or get_settings().data_dir / "sim"
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        disable=quiet,
        transient=True,
    ) as progress:
        task = progress.add_task("simulating", total=scenario.orders)

        def step(stage: str, advance: int) -> None:
            progress.update(task, description=f"simulating {stage}", advance=advance)

        result = simulate(scenario, target, progress=step)
    typer.echo(result.describe())
