"""`shanhuo live ...` commands: the demo's test video stream and a deal sweep."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import typer
from sqlalchemy.orm import Session

from shanhuo.config import get_settings
from shanhuo.kit.db import make_engine
from shanhuo.kit.timeutil import utcnow

app = typer.Typer(help="Live rooms", no_args_is_help=True)

DEMO_STREAM = "demo"


def ffmpeg_path() -> str | None:
    return shutil.which("ffmpeg")


def make_demo_stream(media_dir: Path, *, seconds: int = 20, name: str = DEMO_STREAM) -> Path | None:
    """A test HLS stream (colour bars, a clock and a tone) made by ffmpeg under
    ``media_dir/<name>/index.m3u8``, served at ``/media/live/<name>/index.m3u8``; the room page
    loops it. Returns None when ffmpeg is not installed."""
    ffmpeg = ffmpeg_path()
    if ffmpeg is None:
        return None
    out = media_dir / name
    out.mkdir(parents=True, exist_ok=True)
    playlist = out / "index.m3u8"
    subprocess.run(  # noqa: S603 — fixed arguments, no user input
        [
            ffmpeg,
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"testsrc2=size=426x240:rate=15:duration={seconds}",
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency=440:duration={seconds}",
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-pix_fmt",
            "yuv420p",
            "-g",
            "30",
            "-c:a",
            "aac",
            "-b:a",
            "64k",
            "-f",
            "hls",
            "-hls_time",
            "2",
            "-hls_playlist_type",
            "vod",
            "-hls_segment_filename",
            str(out / "seg%03d.ts"),
            str(playlist),
        ],
        check=True,
        timeout=120,
    )
    return playlist


@app.command("demo-stream")
def demo_stream(seconds: int = typer.Option(20, min=4, max=600, help="length of the loop")) -> None:
    """Make the looping test HLS stream with ffmpeg (served at /media/live/demo/index.m3u8)."""
    settings = get_settings()
    playlist = make_demo_stream(settings.data_dir / "media" / "live", seconds=seconds)
    if playlist is None:
        typer.echo(
            "ffmpeg 未安装，演示视频流未生成 / ffmpeg is not installed: no demo stream "
            "(apt-get install ffmpeg). Rooms still work without video."
        )
        raise typer.Exit(code=1)
    typer.echo(f"demo stream: {playlist} → /media/live/{DEMO_STREAM}/index.m3u8")


@app.command("sweep")
def sweep() -> None:
    """End deals whose time is up and give back the units of unpaid deal orders (the server
    does this every few seconds; this is for cron or a stopped server)."""
    from shanhuo.live import deals

    settings = get_settings()
    engine = make_engine(settings.sqlalchemy_url)
    try:
        with Session(engine) as session:
            result = deals.sweep(session, now=utcnow())
            session.commit()
    finally:
        engine.dispose()
    typer.echo(
        f"ended {len(result.ended)} deals, cancelled {result.expired_orders} unpaid deal orders, "
        f"units given back: {result.released or 0}"
    )
