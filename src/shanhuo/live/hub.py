"""Fan-out of room events to WebSocket viewers.

``LocalHub`` delivers within one worker process. ``RedisHub`` (used when ``SHANHUO_REDIS_URL``
is set) publishes every event on a Redis channel per room and each worker delivers what it
hears to its own sockets, so a viewer on worker B sees a deal opened on worker A. Keys and
channels carry ``live_redis_prefix`` (tests use one prefix per test; nothing ever flushes).

Each event is serialised once and put on every socket's bounded queue; a socket's own task
writes it out. A viewer too slow to keep up loses the oldest messages rather than slowing the
room (``dropped`` counts them) — the next snapshot or stock update corrects its screen.

``publish`` may be called from any thread (sync routes run in a thread pool): it hops onto the
event loop with ``call_soon_threadsafe``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
import time
import uuid
from collections import Counter, defaultdict
from typing import Any

log = logging.getLogger("shanhuo.live.hub")

QUEUE_MAX = 256


class Connection:
    def __init__(self, *, user_id: int | None, is_anchor: bool) -> None:
        self.user_id = user_id
        self.is_anchor = is_anchor
        self.queue: asyncio.Queue[str] = asyncio.Queue(maxsize=QUEUE_MAX)
        self.dropped = 0

    def offer(self, text: str) -> None:
        try:
            self.queue.put_nowait(text)
        except asyncio.QueueFull:
            with contextlib.suppress(asyncio.QueueEmpty):
                self.queue.get_nowait()
            self.dropped += 1
            self.queue.put_nowait(text)


def encode(message: dict[str, Any]) -> str:
    message.setdefault("ts", time.time())
    return json.dumps(message, ensure_ascii=False, separators=(",", ":"), default=str)


class LocalHub:
    kind = "local"

    def __init__(self) -> None:
        self.rooms: dict[int, set[Connection]] = defaultdict(set)
        self.loop: asyncio.AbstractEventLoop | None = None
        self.loop_thread: int | None = None
        self.likes: Counter[int] = Counter()
        self.worker_id = uuid.uuid4().hex[:12]

    async def start(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.loop_thread = threading.get_ident()

    async def stop(self) -> None:
        self.rooms.clear()

    # Sockets ---------------------------------------------------------------------------------

    def attach(self, room_id: int, conn: Connection) -> None:
        self.rooms[room_id].add(conn)

    def detach(self, room_id: int, conn: Connection) -> None:
        conns = self.rooms.get(room_id)
        if conns is not None:
            conns.discard(conn)
            if not conns:
                self.rooms.pop(room_id, None)

    def local_viewers(self, room_id: int) -> int:
        return len(self.rooms.get(room_id, ()))

    async def viewers(self, room_id: int) -> int:
        return self.local_viewers(room_id)

    async def heartbeat(self) -> None:
        """Report this worker's viewer counts (Redis only)."""

    async def lease(self, name: str, ttl_seconds: float) -> bool:
        """Only one worker runs the room-wide jobs (ticker, deal sweeps); alone, that is us."""
        return True

    def add_likes(self, room_id: int, count: int) -> None:
        self.likes[room_id] += count

    def take_likes(self) -> dict[int, int]:
        taken = dict(self.likes)
        self.likes.clear()
        return taken

    # Events ----------------------------------------------------------------------------------

    def publish(self, room_id: int, message: dict[str, Any]) -> None:
        text = encode(message)
        if self.loop is None:
            return
        if threading.get_ident() == self.loop_thread:
            self._send(room_id, text)
        else:
            self.loop.call_soon_threadsafe(self._send, room_id, text)

    def _send(self, room_id: int, text: str) -> None:
        self.deliver(room_id, text)

    def deliver(self, room_id: int, text: str) -> None:
        for conn in list(self.rooms.get(room_id, ())):
            conn.offer(text)


class RedisHub(LocalHub):
    kind = "redis"

    def __init__(self, url: str, prefix: str) -> None:
        super().__init__()
        self.url = url
        self.prefix = prefix
        self.client: Any = None
        self.pubsub: Any = None
        self.listener: asyncio.Task[None] | None = None

    def channel(self, room_id: int) -> str:
        return f"{self.prefix}live:room:{room_id}"

    async def start(self) -> None:
        import redis.asyncio as aioredis

        await super().start()
        self.client = aioredis.from_url(self.url, decode_responses=True)
        self.pubsub = self.client.pubsub(ignore_subscribe_messages=True)
        await self.pubsub.psubscribe(f"{self.prefix}live:room:*")
        self.listener = asyncio.create_task(self._listen())

    async def stop(self) -> None:
        if self.listener is not None:
            self.listener.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.listener
        if self.pubsub is not None:
            with contextlib.suppress(Exception):
                await self.pubsub.aclose()
        if self.client is not None:
            with contextlib.suppress(Exception):
                for room_id in list(self.rooms):
                    await self.client.hdel(self._viewers_key(room_id), self.worker_id)
            with contextlib.suppress(Exception):
                await self.client.aclose()
        await super().stop()

    async def _listen(self) -> None:
        start = len(f"{self.prefix}live:room:")
        while True:
            try:
                async for message in self.pubsub.listen():
                    if message.get("type") != "pmessage":
                        continue
                    try:
                        room_id = int(message["channel"][start:])
                    except ValueError:
                        continue
                    self.deliver(room_id, message["data"])
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("redis listener failed; resubscribing in 1 s")
                await asyncio.sleep(1)
                with contextlib.suppress(Exception):
                    await self.pubsub.psubscribe(f"{self.prefix}live:room:*")

    def _send(self, room_id: int, text: str) -> None:
        assert self.loop is not None
        self.loop.create_task(self._publish(room_id, text))

    async def _publish(self, room_id: int, text: str) -> None:
        try:
            await self.client.publish(self.channel(room_id), text)
        except Exception:
            log.exception("redis publish failed; delivering locally only")
            self.deliver(room_id, text)

    def _viewers_key(self, room_id: int) -> str:
        return f"{self.prefix}live:viewers:{room_id}"

    async def heartbeat(self) -> None:
        now = time.time()
        rooms = list(self.rooms)
        for room_id in rooms:
            key = self._viewers_key(room_id)
            await self.client.hset(key, self.worker_id, f"{self.local_viewers(room_id)}|{now}")
            await self.client.expire(key, 120)

    async def viewers(self, room_id: int) -> int:
        """Sum of every worker's last report younger than 30 s (a killed worker drops out)."""
        entries = await self.client.hgetall(self._viewers_key(room_id))
        now = time.time()
        total = 0
        for worker, value in entries.items():
            if worker == self.worker_id:
                continue
            count, _, at = value.partition("|")
            with contextlib.suppress(ValueError):
                if now - float(at) < 30:
                    total += int(count)
        return total + self.local_viewers(room_id)

    async def lease(self, name: str, ttl_seconds: float) -> bool:
        key = f"{self.prefix}live:lease:{name}"
        ttl_ms = max(1000, int(ttl_seconds * 1000))
        if await self.client.set(key, self.worker_id, nx=True, px=ttl_ms):
            return True
        if await self.client.get(key) == self.worker_id:
            await self.client.pexpire(key, ttl_ms)
            return True
        return False


def make_hub(redis_url: str | None, prefix: str) -> LocalHub:
    return RedisHub(redis_url, prefix) if redis_url else LocalHub()
