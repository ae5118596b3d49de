"""`shanhuo finance ...`: train, evaluate, promote and list scorecard models; collect settled
sales towards loans; accrue penalty interest; check the ledger."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import typer
from sqlalchemy.orm import Session

from shanhuo.config import get_settings
from shanhuo.finance import ledger, loans, training
from shanhuo.finance.policy import active_policy
from shanhuo.kit.db import make_engine
from shanhuo.kit.timeutil import utcnow

app = typer.Typer(
    help="Merchant credit (授信): models, collection, penalties", no_args_is_help=True
)


@contextmanager
def _session() -> Iterator[Session]:
    engine = make_engine(get_settings().sqlalchemy_url)
    try:
        with Session(engine) as session:
            yield session
    finally:
        engine.dispose()


def _echo_metrics(metrics: dict[str, object]) -> None:
    typer.echo(
        f"  AUC {metrics['auc']}  KS {metrics['ks']}  approval {metrics['approval_rate']}  "
        f"bad rate {metrics['bad_rate']} (approved: {metrics['approved_bad_rate']})"
    )
    for band in metrics["bands"]:  # type: ignore[attr-defined]
        typer.echo(
            f"  band {band['band']:>2} ≥{band['min_score']:>7.0f}  "
            f"{'approve' if band['approve'] else 'decline'}  stores {band['share']:.1%}  "
            f"bad rate {band['bad_rate']}"
        )


@app.command("train")
def train(
    rows: int = typer.Option(training.DEFAULT_ROWS, min=1000, help="synthetic stores"),
    seed: int = typer.Option(training.DEFAULT_SEED, help="generator seed"),
    promote: bool = typer.Option(False, help="promote the new version at once"),
) -> None:
    """Train a scorecard on the SYNTHETIC history (finance/history.py) and store a version."""
    with _session() as session:
        now = utcnow()
        result = training.train(
            session, policy=active_policy(session, now=now), now=now, rows=rows, seed=seed
        )
        if promote:
            training.promote(session, result.model.version, now=now)
        session.commit()
        typer.echo(
            f"model {result.model.version}: {result.model.data_source}, trained in "
            f"{result.seconds:.2f} s, fingerprint {result.model.fingerprint[:16]}…"
            f"{' (promoted)' if promote else ''}"
        )
        _echo_metrics(result.metrics)


@app.command("evaluate")
def evaluate(
    version: str,
    rows: int = typer.Option(10_000, min=1000),
    seed: int = typer.Option(99, help="seed of the fresh evaluation sample"),
) -> None:
    """Metrics of a stored model on a fresh synthetic sample."""
    with _session() as session:
        now = utcnow()
        metrics = training.evaluate(
            session, version, policy=active_policy(session, now=now), rows=rows, seed=seed
        )
        typer.echo(f"model {version} on {rows} fresh synthetic stores (seed {seed}):")
        _echo_metrics(metrics)


@app.command("promote")
def promote(version: str) -> None:
    """Put a model version into service (decisions use only the promoted one)."""
    with _session() as session:
        training.promote(session, version, now=utcnow())
        session.commit()
        typer.echo(f"promoted {version}")


@app.command("models")
def models() -> None:
    """List model versions with their metrics."""
    with _session() as session:
        for m in training.list_models(session):
            metrics = json.loads(m.metrics_json)
            typer.echo(
                f"{m.version:>5} {'*' if m.promoted else ' '} {m.created_at:%Y-%m-%d %H:%M} "
                f"AUC {metrics['auc']} KS {metrics['ks']} approval {metrics['approval_rate']} "
                f"rows {m.rows} fp {m.fingerprint[:12]} — {m.data_source}"
            )


@app.command("collect")
def collect(limit: int = typer.Option(5000, min=1)) -> None:
    """Credit settled sales to store balances and take loan repayments from them."""
    with _session() as session:
        credited, repaid = loans.collect(session, now=utcnow(), limit=limit)
        session.commit()
        typer.echo(f"settlements credited: {credited}, repayments made: {repaid}")


@app.command("accrue")
def accrue(
    on: str = typer.Option(
        None, "--date", help="accrue through this date (YYYY-MM-DD, default today)"
    ),
) -> None:
    """Penalty interest and overdue status of open loans, day by day through --date."""
    through = date.fromisoformat(on) if on else loans.local_date(utcnow())
    with _session() as session:
        made = loans.accrue(session, through=through, now=utcnow())
        session.commit()
        typer.echo(f"penalty postings through {through.isoformat()}: {made}")


@app.command("check")
def check() -> None:
    """Check the ledger invariants; exits 1 when something is wrong."""
    with _session() as session:
        problems = ledger.ledger_problems(session)
    for problem in problems:
        typer.echo(problem, err=True)
    if problems:
        raise typer.Exit(1)
    typer.echo("ledger balances")
