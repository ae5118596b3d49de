"""``shanhuo report --year 2020``: compute the report and write every output.

The typer app runs its callback when called without a sub-command (``cli.py`` mounts it as
``report``). ``--source sim`` (default) reads the simulated dataset in ``<data_dir>/sim`` (or
``--data``); ``--source db`` first exports the platform's database to ``<data_dir>/db-export``.
Errors (no data, a year without data, an unknown province, a corrupt file) print one clear
message in Chinese and English and exit with status 2; nothing partial is written.
"""

from __future__ import annotations

from pathlib import Path

import typer

from shanhuo.config import get_settings
from shanhuo.kit.db import make_engine
from shanhuo.kit.errors import ShanhuoError
from shanhuo.report import rules
from shanhuo.report.engines import ENGINES
from shanhuo.report.indicators import ReportOptions

app = typer.Typer(
    help="区域电商发展报告 / regional e-commerce development report",
    invoke_without_command=True,
)


def _fail(exc: ShanhuoError) -> None:
    typer.echo(f"错误 {exc.code}: {exc.message_zh}\nerror: {exc.message_en}", err=True)
    raise typer.Exit(2)


@app.callback()
def run(
    ctx: typer.Context,
    year: int = typer.Option(2020, help="report year (local calendar year)"),
    source: str = typer.Option(
        "sim", help="sim (simulated dataset) or db (the platform's database)"
    ),
    data: Path | None = typer.Option(None, help="dataset folder (default <data_dir>/sim)"),
    out: Path | None = typer.Option(None, help="reports folder (default <data_dir>/reports)"),
    engine: str = typer.Option("duckdb", help="duckdb or spark"),
    min_base: int = typer.Option(
        rules.DEFAULT_MIN_BASE, min=1, help="minimum base count for a growth rate"
    ),
    financing_base_year: int = typer.Option(
        rules.DEFAULT_FINANCING_BASE_YEAR, help="financing comparison year"
    ),
    province: str | None = typer.Option(None, help="also print one province's numbers (e.g. 53)"),
) -> None:
    """Build the report for a year (web page data, standalone HTML, PDF, CSV, Excel)."""
    if ctx.invoked_subcommand is not None:
        return
    from shanhuo.report.service import build_report, province_view

    settings = get_settings()
    if engine not in ENGINES:
        typer.echo(
            f"错误: 引擎应为 {' / '.join(ENGINES)} / engine must be one of {', '.join(ENGINES)}",
            err=True,
        )
        raise typer.Exit(2)
    if source not in ("sim", "db"):
        typer.echo("错误: --source 应为 sim 或 db / --source must be sim or db", err=True)
        raise typer.Exit(2)
    try:
        if province is not None and not rules.is_province_code(province):
            from shanhuo.report.service import unknown_province

            raise unknown_province(province)
        if source == "db":
            from shanhuo.report.dbexport import default_export_dir, export_database

            dataset_dir = data or default_export_dir(settings.data_dir)
            db = make_engine(settings.sqlalchemy_url)
            try:
                manifest = export_database(db, dataset_dir)
            finally:
                db.dispose()
            typer.echo(f"exported the platform database → {dataset_dir} ({manifest['row_counts']})")
            if manifest["empty_tables"]:
                typer.echo(
                    f"  无数据的表 tables with no data: {', '.join(manifest['empty_tables'])}"
                )
        else:
            dataset_dir = data or settings.data_dir / "sim"
        built = build_report(
            dataset_dir,
            year,
            out or settings.data_dir / "reports",
            engine=engine,
            options=ReportOptions(min_base=min_base, financing_base_year=financing_base_year),
        )
        typer.echo(built.describe())
        if province is not None:
            view = province_view(built.document, province)
            typer.echo(f"{view['province']['province_name']} ({view['macro_name']}):")
            for section in view["sections"]:
                items = "; ".join(f"{label} {value}" for label, _en, value in section["lines"])
                typer.echo(f"  {section['title_zh']}: {items}")
    except ShanhuoError as exc:
        _fail(exc)
