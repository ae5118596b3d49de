"""ASGI entry point for uvicorn workers: ``uvicorn shanhuo.asgi:app``.

Garbage collection is tuned here, for the server process only: a worker holding thousands of
live-room WebSocket viewers has millions of long-lived objects, and CPython's full (gen2)
collection walks all of them — measured 600–700 ms pauses every few seconds with 5,000
viewers, during which no event reaches anyone (bench/live_ws.py). Objects that exist once the
app is built are frozen out of collection (``gc.freeze``: they live as long as the process),
and young collections are made rarer, so full ones are too. Reference counting still frees
everything without cycles at once; cycles are still collected, less often.
"""

import gc

from shanhuo.app import create_app

app = create_app()

gc.collect()
gc.freeze()
gc.set_threshold(50_000, 20, 100)
