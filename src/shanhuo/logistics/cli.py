"""`shanhuo logistics ...` commands."""

from __future__ import annotations

import typer

app = typer.Typer(help="logistics", no_args_is_help=True)
