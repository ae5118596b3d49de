"""`shanhuo live ...` commands."""

from __future__ import annotations

import typer

app = typer.Typer(help="live", no_args_is_help=True)
