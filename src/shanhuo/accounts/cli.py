"""`shanhuo accounts ...` commands."""

from __future__ import annotations

import typer
from sqlalchemy import select
from sqlalchemy.orm import Session

from shanhuo.accounts import roles as roles_module
from shanhuo.accounts import rules
from shanhuo.config import get_settings
from shanhuo.kit.db import make_engine
from shanhuo.kit.masking import mask_mobile
from shanhuo.kit.timeutil import utcnow
from shanhuo.models import User

app = typer.Typer(help="accounts", no_args_is_help=True)


@app.command("grant")
def grant(
    mobile: str = typer.Argument(..., help="mainland mobile number"),
    role: str = typer.Argument(..., help=f"one of {', '.join(roles_module.ROLES)}"),
) -> None:
    """Give a role to the person with this number (creating their account, role buyer, if
    they have not signed in yet). Use it to make the first administrator."""
    if not rules.is_valid_mobile(mobile):
        typer.echo("error: not a mainland mobile number", err=True)
        raise typer.Exit(2)
    if role not in roles_module.ROLES:
        typer.echo(f"error: role must be one of {', '.join(roles_module.ROLES)}", err=True)
        raise typer.Exit(2)
    engine = make_engine(get_settings().sqlalchemy_url)
    try:
        with Session(engine) as session:
            user = session.scalars(select(User).where(User.mobile == mobile)).first()
            if user is None:
                user = User(mobile=mobile, display_name="", created_at=utcnow())
                session.add(user)
                session.flush()
                roles_module.grant_role(session, user.id, "buyer")
            granted = roles_module.grant_role(session, user.id, role)
            session.commit()
            held = ", ".join(sorted(roles_module.roles_of(session, user.id)))
    finally:
        engine.dispose()
    verb = "granted" if granted else "already held"
    typer.echo(f"{mask_mobile(mobile)} (user {user.id}): {role} {verb}; roles: {held}")
