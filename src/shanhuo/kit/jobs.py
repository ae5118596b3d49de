"""Periodic jobs inside the server process: run a blocking job in a thread every so often until
told to stop. Each run is the job's own transaction; a failure is logged and retried next
time, never taking the app down. Jobs must be idempotent (several workers may run them)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

log = logging.getLogger("shanhuo.jobs")


async def run_every(
    name: str, interval: float, job: Callable[[], object], stop: asyncio.Event
) -> None:
    while not stop.is_set():
        try:
            await asyncio.to_thread(job)
        except Exception:
            log.exception("%s failed; will retry", name)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)
