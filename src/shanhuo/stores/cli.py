"""`shanhuo stores ...` commands."""

from __future__ import annotations

import typer
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shanhuo.config import get_settings
from shanhuo.kit.db import make_engine
from shanhuo.kit.timeutil import format_local
from shanhuo.models import EntrepreneurEvent, Store, User

app = typer.Typer(help="stores", no_args_is_help=True)


@app.command("list")
def list_stores(
    mobile: str = typer.Option("", help="only the stores of this owner (mobile number)"),
    limit: int = typer.Option(50, min=1, max=10_000, help="at most this many rows"),
) -> None:
    """Stores, newest first: id, status, county, opened, name."""
    engine = make_engine(get_settings().sqlalchemy_url)
    try:
        with Session(engine) as session:
            query = select(Store).order_by(Store.id.desc()).limit(limit)
            if mobile:
                query = query.join(User, User.id == Store.owner_id).where(User.mobile == mobile)
            for store in session.scalars(query):
                typer.echo(
                    f"{store.id}\t{store.status}\t{store.county_code}\t"
                    f"{format_local(store.opened_at)}\t{store.name}"
                )
    finally:
        engine.dispose()


@app.command("entrepreneurs")
def entrepreneurs() -> None:
    """New entrepreneurs (first stores ever opened) per province."""
    engine = make_engine(get_settings().sqlalchemy_url)
    try:
        with Session(engine) as session:
            rows = session.execute(
                select(EntrepreneurEvent.province_code, func.count())
                .group_by(EntrepreneurEvent.province_code)
                .order_by(func.count().desc(), EntrepreneurEvent.province_code)
            ).all()
            for province, count in rows:
                typer.echo(f"{province}\t{count}")
    finally:
        engine.dispose()
