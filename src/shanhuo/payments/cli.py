"""`shanhuo payments ...` commands."""

from __future__ import annotations

import typer

app = typer.Typer(help="payments", no_args_is_help=True)
