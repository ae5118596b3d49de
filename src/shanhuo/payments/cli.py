"""`shanhuo payments ...` commands."""

from __future__ import annotations

import typer
from sqlalchemy.orm import Session

from shanhuo.config import get_settings
from shanhuo.kit.db import make_engine
from shanhuo.payments.service import money_problems

app = typer.Typer(help="payments", no_args_is_help=True)


@app.command("check")
def check() -> None:
    """Check the money invariants: every payment equals the sum of its orders, and no payment
    has been refunded more than was paid. Exits 1 when something is wrong."""
    engine = make_engine(get_settings().sqlalchemy_url)
    try:
        with Session(engine) as session:
            problems = money_problems(session)
    finally:
        engine.dispose()
    for problem in problems:
        typer.echo(problem, err=True)
    if problems:
        raise typer.Exit(1)
    typer.echo("money invariants hold")
