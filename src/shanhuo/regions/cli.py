"""`shanhuo regions ...` commands."""

from __future__ import annotations

import time

import typer
from sqlalchemy.orm import Session

from shanhuo.config import get_settings
from shanhuo.kit.db import make_engine
from shanhuo.regions.loader import RegionDataMissing, load_standard_regions, region_data_dir
from shanhuo.regions.rules import parse_province_list

app = typer.Typer(help="regions", no_args_is_help=True)


@app.command("load")
def load(
    townships: str = typer.Option(
        "",
        "--townships",
        help="also load the townships of these provinces: two-digit prefixes such as 61,53, or all",
    ),
) -> None:
    """Load provinces, prefectures and counties (and townships if asked) from the data package.

    Safe to run again: rows already present are left as they are."""
    try:
        provinces = parse_province_list(townships)
        data_dir = region_data_dir()
    except (ValueError, RegionDataMissing) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    settings = get_settings()
    scope = f"townships of {','.join(provinces)}" if provinces else "no townships"
    typer.echo(f"loading regions from {data_dir} ({scope}) …")
    started = time.perf_counter()
    engine = make_engine(settings.sqlalchemy_url)
    try:
        with Session(engine) as session:
            summary = load_standard_regions(session, township_provinces=provinces)
            session.commit()
    finally:
        engine.dispose()
    typer.echo(f"{summary.describe()} in {time.perf_counter() - started:.1f}s")
