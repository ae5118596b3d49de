"""ASGI entry point for uvicorn workers: ``uvicorn shanhuo.asgi:app``.

Garbage collection is tuned here, for the server process only: a worker holding thousands of
live-room WebSocket viewers has millions of long-lived objects, and CPython's full (gen2)
collection walks all of them — measured 600–700 ms pauses every few seconds with 5,000
viewers, during which no event reaches anyone (bench/live_ws.py). Objects that exist once the
app is built are frozen out of collection (``gc.freeze``: they live as long as the process),
and young collections are made rarer, so full ones are too. Reference counting still frees
everything without cycles at once; cycles are still collected, less often.

The GIL is handed between threads every 1 ms instead of CPython's 5 ms. A flash deal's writer
is a thread (``live.intake``) that makes about ten short database round trips per batch; each
time one returns, the thread needs the GIL back from the event loop, which holds it while it
parses requests, and waited up to the whole interval for it: a 34-order batch took 50 ms of
wall time for about 10 ms of work, and the writer, not the CPU, set the pace (measured with
bench/live.py on PostgreSQL, 1 worker: 0.62-0.64 of the echo endpoint's rate with 5 ms,
0.71-0.73 with 1 ms). The interval only matters while two threads want the GIL, so requests
served by the event loop alone are not affected.
"""

import gc
import sys

from shanhuo.app import create_app

app = create_app()

gc.collect()
gc.freeze()
gc.set_threshold(50_000, 20, 100)
sys.setswitchinterval(0.001)
