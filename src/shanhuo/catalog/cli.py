"""`shanhuo catalog ...` commands."""

from __future__ import annotations

import typer

app = typer.Typer(help="catalog", no_args_is_help=True)
