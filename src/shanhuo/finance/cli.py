"""`shanhuo finance ...` commands."""

from __future__ import annotations

import typer

app = typer.Typer(help="finance", no_args_is_help=True)
