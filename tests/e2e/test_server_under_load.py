"""The real server on a SQLite file under more concurrent writers than it has threadpool
slots (40). Regression: a route's read after its commit used to keep SQLite's write lock
while FastAPI waited for another slot to validate the response; with every slot waiting for
that lock, requests hung for the 30 s busy timeout and failed with 500s."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request

from sqlalchemy.orm import Session

from shanhuo.accounts.tokens import issue_token
from shanhuo.kit.db import make_engine
from tests.e2e.conftest import LiveServer
from tests.helpers.accounts import create_user
from tests.helpers.catalog import create_product
from tests.helpers.stores import create_store

CLIENTS = 60
REQUESTS_EACH = 4


def test_sixty_concurrent_buyers_adding_to_carts_all_succeed(live_server: LiveServer) -> None:
    engine = make_engine(live_server.settings.sqlalchemy_url)
    with Session(engine) as session:
        store = create_store(session)
        _product, sku = create_product(session, store, stock=1000)
        tokens = [
            issue_token(session, create_user(session), kind="api", days=1) for _ in range(CLIENTS)
        ]
        sku_id = sku.id
        session.commit()
    engine.dispose()

    statuses: list[int] = []
    lock = threading.Lock()

    def buyer(token: str) -> None:
        for _ in range(REQUESTS_EACH):
            request = urllib.request.Request(
                f"{live_server.url}/api/cart/items",
                data=json.dumps({"sku_id": sku_id, "quantity": 1}).encode(),
                headers={"Authorization": f"Bearer {token}", "content-type": "application/json"},
                method="POST",
            )
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    status = response.status
            except urllib.error.HTTPError as error:
                status = error.code
            with lock:
                statuses.append(status)

    threads = [threading.Thread(target=buyer, args=(t,)) for t in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [201] * (CLIENTS * REQUESTS_EACH), sorted(set(statuses))
