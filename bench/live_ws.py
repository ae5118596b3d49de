"""WebSocket fan-out benchmark: hold N viewers (default 5,000) on one room of the real server
and measure the delay from an event (the anchor pinning a product over HTTP) to its delivery
on every socket, using the ``ts`` the server stamps on each message (same machine clock).

    .venv/bin/python -m bench.live_ws                 # 5,000 viewers, 10 events
    .venv/bin/python -m bench.live_ws --quick         # 200 viewers, 3 events

5,000 sockets need more file descriptors than some shells allow: the soft limit is raised to
the hard limit with ``resource.setrlimit`` (printed), in this process and the server it starts.
The viewers all live in this one asyncio process, sharing the CPUs with the server: the delay
includes the time this client takes to read 5,000 copies.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import resource
import tempfile
import time
from pathlib import Path

import websockets

from bench.live import free_port, prepare, start_server, stop_server


def raise_fd_limit(needed: int) -> str:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft >= needed:
        return f"file descriptors: soft limit {soft} is enough"
    new = hard if hard == resource.RLIM_INFINITY else min(hard, max(needed, soft))
    resource.setrlimit(resource.RLIMIT_NOFILE, (new, hard))
    return f"file descriptors: soft limit raised from {soft} to {new} (hard {hard})"


def pin(port: int, room_id: int, token: str, ids: list[int]) -> float:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    sent = time.time()
    conn.request(
        "PUT",
        f"/api/live/rooms/{room_id}/pins",
        body=json.dumps({"room_product_ids": ids}),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    response = conn.getresponse()
    response.read()
    assert response.status == 200, response.status
    return sent


async def run(viewers: int, events: int, port: int, setup: dict) -> dict:
    url = f"ws://127.0.0.1:{port}/ws/live/{setup['room_id']}"
    delays: list[float] = []
    connected = 0
    ready = asyncio.Event()
    done = asyncio.Event()

    async def viewer() -> None:
        nonlocal connected
        async with websockets.connect(url, max_queue=64, open_timeout=60, ping_interval=None) as ws:
            await ws.recv()  # snapshot
            connected += 1
            if connected == viewers:
                ready.set()
            async for raw in ws:  # ends when the viewer task is cancelled at the end
                if b'"type":"pin"' not in (raw if isinstance(raw, bytes) else raw.encode()):
                    continue
                message = json.loads(raw)
                if message.get("type") == "pin":
                    delays.append(time.time() - message["ts"])

    started = time.perf_counter()
    tasks = []
    for i in range(viewers):
        tasks.append(asyncio.create_task(viewer()))
        if i % 200 == 199:
            await asyncio.sleep(0.05)  # connect in waves, as a real audience arrives
    await asyncio.wait_for(ready.wait(), timeout=300)
    connect_s = time.perf_counter() - started
    ids = setup["room_product_ids"]
    for k in range(events):
        await asyncio.to_thread(
            pin, port, setup["room_id"], setup["anchor_token"], [ids[k % len(ids)]]
        )
        await asyncio.sleep(1.0)
    await asyncio.sleep(2.0)
    done.set()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    delays.sort()
    return {
        "connected": connected,
        "connect_seconds": connect_s,
        "deliveries": len(delays),
        "expected": viewers * events,
        "p50_ms": 1000 * delays[len(delays) // 2] if delays else float("nan"),
        "p99_ms": 1000 * delays[min(len(delays) - 1, int(len(delays) * 0.99))]
        if delays
        else float("nan"),
        "max_ms": 1000 * delays[-1] if delays else float("nan"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--viewers", type=int, default=None)
    parser.add_argument("--events", type=int, default=None)
    args = parser.parse_args()
    viewers = args.viewers or (200 if args.quick else 5000)
    events = args.events or (3 if args.quick else 10)
    print(raise_fd_limit(viewers * 2 + 200))
    with tempfile.TemporaryDirectory(prefix="shanhuo-bench-ws-") as tmp:
        workdir = Path(tmp)
        url = f"sqlite:///{workdir / 'shanhuo.db'}"
        setup = prepare(url, buyers=1, pools=(1,))
        port = free_port()
        server = start_server(workdir, url, port, 1)
        try:
            result = asyncio.run(run(viewers, events, port, setup))
        finally:
            stop_server(server)
    ok = result["p99_ms"] < 1000 and result["deliveries"] == result["expected"]
    print(
        f"bench.live_ws: {result['connected']} viewers on one room (connected in {result['connect_seconds']:.1f} s), "
        f"{events} events\n"
        f"  delivered {result['deliveries']} of {result['expected']}\n"
        f"  event → delivery delay: p50 {result['p50_ms']:.0f} ms, p99 {result['p99_ms']:.0f} ms, "
        f"max {result['max_ms']:.0f} ms  (target p99 < 1000 ms, all delivered: {'met' if ok else 'NOT met'})"
    )


if __name__ == "__main__":
    main()
