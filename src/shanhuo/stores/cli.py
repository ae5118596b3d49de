"""`shanhuo stores ...` commands."""

from __future__ import annotations

import typer

app = typer.Typer(help="stores", no_args_is_help=True)
