"""`shanhuo catalog ...` commands."""

from __future__ import annotations

import typer
from sqlalchemy import text
from sqlalchemy.orm import Session

from shanhuo.catalog.search import search
from shanhuo.config import get_settings
from shanhuo.kit.db import make_engine
from shanhuo.kit.errors import ShanhuoError
from shanhuo.kit.money import format_fen
from shanhuo.kit.pagination import PageParams

app = typer.Typer(help="catalog", no_args_is_help=True)


@app.command("reindex")
def reindex() -> None:
    """Rebuild the SQLite full-text index from the product table (triggers keep it in step;
    this is for a database restored from elsewhere). PostgreSQL needs nothing."""
    engine = make_engine(get_settings().sqlalchemy_url)
    try:
        if engine.dialect.name != "sqlite":
            typer.echo("PostgreSQL: the pg_trgm index needs no rebuild")
            return
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO product_search(product_search) VALUES ('rebuild')"))
        typer.echo("product_search rebuilt")
    finally:
        engine.dispose()


@app.command("search")
def search_command(
    q: str = typer.Argument(..., help="words in the title or description"),
    macro_region: str = typer.Option("", help="east, central, west or northeast"),
) -> None:
    """Search products on sale, as the /search page does."""
    engine = make_engine(get_settings().sqlalchemy_url)
    try:
        with Session(engine) as session:
            try:
                page = search(
                    session, q, page=PageParams(page=1, size=50), macro_region=macro_region or None
                )
            except ShanhuoError as exc:
                typer.echo(f"error: {exc.message_zh} / {exc.message_en}", err=True)
                raise typer.Exit(2) from exc
            for card in page.items:
                price = format_fen(card.price_low_fen) if card.price_low_fen is not None else "-"
                typer.echo(f"{card.id}\t{price}\t{card.origin_province_code}\t{card.title}")
            typer.echo(f"{page.total} found")
    finally:
        engine.dispose()
