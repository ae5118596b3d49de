"""`shanhuo accounts ...` commands."""

from __future__ import annotations

import typer

app = typer.Typer(help="accounts", no_args_is_help=True)
