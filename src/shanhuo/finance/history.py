"""SYNTHETIC labelled credit history — a documented, seeded stand-in until the national
simulator (``simulate/``) provides one. Nothing here is real borrower data.

Latent model (per synthetic store, all draws from ``numpy.random.default_rng(seed)``):

- quality  q ~ N(0, 1)            — unobserved "how well run" the store is;
- age      ~ 7 + Exponential(420) days;
- monthly sales (yuan)  = exp(N(7.6 + 0.35 q + 0.25·ln(1 + age/365), 0.9));
- last-30-day share of the 90-day sales follows the store's trend
  t = exp(N(0.10 q, 0.30)), recent = 90-day × t / (t + 2);
- orders in 90 days ~ Poisson(3 × monthly sales / ¥85 average order);
- refunds ~ Binomial(orders, σ(−3.0 − 0.6 q)); shipped within 48 h ~ Binomial(measured,
  σ(1.6 + 0.7 q)); delivered within 7 days ~ Binomial(measured, σ(1.2 + 0.5 q));
- earlier loans repaid ~ Poisson(0.4 × age/365 × σ(q)); worst lateness: 0 with probability
  1 − σ(−2.2 − q), else Geometric(1/12) days.

Outcome: default within the loan term ~ Bernoulli(σ(z)) with
  z = −3.0 − 0.85 q − 0.30 (ln sales − 7.6) − 0.9 ln t + 0.025 lateness − 0.25 min(repaid, 3)
      + 0.6·[age < 90 days] + ε,  ε ~ N(0, 0.6)
(σ is the logistic function). The base default rate is about 9 %. The observable features are
noisy views of q, so a model can rank stores but not read q off exactly — like real data.

Facts go through ``features.features_from_facts``, the same function decisions use.
"""

from __future__ import annotations

import numpy as np
import pandas as pd  # type: ignore[import-untyped]

from shanhuo.finance.features import FEATURE_NAMES, StoreFacts, features_from_facts

GENERATOR_VERSION = "history-v1"


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return np.asarray(1 / (1 + np.exp(-x)))


def generate(n: int, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    """``n`` synthetic stores: their features (columns ``FEATURE_NAMES``) and default labels."""
    rng = np.random.default_rng(seed)
    q = rng.normal(0, 1, n)
    age = (7 + rng.exponential(420, n)).astype(int)
    log_sales = rng.normal(7.6 + 0.35 * q + 0.25 * np.log1p(age / 365), 0.9)
    monthly = np.exp(log_sales)
    trend = np.exp(rng.normal(0.10 * q, 0.30))
    sales_90 = monthly * 3
    recent = sales_90 * trend / (trend + 2)
    orders = rng.poisson(3 * monthly / 85)
    refunds = rng.binomial(orders, _sigmoid(-3.0 - 0.6 * q))
    ship_measured = rng.binomial(orders, 0.95)
    on_time = rng.binomial(ship_measured, _sigmoid(1.6 + 0.7 * q))
    delivery_measured = rng.binomial(orders, 0.9)
    delivered = rng.binomial(delivery_measured, _sigmoid(1.2 + 0.5 * q))
    repaid = rng.poisson(0.4 * age / 365 * _sigmoid(q))
    late = np.where(rng.random(n) < _sigmoid(-2.2 - q), rng.geometric(1 / 12, n), 0).astype(int)
    z = (
        -3.0
        - 0.85 * q
        - 0.30 * (log_sales - 7.6)
        - 0.9 * np.log(trend)
        + 0.025 * late
        - 0.25 * np.minimum(repaid, 3)
        + 0.6 * (age < 90)
        + rng.normal(0, 0.6, n)
    )
    y = (rng.random(n) < _sigmoid(z)).astype(int)
    rows = [
        features_from_facts(
            StoreFacts(
                age_days=int(age[i]),
                sales_recent_fen=int(recent[i] * 100),
                sales_prior_fen=int((sales_90[i] - recent[i]) * 100),
                orders_90d=int(orders[i]),
                refunded_orders_90d=int(refunds[i]),
                ship_measured_90d=int(ship_measured[i]),
                shipped_on_time_90d=int(on_time[i]),
                delivery_measured_90d=int(delivery_measured[i]),
                delivered_7d_90d=int(delivered[i]),
                loans_repaid=int(repaid[i]),
                max_days_past_due=int(late[i]),
            )
        )
        for i in range(n)
    ]
    frame = pd.DataFrame(rows, columns=list(FEATURE_NAMES)).astype("float64")
    return frame, y


def describe(n: int, seed: int) -> str:
    return f"synthetic:{GENERATOR_VERSION} n={n} seed={seed} (finance/history.py)"
