"""WebSocket fan-out benchmark: hold N viewers (default 5,000) on one room of the real server
and measure the delay from an event (the anchor pinning a product over HTTP) to its delivery
on every socket, using the ``ts`` the server stamps on each message (same machine clock).

    .venv/bin/python -m bench.live_ws                 # 5,000 viewers, 10 events
    .venv/bin/python -m bench.live_ws --quick         # 200 viewers, 3 events

5,000 sockets need more file descriptors than some shells allow: the soft limit is raised to
the hard limit with ``resource.setrlimit`` (printed), in this process and the server it starts.
The viewers all live in this one asyncio process (a minimal WebSocket client, ``Viewer``),
sharing the CPUs with the server: the delay includes the time this client takes to read 5,000
copies.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import http.client
import json
import os
import re
import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

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


class Viewer(asyncio.Protocol):
    """One viewer: a WebSocket client just big enough for this measurement (RFC 6455
    handshake, unmasked server frames, masked pong and close replies). 5,000 sockets of a
    general client library in one Python process cost more CPU than the server's fan-out
    itself, and that time would be counted as delivery delay; this one only finds the
    server's ``ts`` stamp in each pin message."""

    def __init__(
        self, path: str, on_open: Callable[[], None], delays: list[tuple[float, float]]
    ) -> None:
        self.path = path
        self.on_open = on_open
        self.delays = delays
        self.buffer = bytearray()
        self.upgraded = False
        self.opened = False
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        key = base64.b64encode(os.urandom(16)).decode()
        transport.write(
            f"GET {self.path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            f"Sec-WebSocket-Version: 13\r\n\r\n".encode()
        )

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if not self.upgraded:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            if b" 101 " not in self.buffer[: self.buffer.find(b"\r\n")]:
                raise ConnectionError(bytes(self.buffer[:200]))
            del self.buffer[: end + 4]
            self.upgraded = True
        while len(self.buffer) >= 2:
            opcode, length, start = self.buffer[0] & 0x0F, self.buffer[1] & 0x7F, 2
            if length == 126:
                if len(self.buffer) < 4:
                    return
                length, start = int.from_bytes(self.buffer[2:4], "big"), 4
            elif length == 127:
                if len(self.buffer) < 10:
                    return
                length, start = int.from_bytes(self.buffer[2:10], "big"), 10
            if len(self.buffer) < start + length:
                return
            payload = bytes(self.buffer[start : start + length])
            del self.buffer[: start + length]
            self.frame(opcode, payload)

    def frame(self, opcode: int, payload: bytes) -> None:
        if opcode == 0x1:  # text
            if not self.opened:  # the snapshot
                self.opened = True
                self.on_open()
            elif b'"type":"pin"' in payload:
                found = TS.search(payload)
                if found:
                    self.delays.append((float(found.group(1)), time.time()))
        elif opcode == 0x9:  # ping → pong
            self.send(0xA, payload)
        elif opcode == 0x8 and self.transport is not None:  # close
            self.send(0x8, payload[:2])
            self.transport.close()

    def send(self, opcode: int, payload: bytes) -> None:
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        assert len(payload) < 126 and self.transport is not None
        self.transport.write(bytes([0x80 | opcode, 0x80 | len(payload)]) + mask + masked)


TS = re.compile(rb'"ts":([0-9.eE+-]+)')


async def run(viewers: int, events: int, port: int, setup: dict) -> dict:
    path = f"/ws/live/{setup['room_id']}"
    stamps: list[tuple[float, float]] = []  # (the server's ts, arrival)
    connected = 0
    ready = asyncio.Event()
    loop = asyncio.get_running_loop()

    def opened() -> None:
        nonlocal connected
        connected += 1
        if connected == viewers:
            ready.set()

    transports: list[asyncio.BaseTransport] = []

    async def viewer() -> None:
        transport, _ = await loop.create_connection(
            lambda: Viewer(path, opened, stamps), "127.0.0.1", port
        )
        transports.append(transport)

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
    await asyncio.gather(*tasks, return_exceptions=True)
    for transport in transports:
        transport.close()
    per_event: dict[float, float] = {}
    for ts, arrived in stamps:
        per_event[ts] = max(per_event.get(ts, 0.0), arrived - ts)
    delays = sorted(arrived - ts for ts, arrived in stamps)
    return {
        "last_per_event_ms": [round(1000 * d) for _, d in sorted(per_event.items())],
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
        f"max {result['max_ms']:.0f} ms  (target p99 < 1000 ms, all delivered: {'met' if ok else 'NOT met'})\n"
        f"  last delivery of each event (ms): {result['last_per_event_ms']}"
    )


if __name__ == "__main__":
    main()
