"""`shanhuo orders ...` commands."""

from __future__ import annotations

import typer

app = typer.Typer(help="orders", no_args_is_help=True)
