"""`shanhuo logistics ...` commands: the jobs of the rural network.

- ``intake``: every paid order without a parcel (in a county with a hub) becomes one
- ``storage-sweep``: pickup reminders and return to sender (SMS sent after the commit)
- ``plan COUNTY DATE``: build a route plan (optionally publish it)
"""

from __future__ import annotations

from datetime import date

import typer
from sqlalchemy.orm import Session

from shanhuo.accounts.sms import make_sms_sender
from shanhuo.config import get_settings
from shanhuo.kit.db import make_engine
from shanhuo.kit.timeutil import utcnow

app = typer.Typer(help="Rural logistics: parcels, pickup codes, daily routes", no_args_is_help=True)


def _session() -> tuple[Session, object]:
    settings = get_settings()
    engine = make_engine(settings.sqlalchemy_url)
    return Session(engine), engine


@app.command()
def intake(limit: int = typer.Option(500, min=1, max=10_000, help="orders per run")) -> None:
    """Turn paid orders without parcels into upward parcels."""
    from shanhuo.logistics import service

    session, engine = _session()
    try:
        made = service.intake(session, now=utcnow(), limit=limit)
        session.commit()
        typer.echo(f"parcels created: {len(made)}")
    finally:
        session.close()
        engine.dispose()  # type: ignore[attr-defined]


@app.command("storage-sweep")
def storage_sweep() -> None:
    """Remind villagers of parcels past free storage; return the overdue ones to sender."""
    from shanhuo.logistics import service

    settings = get_settings()
    session, engine = _session()
    try:
        result = service.sweep_storage(session, now=utcnow(), settings=settings)
        session.commit()
        service.send_all(make_sms_sender(settings), result.reminders)
        typer.echo(f"reminders: {len(result.reminders)}, returned: {len(result.returned)}")
    finally:
        session.close()
        engine.dispose()  # type: ignore[attr-defined]


@app.command()
def plan(
    county_code: str,
    day: str = typer.Argument(..., help="service date, YYYY-MM-DD"),
    publish: bool = typer.Option(False, help="publish the plan"),
    seconds: float = typer.Option(0, help="solver time (default: settings)"),
) -> None:
    """Build (and optionally publish) the route plan of a county for a day."""
    from shanhuo.kit.errors import ShanhuoError
    from shanhuo.logistics import network
    from shanhuo.logistics.routing import publishing, queries
    from shanhuo.logistics.routing import service as routing

    settings = get_settings()
    session, engine = _session()
    try:
        hub = network.hub_of_county(session, county_code)
        made = routing.build_plan(
            session,
            hub,
            date.fromisoformat(day),
            settings=settings,
            now=utcnow(),
            actor_id=None,
            seconds=seconds or None,
        )
        if publish:
            publishing.publish(session, made, now=utcnow())
        session.commit()
        view = queries.plan_read(session, made)
        typer.echo(
            f"plan {view.id} v{view.version} {view.status}: {len(view.routes)} routes, "
            f"{view.distance_km} km, ¥{view.cost_fen / 100:.2f}, solved in {view.solve_ms} ms"
        )
    except ShanhuoError as exc:
        session.rollback()
        typer.echo(f"{exc.message_zh} / {exc.message_en}", err=True)
        raise typer.Exit(1) from None
    finally:
        session.close()
        engine.dispose()  # type: ignore[attr-defined]
