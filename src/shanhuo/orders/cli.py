"""`shanhuo orders ...` commands."""

from __future__ import annotations

import typer
from sqlalchemy.orm import Session

from shanhuo.config import get_settings
from shanhuo.kit.db import make_engine
from shanhuo.kit.timeutil import utcnow
from shanhuo.orders.service import expire_unpaid

app = typer.Typer(help="orders", no_args_is_help=True)


@app.command("expire")
def expire() -> None:
    """Cancel unpaid orders past their payment deadline and release their stock (the server
    does this every 30 s by itself; this is for cron or a one-off)."""
    engine = make_engine(get_settings().sqlalchemy_url)
    try:
        with Session(engine) as session:
            count = expire_unpaid(session, now=utcnow())
            session.commit()
    finally:
        engine.dispose()
    typer.echo(f"expired {count} unpaid order(s)")
