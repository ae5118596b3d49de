"""kit.db.sqlite_writer_turn: hot SQLite writers (threads or processes) take turns on a file
lock instead of polling SQLite's busy handler; a no-op elsewhere."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from sqlalchemy.orm import Session

from shanhuo.kit.db import make_engine, sqlite_writer_turn


def test_turns_exclude_each_other(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'turn.db'}")
    inside = 0
    most = 0
    lock = threading.Lock()

    def writer() -> None:
        nonlocal inside, most
        for _ in range(20):
            with Session(engine) as session, sqlite_writer_turn(session):
                with lock:
                    inside += 1
                    most = max(most, inside)
                time.sleep(0.001)
                with lock:
                    inside -= 1

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    engine.dispose()
    assert most == 1  # never two writers in their turn at once
    assert (tmp_path / "turn.db.writer-lock").exists()


def test_no_lock_file_for_memory_or_postgres(db: Session, tmp_path: Path) -> None:
    engine = make_engine("sqlite://")
    with Session(engine) as session, sqlite_writer_turn(session):
        pass
    with sqlite_writer_turn(db):  # the test database: a file on SQLite, or PostgreSQL
        pass
    engine.dispose()
    assert not list(tmp_path.glob("*.writer-lock"))
