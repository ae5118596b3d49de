"""The ``shanhuo`` command: demo, serve, db, seed, and one sub-command per domain as it lands."""

from __future__ import annotations

import typer
import uvicorn

from shanhuo.accounts import cli as accounts_cli
from shanhuo.catalog import cli as catalog_cli
from shanhuo.config import get_settings
from shanhuo.kit.migrate import upgrade as migrate_upgrade
from shanhuo.orders import cli as orders_cli
from shanhuo.payments import cli as payments_cli
from shanhuo.regions import cli as regions_cli
from shanhuo.stores import cli as stores_cli

app = typer.Typer(
    help="山货 Shanhuo — farm-to-city e-commerce for western China", no_args_is_help=True
)
db_app = typer.Typer(help="Database schema (Alembic migrations)", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(regions_cli.app, name="regions")
app.add_typer(accounts_cli.app, name="accounts")
app.add_typer(stores_cli.app, name="stores")
app.add_typer(catalog_cli.app, name="catalog")
app.add_typer(orders_cli.app, name="orders")
app.add_typer(payments_cli.app, name="payments")


@db_app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Create or upgrade the schema (the only way a schema is made)."""
    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    migrate_upgrade(settings.sqlalchemy_url, revision)
    typer.echo(f"schema at {revision}: {settings.sqlalchemy_url.split('@')[-1]}")


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="address to listen on"),
    port: int = typer.Option(8000, help="port"),
    workers: int = typer.Option(1, min=1, help="worker processes"),
) -> None:
    """Run the web server (pages and JSON API)."""
    get_settings().data_dir.mkdir(parents=True, exist_ok=True)
    uvicorn.run("shanhuo.asgi:app", host=host, port=port, workers=workers, factory=False)


def main() -> None:
    app()
