"""Flash-deal intake benchmark: the real server (uvicorn, 1 and 2 workers) on loopback, driven
by a separate load process (a small asyncio HTTP/1.1 keep-alive client, no extra packages).

Per database (SQLite file, PostgreSQL) and worker count it measures, against the same server
(echo and intake alternate for three rounds, each intake round on a fresh deal, and the median
round's ratio is reported: load from elsewhere on a shared machine then hits both sides alike):
  (i)   a bare JSON echo endpoint's requests/s (the ceiling of this stack);
  (ii)  the naive baseline: each order in its own transaction (sync route, same durability);
  (iii) the batched intake (``POST /api/live/deals/{id}/orders``): accepted orders/s, p50/p99;
and then checks the database: oversold units, acknowledged orders missing, duplicate orders
for retried keys (10% of requests are re-sent with the same Idempotency-Key). It also prints
the CPU each request cost (server, PostgreSQL, load process), read from /proc.

The load is 256 keep-alive connections, each sending its next request when the last is
answered: a flash deal is thousands of buyers pressing "buy" at once. With few connections
(64) every waiting request fits in one batch, so the server alternates between parsing
requests and waiting for the database instead of doing both at once; that measures the
load generator's shape more than the intake (``--concurrency 64`` shows it).

    .venv/bin/python -m bench.live            # full run (SQLite and PostgreSQL, 1 and 2 workers)
    .venv/bin/python -m bench.live --quick    # a few hundred requests, SQLite, 1 worker
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

BODY = {
    "quantity": 1,
    "recipient_name": "王小明",
    "recipient_mobile": "13912345678",
    "region_code": "610431",
    "address": "幸福路 1 号",
}
TARGET_ECHO_RATIO = 0.70
TARGET_NAIVE_RATIO = 2.0


# The load process -----------------------------------------------------------------------------


async def _request(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, head: bytes, body: bytes
) -> tuple[int, bytes]:
    writer.write(head + body)
    await writer.drain()
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("closed")
    status = int(status_line.split()[1])
    length = 0
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b"\n", b""):
            break
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    payload = await reader.readexactly(length) if length else b""
    return status, payload


async def _load(spec: dict[str, Any]) -> dict[str, Any]:
    """Send ``spec['requests']`` (each: token, key, retry flag) over ``concurrency`` connections."""
    port, path, concurrency = spec["port"], spec["path"], spec["concurrency"]
    jobs: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    for item in spec["requests"]:
        jobs.put_nowait(item)
    body = json.dumps(BODY, ensure_ascii=False).encode()
    latencies: list[float] = []
    acks: list[tuple[str, int]] = []
    statuses: dict[str, int] = {}
    errors = 0

    async def worker() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        while not jobs.empty():
            item = jobs.get_nowait()
            for attempt in range(2 if item.get("retry") else 1):
                head = (
                    f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    f"Authorization: Bearer {item['token']}\r\nIdempotency-Key: {item['key']}\r\n"
                    f"Content-Length: {len(body)}\r\n\r\n"
                ).encode()
                started = time.perf_counter()
                try:
                    status, payload = await _request(reader, writer, head, body)
                except (ConnectionError, asyncio.IncompleteReadError, OSError):
                    errors += 1
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                    continue
                if attempt == 0:
                    latencies.append(time.perf_counter() - started)
                statuses[str(status)] = statuses.get(str(status), 0) + 1
                if status in (200, 201) and payload.startswith(b"{") and b"order_id" in payload:
                    acks.append((item["key"], json.loads(payload)["order_id"]))
        writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "elapsed": elapsed,
        "sent": len(latencies),
        "statuses": statuses,
        "errors": errors,
        "acks": acks,
        "p50_ms": 1000 * latencies[len(latencies) // 2] if latencies else 0.0,
        "p99_ms": 1000 * latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
        if latencies
        else 0.0,
    }


def load_main(spec_file: str) -> None:
    spec = json.loads(Path(spec_file).read_text())
    print(json.dumps(asyncio.run(_load(spec))))


def run_load(spec: dict[str, Any], workdir: Path) -> dict[str, Any]:
    spec_file = workdir / f"spec-{uuid.uuid4().hex[:6]}.json"
    spec_file.write_text(json.dumps(spec))
    out = subprocess.run(
        [sys.executable, "-m", "bench.live", "--load", str(spec_file)],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _cpu_by_pid(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds of these processes so far, from /proc."""
    out = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return out


def _cpu_since(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU used between two readings by the processes alive at the second (a process that
    exited in between is not counted, so never negative)."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def _pids(*args: str) -> list[int]:
    out = subprocess.run(["pgrep", *args], capture_output=True, text=True, check=False)
    return [int(p) for p in out.stdout.split()]


def measured_load(
    spec: dict[str, Any], workdir: Path, server_pid: int, *, postgres_used: bool
) -> dict[str, Any]:
    """``run_load`` plus the CPU it cost, per request: the server (uvicorn and its workers),
    PostgreSQL (every process of the postgres user; 0 on SQLite) and the load process. On this
    2-core machine the ratio to echo cannot beat echo's CPU ÷ intake's CPU once both cores are
    busy (with one worker, one busy server process is the limit first), so this says *where*
    a shortfall comes from."""
    server = [server_pid, *_pids("-P", str(server_pid))]
    postgres = _pids("-u", "postgres") if postgres_used else []
    before = (_cpu_by_pid(server), _cpu_by_pid(postgres))
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = run_load(spec, workdir)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    n = max(1, result["sent"])
    load_seconds = after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime
    postgres_after = _pids("-u", "postgres") if postgres_used else []
    result["cpu_ms"] = {
        "server": 1000 * _cpu_since(before[0], _cpu_by_pid(server)) / n,
        "postgres": 1000 * _cpu_since(before[1], _cpu_by_pid(postgres_after)) / n,
        "load": 1000 * load_seconds / n,
    }
    return result


# Set-up and the server ------------------------------------------------------------------------


def prepare(url: str, *, buyers: int, pools: tuple[int, ...]) -> dict[str, Any]:
    """Schema from the migrations; one store, one room live, one open deal per pool (each on
    its own SKU); ``buyers`` people with API tokens."""
    from sqlalchemy import text
    from sqlalchemy.orm import Session

    from shanhuo.accounts.tokens import issue_token
    from shanhuo.kit.db import make_engine
    from shanhuo.kit.migrate import upgrade
    from shanhuo.kit.timeutil import utcnow
    from shanhuo.live import deals, rooms
    from shanhuo.live.schemas import DealCreate, RoomCreate, SessionCreate
    from shanhuo.models import Product, Region, Sku, Store, User

    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    upgrade(url)
    now = utcnow()
    with Session(engine) as s:
        s.add(
            Region(code="61", name="陕西省", level="province", province_code="61", source="bench")
        )
        s.add(
            Region(code="610431", name="武功县", level="county", province_code="61", source="bench")
        )
        seller = User(mobile="13900009999", display_name="果农", created_at=now)
        anchor = User(mobile="13900009998", display_name="主播", created_at=now)
        s.add_all([seller, anchor])
        s.flush()
        store = Store(
            owner_id=seller.id,
            name="武功猕猴桃",
            category_code="fruit",
            county_code="610431",
            province_code="61",
            contact_mobile="13900009999",
            status="open",
            opened_at=now,
        )
        s.add(store)
        s.flush()
        product = Product(
            store_id=store.id,
            title="武功猕猴桃 5斤",
            category_code="fruit",
            origin_county_code="610431",
            origin_province_code="61",
            status="active",
            created_at=now,
            updated_at=now,
        )
        s.add(product)
        s.flush()
        skus = [
            Sku(product_id=product.id, name=f"{k + 1}号装", price_fen=3990, on_hand=pool + 10)
            for k, pool in enumerate(pools)
        ]
        s.add_all(skus)
        s.flush()
        rooms.link_anchor(s, store_id=store.id, owner_id=seller.id, mobile=anchor.mobile, now=now)
        room = rooms.create_room(s, anchor_id=anchor.id, data=RoomCreate(title="秒杀压测"), now=now)
        live = rooms.create_session(s, room, SessionCreate(title="压测", scheduled_at=now), now=now)
        rooms.move_session(s, live, "live", now=now)
        created = now - timedelta(seconds=11)  # the countdown is over: the deals are open
        ids = []
        for sku, pool in zip(skus, pools, strict=True):
            item = rooms.add_room_product(s, room, sku_id=sku.id, now=now)
            deal = deals.create_deal(
                s,
                room,
                DealCreate(
                    room_product_id=item.id,
                    price_fen=990,
                    pool=pool,
                    per_buyer_limit=1,
                    countdown_seconds=10,
                    duration_seconds=1200,
                ),
                now=created,
            )
            ids.append(deal.id)
        people = [
            User(mobile=f"1370000{i:04d}", display_name="", created_at=now) for i in range(buyers)
        ]
        s.add_all(people)
        s.flush()
        tokens = [issue_token(s, u, kind="api", days=1) for u in people]
        anchor_token = issue_token(s, anchor, kind="api", days=1)
        room_id, item_ids = room.id, [i.id for i in rooms.room_products(s, room.id)]
        s.commit()
    engine.dispose()
    return {
        "deal_ids": ids,
        "tokens": tokens,
        "room_id": room_id,
        "anchor_token": anchor_token,
        "room_product_ids": item_ids,
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(data_dir: Path, url: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    import http.client

    env = {
        **os.environ,
        "SHANHUO_DATA_DIR": str(data_dir),
        "SHANHUO_DATABASE_URL": url,
        "SHANHUO_LIVE_BENCH_ENDPOINTS": "true",
        "SHANHUO_ENV": "development",
        # uvicorn's own default for --workers; the app reads it too (live.intake.writer_shape)
        "WEB_CONCURRENCY": str(workers),
    }
    env.pop("SHANHUO_REDIS_URL", None)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "shanhuo.asgi:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                time.sleep(0.5 if workers > 1 else 0.1)
                return process
        except OSError:
            time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)
    raise RuntimeError("server did not start")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def check_database(url: str, deal_id: int, acks: list[tuple[str, int]]) -> dict[str, int]:
    from sqlalchemy import func, select

    from shanhuo.kit.db import make_engine
    from shanhuo.models import LiveDeal, LiveDealOrder, Order

    engine = make_engine(url)
    with engine.connect() as conn:
        pool, sold, returned = conn.execute(
            select(LiveDeal.pool, LiveDeal.sold, LiveDeal.returned).where(LiveDeal.id == deal_id)
        ).one()
        orders = (
            conn.scalar(select(func.count()).select_from(Order).where(Order.deal_id == deal_id))
            or 0
        )
        stored = dict(
            conn.execute(
                select(LiveDealOrder.idempotency_key, LiveDealOrder.order_id).where(
                    LiveDealOrder.deal_id == deal_id
                )
            ).all()
        )
    engine.dispose()
    by_key: dict[str, set[int]] = {}
    for key, order_id in acks:
        by_key.setdefault(key, set()).add(order_id)
    return {
        "pool": pool,
        "sold": sold,
        "orders": orders,
        "oversold": max(0, orders - pool, sold + returned - pool),
        "missing": sum(1 for key, order_id in acks if stored.get(key) != order_id),
        "duplicates": sum(len(ids) - 1 for ids in by_key.values()) + max(0, orders - len(stored)),
    }


def requests_for(
    tokens: list[str], n: int, tag: str, *, retry_share: float
) -> list[dict[str, Any]]:
    every = max(1, round(1 / retry_share)) if retry_share else 0
    return [
        {
            "token": tokens[i % len(tokens)],
            "key": f"{tag}-{i}",
            "retry": bool(every) and i % every == 0,
        }
        for i in range(n)
    ]


def one_config(
    db: str, url: str, workers: int, n: int, concurrency: int, rounds: int, workdir: Path
) -> dict[str, Any]:
    """Echo and intake alternate for ``rounds`` rounds on the same server (each intake round on
    a fresh deal), so a burst of load from elsewhere on this shared machine hits both sides
    alike; the ratio is the median of the rounds'. The naive baseline runs once."""
    from shanhuo.live.intake import writer_shape

    pool = int(n * 0.9)  # the last 10% of buyers find it sold out: contention at the end
    setup = prepare(url, buyers=n, pools=(pool,) * (rounds + 1))
    intake_deals, naive_deal = setup["deal_ids"][:rounds], setup["deal_ids"][rounds]
    port = free_port()
    server = start_server(workdir, url, port, workers)
    echo_runs: list[dict[str, Any]] = []
    intake_runs: list[dict[str, Any]] = []
    try:
        warm = {
            "port": port,
            "path": "/api/live/bench/echo",
            "concurrency": 8,
            "requests": requests_for(setup["tokens"], 200, "warm", retry_share=0),
        }
        run_load(warm, workdir)
        naive = run_load(
            {
                "port": port,
                "path": f"/api/live/bench/deals/{naive_deal}/naive-orders",
                "concurrency": concurrency,
                "requests": requests_for(setup["tokens"], n, "naive", retry_share=0),
            },
            workdir,
        )
        for r, deal_id in enumerate(intake_deals):
            echo_runs.append(
                measured_load(
                    {
                        **warm,
                        "concurrency": concurrency,
                        "requests": requests_for(setup["tokens"], n, f"echo{r}", retry_share=0),
                    },
                    workdir,
                    server.pid,
                    postgres_used=db == "postgres",
                )
            )
            intake_runs.append(
                measured_load(
                    {
                        "port": port,
                        "path": f"/api/live/deals/{deal_id}/orders",
                        "concurrency": concurrency,
                        "requests": requests_for(setup["tokens"], n, f"intake{r}", retry_share=0.1),
                    },
                    workdir,
                    server.pid,
                    postgres_used=db == "postgres",
                )
            )
    finally:
        stop_server(server)
    naive_checks = check_database(url, naive_deal, [tuple(a) for a in naive["acks"]])  # type: ignore[misc]
    per_round = []
    for deal_id, echo, intake in zip(intake_deals, echo_runs, intake_runs, strict=True):
        checks = check_database(url, deal_id, [tuple(a) for a in intake["acks"]])  # type: ignore[misc]
        echo_rps = echo["sent"] / echo["elapsed"]
        intake_rps = intake["sent"] / intake["elapsed"]
        per_round.append(
            {
                "echo_rps": echo_rps,
                # Accepted orders per second over the whole burst (sold-out refusals and
                # retries included in the time, so this is conservative).
                "intake_orders_per_s": checks["orders"] / intake["elapsed"],
                "intake_requests_per_s": intake_rps,
                "ratio_echo": intake_rps / echo_rps,
                "p50_ms": intake["p50_ms"],
                "p99_ms": intake["p99_ms"],
                "statuses": intake["statuses"],
                "errors": intake["errors"] + echo["errors"],
                "echo_cpu_ms": echo["cpu_ms"],
                "intake_cpu_ms": intake["cpu_ms"],
                **checks,
            }
        )
    middle = sorted(per_round, key=lambda x: x["ratio_echo"])[len(per_round) // 2]
    naive_rate = naive_checks["orders"] / naive["elapsed"]
    return {
        "db": db,
        "workers": workers,
        "writer": writer_shape(
            os.environ.get("SHANHUO_LIVE_INTAKE_WRITER", "auto"),
            database="postgresql" if db == "postgres" else "sqlite",
            workers=workers,
            cpus=os.cpu_count() or 1,
        ),
        "requests": n,
        "concurrency": concurrency,
        "rounds": per_round,
        "echo_rps": middle["echo_rps"],
        "naive_orders_per_s": naive_rate,
        "naive_p50_ms": naive["p50_ms"],
        "naive_p99_ms": naive["p99_ms"],
        "intake_orders_per_s": middle["intake_orders_per_s"],
        "intake_requests_per_s": middle["intake_requests_per_s"],
        "intake_p50_ms": middle["p50_ms"],
        "intake_p99_ms": max(r["p99_ms"] for r in per_round),
        "ratio_echo": middle["ratio_echo"],
        "ratio_naive": middle["intake_orders_per_s"] / naive_rate if naive_rate else 0.0,
        "statuses": middle["statuses"],
        "echo_cpu_ms": middle["echo_cpu_ms"],
        "intake_cpu_ms": middle["intake_cpu_ms"],
        "errors": naive["errors"] + sum(r["errors"] for r in per_round),
        "pool": sum(r["pool"] for r in per_round),
        "sold": sum(r["sold"] for r in per_round),
        "orders": sum(r["orders"] for r in per_round),
        "oversold": sum(r["oversold"] for r in per_round) + naive_checks["oversold"],
        "missing": sum(r["missing"] for r in per_round) + naive_checks["missing"],
        "duplicates": sum(r["duplicates"] for r in per_round) + naive_checks["duplicates"],
    }


def postgres_url(base: str) -> str:
    """Make sure the benchmark's own database exists (never the test databases)."""
    import psycopg

    name = base.rsplit("/", 1)[1]
    admin = base.rsplit("/", 1)[0].replace("postgresql+psycopg", "postgresql") + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    return base


def _cpu_line(name: str, cpu: dict[str, float]) -> str:
    return (
        f"{name} {sum(cpu.values()):.2f} = server {cpu['server']:.2f} + postgres "
        f"{cpu['postgres']:.2f} + load {cpu['load']:.2f}"
    )


def print_row(r: dict[str, Any]) -> None:
    ok_echo = r["ratio_echo"] >= TARGET_ECHO_RATIO
    ok_naive = r["ratio_naive"] >= TARGET_NAIVE_RATIO
    ok_exact = r["oversold"] == 0 and r["missing"] == 0 and r["duplicates"] == 0
    print(
        f"{r['db']:<10} workers={r['workers']}  requests={r['requests']} (10% retried with the same key), "
        f"{r['concurrency']} connections, {len(r['rounds'])} rounds of echo then intake, "
        f"deal writer: {r['writer']} (live.intake.writer_shape)\n"
        + "".join(
            f"  round {k + 1}: echo {x['echo_rps']:6.0f} req/s, intake {x['intake_requests_per_s']:6.0f} req/s"
            f" ({x['intake_orders_per_s']:.0f} accepted orders/s) → {x['ratio_echo']:.2f}\n"
            for k, x in enumerate(r["rounds"])
        )
        + f"  echo endpoint (median round):  {r['echo_rps']:8.0f} req/s\n"
        f"  naive (1 tx/order, once):      {r['naive_orders_per_s']:8.0f} orders/s   p50 {r['naive_p50_ms']:.1f} ms  p99 {r['naive_p99_ms']:.1f} ms\n"
        f"  batched intake (median round): {r['intake_orders_per_s']:8.0f} accepted orders/s ({r['intake_requests_per_s']:.0f} req/s)"
        f"   p50 {r['intake_p50_ms']:.1f} ms  p99 {r['intake_p99_ms']:.1f} ms (worst round)   statuses {r['statuses']}\n"
        f"  ratios (median round): intake req/s ÷ echo = {r['ratio_echo']:.2f} (target ≥ {TARGET_ECHO_RATIO}: "
        f"{'met' if ok_echo else 'NOT met'});  intake ÷ naive = {r['ratio_naive']:.2f}× "
        f"(target ≥ {TARGET_NAIVE_RATIO}×: {'met' if ok_naive else 'NOT met'})\n"
        f"  CPU per request (median round, ms): {_cpu_line('echo', r['echo_cpu_ms'])};  "
        f"{_cpu_line('intake', r['intake_cpu_ms'])};  echo ÷ intake CPU = "
        f"{sum(r['echo_cpu_ms'].values()) / max(1e-9, sum(r['intake_cpu_ms'].values())):.2f} "
        f"(the ceiling of the ratio once both cores are busy)\n"
        f"  all intake rounds: pool {r['pool']}, sold {r['sold']}, orders {r['orders']}; with the naive deal:  oversold {r['oversold']}, "
        f"missing {r['missing']}, duplicates {r['duplicates']}  ({'met' if ok_exact else 'NOT met'}); "
        f"transport errors {r['errors']}\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="a few hundred requests, SQLite, 1 worker"
    )
    parser.add_argument("--load", help=argparse.SUPPRESS)
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default=None)
    parser.add_argument(
        "--workers", default=None, help="comma-separated worker counts (default 1,2)"
    )
    parser.add_argument("--requests", type=int, default=None)
    parser.add_argument(
        "--concurrency",
        type=int,
        default=256,
        help="connections of the load process (default 256; see the module docstring)",
    )
    parser.add_argument(
        "--rounds", type=int, default=None, help="echo/intake rounds (default 3, quick 1)"
    )
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get(
            "SHANHUO_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/bench_live"
        ),
    )
    args = parser.parse_args()
    if args.load:
        load_main(args.load)
        return
    dbs = [args.db or ("sqlite" if args.quick else "both")]
    dbs = ["sqlite", "postgres"] if dbs == ["both"] else dbs
    workers = [int(w) for w in (args.workers or ("1" if args.quick else "1,2")).split(",")]
    n = args.requests or (300 if args.quick else 4000)
    args.rounds = args.rounds or (1 if args.quick else 3)
    concurrency = min(args.concurrency, 16) if args.quick else args.concurrency
    print(
        f"bench.live: flash-deal intake on the real server (uvicorn), load from a separate process; "
        f"{os.cpu_count()} CPUs shared by server and load\n"
    )
    results = []
    for db in dbs:
        for w in workers:
            with tempfile.TemporaryDirectory(prefix="shanhuo-bench-") as tmp:
                workdir = Path(tmp)
                url = (
                    f"sqlite:///{workdir / 'shanhuo.db'}"
                    if db == "sqlite"
                    else postgres_url(args.postgres_url)
                )
                result = one_config(db, url, w, n, concurrency, args.rounds, workdir)
                print_row(result)
                results.append(result)
    all_exact = all(
        r["oversold"] == 0 and r["missing"] == 0 and r["duplicates"] == 0 for r in results
    )
    print(
        f"summary: correctness (oversold/missing/duplicates all 0): {'met' if all_exact else 'NOT met'}; "
        f"speed targets met in {sum(r['ratio_echo'] >= TARGET_ECHO_RATIO for r in results)}/{len(results)} "
        f"(≥70% of echo) and {sum(r['ratio_naive'] >= TARGET_NAIVE_RATIO for r in results)}/{len(results)} "
        f"(≥2× naive) configurations"
    )


if __name__ == "__main__":
    main()
