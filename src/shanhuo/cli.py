"""The ``shanhuo`` command: demo, serve, db, seed, and one sub-command per domain as it lands."""

from __future__ import annotations

import os

import typer
import uvicorn
from rich.progress import Progress
from sqlalchemy.orm import Session

from shanhuo.accounts import cli as accounts_cli
from shanhuo.catalog import cli as catalog_cli
from shanhuo.config import Settings, get_settings
from shanhuo.demo.seed import DemoSummary
from shanhuo.finance import cli as finance_cli
from shanhuo.kit.db import make_engine
from shanhuo.kit.migrate import upgrade as migrate_upgrade
from shanhuo.kit.timeutil import utcnow
from shanhuo.live import cli as live_cli
from shanhuo.logistics import cli as logistics_cli
from shanhuo.orders import cli as orders_cli
from shanhuo.payments import cli as payments_cli
from shanhuo.regions import cli as regions_cli
from shanhuo.report import cli as report_cli
from shanhuo.simulate import cli as simulate_cli
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
app.add_typer(live_cli.app, name="live")
app.add_typer(logistics_cli.app, name="logistics")
app.add_typer(finance_cli.app, name="finance")
app.add_typer(report_cli.app, name="report")
app.add_typer(simulate_cli.app, name="simulate")


@db_app.command("upgrade")
def db_upgrade(revision: str = "heads") -> None:
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
    os.environ["WEB_CONCURRENCY"] = str(workers)  # the app reads it (live.intake.writer_shape)
    uvicorn.run("shanhuo.asgi:app", host=host, port=port, workers=workers, factory=False)


def _prepare_database(settings: Settings, *, townships: bool) -> None:
    """Schema from migrations, then every province, prefecture and county (and townships)."""
    from shanhuo.regions.loader import load_standard_regions
    from shanhuo.regions.rules import MAINLAND_PROVINCES

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    migrate_upgrade(settings.sqlalchemy_url)
    engine = make_engine(settings.sqlalchemy_url)
    try:
        with Session(engine) as session:
            summary = load_standard_regions(
                session, township_provinces=sorted(MAINLAND_PROVINCES) if townships else ()
            )
            session.commit()
        typer.echo(f"regions: {summary.describe()}")
    finally:
        engine.dispose()


def _seed(settings: Settings) -> tuple[DemoSummary, list[str]]:
    from shanhuo.demo.extras import seed_extras
    from shanhuo.demo.seed import seed_demo

    engine = make_engine(settings.sqlalchemy_url)
    now = utcnow()
    try:
        with Progress(transient=True) as progress:
            task = progress.add_task("seeding demo", total=None)

            def report(message: str) -> None:
                progress.update(task, description=message)

            with Session(engine) as session:
                summary = seed_demo(session, settings, now=now, progress=report)
                session.commit()
            extras = seed_extras(lambda: Session(engine), settings, now=now, progress=report)
        return summary, extras
    finally:
        engine.dispose()


@app.command()
def seed() -> None:
    """Seed the demo marketplace into the configured database (does nothing if it has stores)."""
    settings = get_settings()
    _prepare_database(settings, townships=False)
    summary, extras = _seed(settings)
    typer.echo(
        f"{'seeded' if summary.created else 'already seeded'}: {summary.stores} stores, "
        f"{summary.products} products, {summary.orders} orders"
    )
    for line in extras:
        typer.echo(f"  {line}")


@app.command()
def demo(
    host: str = typer.Option("127.0.0.1", help="address to listen on"),
    port: int = typer.Option(8000, help="port"),
) -> None:
    """Make the database, load regions, seed the demo, and start the server."""
    settings = get_settings()
    _prepare_database(settings, townships=True)
    summary, extras = _seed(settings)
    url = f"http://{host}:{port}"
    typer.echo(
        "\n".join(
            [
                "",
                f"山货 Shanhuo demo: {summary.stores} stores, {summary.products} products, "
                f"{summary.orders} orders",
                f"  打开 Open:            {url}/",
                f"  接口文档 API docs:    {url}/docs",
                "  演示账号 Demo sign-ins (验证码打印在本终端 / the code is printed in this console):",
                f"    卖家 seller:  {summary.seller_mobile}",
                f"    买家 buyer:   {summary.buyer_mobile}",
                f"    管理员 admin: {summary.admin_mobile}",
                *(f"  {line}" for line in extras),
                "",
            ]
        )
    )
    uvicorn.run("shanhuo.asgi:app", host=host, port=port)


def main() -> None:
    app()
