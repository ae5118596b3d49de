"""Credit decision latency and scorecard training time.

Run: ``.venv/bin/python -m bench.finance`` (10,000 decisions) or ``--quick`` (a smoke run).

On a fresh SQLite file built by the migrations: 60 stores with a 90-day trading record; the
scorecard is trained on the synthetic history (timed) and promoted; then N applications go
through the real service (``finance.service.apply`` + commit, as the API does). Baseline in
the same run: the bare feature query (``features.store_facts``) for the same stores. Prints
p50/p99 per decision and the ratios decision ÷ feature query.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from shanhuo.finance import service, training
from shanhuo.finance.features import store_facts
from shanhuo.finance.policy import active_policy
from shanhuo.finance.schemas import ApplicationCreate
from shanhuo.kit.db import make_engine
from shanhuo.kit.migrate import upgrade
from shanhuo.kit.timeutil import utcnow
from shanhuo.models import Checkout, Order, Region, Store, User

COUNTY = "610431"


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _seed(session: Session, stores: int, rng: random.Random) -> list[tuple[int, User]]:
    now = utcnow()
    if session.get(Region, COUNTY) is None:
        session.add(Region(code="610000", name="陕西省", level="province", province_code="61"))
        session.add(Region(code=COUNTY, name="武功县", level="county", province_code="61"))
    from sqlalchemy import text

    session.execute(
        text(
            "INSERT INTO category (code, name_zh, name_en, sort) VALUES ('fruit', '水果', 'Fruit', 10) ON CONFLICT DO NOTHING"
        )
    )
    session.flush()
    result = []
    buyer = User(mobile="13800009999", created_at=now)
    session.add(buyer)
    session.flush()
    for i in range(stores):
        owner = User(mobile=f"139{i:08d}", created_at=now)
        session.add(owner)
        session.flush()
        store = Store(
            owner_id=owner.id,
            name=f"店{i}",
            category_code="fruit",
            county_code=COUNTY,
            province_code="61",
            contact_mobile="13800138000",
            status="open",
            opened_at=now - timedelta(days=rng.randint(20, 1500)),
        )
        session.add(store)
        session.flush()
        for j in range(rng.randint(5, 150)):
            paid = now - timedelta(days=rng.uniform(1, 89))
            checkout = Checkout(
                buyer_id=buyer.id,
                idempotency_key=f"b{i}-{j}",
                request_fingerprint="x",
                total_fen=5000,
                status="paid",
                created_at=paid,
                expires_at=paid,
            )
            session.add(checkout)
            session.flush()
            session.add(
                Order(
                    checkout_id=checkout.id,
                    buyer_id=buyer.id,
                    store_id=store.id,
                    status="completed",
                    items_fen=rng.randint(2_000, 40_000),
                    total_fen=rng.randint(2_000, 40_000),
                    recipient_name="王",
                    recipient_mobile="13912345678",
                    ship_to_region_code=COUNTY,
                    ship_to_address="x",
                    created_at=paid,
                    expires_at=paid,
                    paid_at=paid,
                    shipped_at=paid + timedelta(hours=rng.uniform(2, 90)),
                    delivered_at=paid + timedelta(days=rng.uniform(1, 10)),
                )
            )
        result.append((store.id, owner))
    session.commit()
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a few hundred decisions (smoke run)")
    parser.add_argument("--decisions", type=int, default=None)
    args = parser.parse_args(argv)
    decisions = args.decisions or (300 if args.quick else 10_000)
    rows = 3_000 if args.quick else training.DEFAULT_ROWS
    rng = random.Random(6)
    with tempfile.TemporaryDirectory(prefix="bench-finance-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        upgrade(url)
        engine = make_engine(url)
        with Session(engine, expire_on_commit=False) as session:
            stores = _seed(session, 60, rng)
            now = utcnow()
            policy = active_policy(session, now=now)
            started = time.perf_counter()
            result = training.train(session, policy=policy, now=now, rows=rows)
            train_total = time.perf_counter() - started
            training.promote(session, result.model.version, now=now)
            session.commit()

            baseline = []
            for i in range(decisions):
                store_id, _owner = stores[i % len(stores)]
                t = time.perf_counter()
                store_facts(session, store_id, utcnow())
                baseline.append(time.perf_counter() - t)
            session.rollback()

            latencies = []
            outcomes = {"approved": 0, "declined": 0}
            for i in range(decisions):
                store_id, owner = stores[i % len(stores)]
                data = ApplicationCreate(
                    store_id=store_id,
                    amount_fen=rng.randint(1_000, 20_000) * 100,
                    term_days=rng.randint(7, 365),
                )
                t = time.perf_counter()
                decision = service.apply(session, user=owner, data=data, now=utcnow())
                session.commit()
                latencies.append(time.perf_counter() - t)
                outcomes[decision.outcome] += 1
        engine.dispose()

    ms = 1000
    p50, p99 = _percentile(latencies, 0.5) * ms, _percentile(latencies, 0.99) * ms
    b50, b99 = _percentile(baseline, 0.5) * ms, _percentile(baseline, 0.99) * ms
    print(f"credit decisions on SQLite: {decisions} through finance.service.apply + commit")
    print(
        f"  decision   p50 {p50:7.2f} ms  p99 {p99:7.2f} ms  mean {statistics.mean(latencies) * ms:7.2f} ms"
        f"  (target p99 < 50 ms: {'met' if p99 < 50 else 'MISSED'})"
    )
    print(f"  baseline   p50 {b50:7.2f} ms  p99 {b99:7.2f} ms  (bare feature query, same stores)")
    print(f"  ratio decision/feature-query  p50 {p50 / b50:5.2f}x  p99 {p99 / b99:5.2f}x")
    print(f"  outcomes   {outcomes}")
    print(
        f"scorecard training on {rows} synthetic stores: fit {result.seconds:.2f} s, "
        f"train+evaluate+store {train_total:.2f} s; holdout AUC {result.metrics['auc']} "
        f"KS {result.metrics['ks']} approval {result.metrics['approval_rate']}"
    )
    print(f"  ratio training fit / one decision p50: {result.seconds * ms / p50:,.0f}x")


if __name__ == "__main__":
    main()
