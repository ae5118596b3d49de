"""`shanhuo regions ...` commands."""

from __future__ import annotations

import typer

app = typer.Typer(help="regions", no_args_is_help=True)
