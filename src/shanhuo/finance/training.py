"""Train, evaluate and promote scorecard models (optbinning ``BinningProcess`` + ``Scorecard``
with a scikit-learn ``LogisticRegression``).

Library check (done when this was written): optbinning 1.0.0 (Apache-2.0) fits and scores
with the pinned pandas 3.1.1 / numpy 2.4 / scikit-learn 1.9 without errors or workarounds.

Scale: "pdo_odds" — 600 points at odds 50:1 good:bad, 20 points to double the odds; higher is
better. Each bin's points (intercept included) go into the card; ``scorecard.score`` on the card
reproduces ``Scorecard.score`` to the 4 decimals it is stored with (checked on every
training run).

Versions: ``m<N>``. A model row keeps the training-data fingerprint (SHA-256 of the training
frame with its labels, via ``pandas.util.hash_pandas_object``), its data source, the card, the
metrics on a holdout drawn with another seed (AUC, KS, and per band of the active policy:
stores, approval, bad rate), the score deciles of the training data (for the PSI drift check)
and the training time. Nothing is pickled.
"""

from __future__ import annotations

import hashlib
import json
import time
import warnings
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd  # type: ignore[import-untyped]
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from shanhuo.finance import history
from shanhuo.finance.features import FEATURE_NAMES
from shanhuo.finance.rules import Policy
from shanhuo.finance.scorecard import Card, CardFeature, score
from shanhuo.kit.errors import NotFound
from shanhuo.models import CreditModel

SCALE = {"pdo": 20, "odds": 50, "scorecard_points": 600}
DEFAULT_ROWS = 20_000
DEFAULT_SEED = 6
HOLDOUT_SEED_OFFSET = 10_000
PSI_BUCKETS = 10


def fingerprint(frame: pd.DataFrame, y: np.ndarray) -> str:
    hashed = pd.util.hash_pandas_object(frame.assign(_label=y), index=True).to_numpy()
    return hashlib.sha256(hashed.tobytes()).hexdigest()


def roc_auc_score(y: np.ndarray, scores: np.ndarray) -> float:
    from sklearn.metrics import roc_auc_score as auc  # type: ignore[import-untyped]

    return float(auc(y, scores))


def fit(frame: pd.DataFrame, y: np.ndarray, version: str) -> tuple[Any, Card]:
    """Fit the binning and the scorecard (optbinning is imported here: it is heavy, and only
    training needs it — decisions score from the stored card)."""
    from optbinning import BinningProcess, Scorecard  # type: ignore[import-untyped]
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

    names = list(FEATURE_NAMES)
    process = BinningProcess(
        names,
        binning_fit_params={n: {"monotonic_trend": "auto_asc_desc"} for n in names},
    )
    card_model = Scorecard(
        binning_process=process,
        estimator=LogisticRegression(max_iter=1000),
        scaling_method="pdo_odds",
        scaling_method_params=SCALE,
    )
    with warnings.catch_warnings():
        # optbinning 1.0.0 under pandas 3.1 warns (Pandas4Warning) about an in-place
        # reset_index and a dtype change it makes internally; results are unaffected today,
        # but pandas 4 will turn these into errors — see the report.
        warnings.filterwarnings("ignore", module="optbinning")
        card_model.fit(frame, y)
        card = card_from(card_model, version)
    return card_model, card


def card_from(card_model: Any, version: str) -> Card:
    """The scoring table: splits from the binning process, points from ``Scorecard.table``."""
    table = card_model.table(style="summary")
    process = card_model.binning_process_
    features = []
    for name in FEATURE_NAMES:
        rows = table[table["Variable"] == name].reset_index(drop=True)
        splits = tuple(float(s) for s in process.get_binned_variable(name).splits)
        n_bins = len(splits) + 1
        points = tuple(float(p) for p in rows["Points"].iloc[:n_bins])
        labels = [str(b) for b in rows["Bin"]]
        missing = float(rows["Points"].iloc[labels.index("Missing")])
        features.append(CardFeature(name, splits, points, missing))
    return Card(version=version, features=tuple(features))


def card_scores(card: Card, frame: pd.DataFrame) -> np.ndarray:
    records = frame.to_dict("records")
    return np.array(
        [
            score(card, {k: (None if pd.isna(v) else float(v)) for k, v in r.items()})[0]
            for r in records
        ]
    )


def ks_statistic(y: np.ndarray, scores: np.ndarray) -> float:
    """Largest gap between the cumulative score distributions of bads and goods."""
    order = np.argsort(scores)
    ys = y[order]
    bads = np.cumsum(ys) / max(ys.sum(), 1)
    goods = np.cumsum(1 - ys) / max((1 - ys).sum(), 1)
    return float(np.max(np.abs(bads - goods)))


def metrics(card: Card, frame: pd.DataFrame, y: np.ndarray, policy: Policy) -> dict[str, Any]:
    scores = card_scores(card, frame)
    bands = []
    approved = np.zeros(len(y), dtype=bool)
    for band in policy.bands:
        upper = min(
            (b.min_score for b in policy.bands if b.min_score > band.min_score), default=None
        )
        mask = scores >= band.min_score
        if upper is not None:
            mask &= scores < upper
        if band.approve:
            approved |= mask
        count = int(mask.sum())
        bands.append(
            {
                "band": band.name,
                "min_score": band.min_score,
                "approve": band.approve,
                "stores": count,
                "share": round(count / len(y), 4),
                "bad_rate": round(float(y[mask].mean()), 4) if count else None,
            }
        )
    return {
        "rows": len(y),
        "bad_rate": round(float(y.mean()), 4),
        # AUC of "higher score = good": bads are the positive class, so flip the score.
        "auc": round(float(roc_auc_score(y, -scores)), 4),
        "ks": round(ks_statistic(y, scores), 4),
        "approval_rate": round(float(approved.mean()), 4),
        "approved_bad_rate": round(float(y[approved].mean()), 4) if approved.any() else None,
        "policy_version": policy.version,
        "bands": bands,
        "score_mean": round(float(scores.mean()), 2),
    }


def score_deciles(scores: np.ndarray) -> dict[str, list[float]]:
    edges = np.quantile(scores, np.linspace(0, 1, PSI_BUCKETS + 1)[1:-1])
    counts = np.bincount(np.searchsorted(edges, scores, side="right"), minlength=PSI_BUCKETS)
    return {
        "edges": [round(float(e), 4) for e in edges],
        "shares": [round(float(c) / len(scores), 6) for c in counts],
    }


@dataclass(frozen=True)
class TrainResult:
    model: CreditModel
    metrics: dict[str, Any]
    seconds: float
    max_score_difference: float


def _next_version(session: Session) -> str:
    count = session.scalar(select(func.count()).select_from(CreditModel)) or 0
    return f"m{count + 1}"


def train(
    session: Session,
    *,
    policy: Policy,
    now: datetime,
    rows: int = DEFAULT_ROWS,
    seed: int = DEFAULT_SEED,
) -> TrainResult:
    """Train on the synthetic history, check the card against optbinning, evaluate on a holdout
    and store a new (unpromoted) model version."""
    frame, y = history.generate(rows, seed)
    version = _next_version(session)
    started = time.perf_counter()
    card_model, card = fit(frame, y, version)
    seconds = time.perf_counter() - started
    train_scores = card_scores(card, frame)
    difference = float(np.max(np.abs(train_scores - card_model.score(frame))))
    if difference > 1e-4:  # scores are stored rounded to 4 decimals
        raise RuntimeError(f"card does not reproduce optbinning's scores (max diff {difference})")
    holdout, y_holdout = history.generate(max(rows // 2, 1000), seed + HOLDOUT_SEED_OFFSET)
    result = metrics(card, holdout, y_holdout, policy)
    result["train_auc"] = round(float(roc_auc_score(y, -train_scores)), 4)
    result["holdout_seed"] = seed + HOLDOUT_SEED_OFFSET
    result["training_scores"] = score_deciles(train_scores)
    model = CreditModel(
        version=version,
        library="optbinning 1.0.0 Scorecard+LogReg",
        data_source=history.describe(rows, seed),
        fingerprint=fingerprint(frame, y),
        rows=rows,
        card_json=json.dumps(card.to_json()),
        metrics_json=json.dumps(result),
        training_seconds=round(seconds, 3),
        created_at=now,
        promoted=False,
    )
    session.add(model)
    session.flush()
    return TrainResult(model, result, seconds, difference)


def get_model(session: Session, version: str) -> CreditModel:
    model = session.scalars(select(CreditModel).where(CreditModel.version == version)).first()
    if model is None:
        raise NotFound("model_not_found", "模型版本不存在", f"No model version {version}")
    return model


def evaluate(
    session: Session, version: str, *, policy: Policy, rows: int, seed: int
) -> dict[str, Any]:
    """Metrics of a stored model on a fresh synthetic sample (another seed)."""
    model = get_model(session, version)
    card = Card.from_json(json.loads(model.card_json))
    frame, y = history.generate(rows, seed)
    return metrics(card, frame, y, policy)


def promote(session: Session, version: str, *, now: datetime) -> CreditModel:
    """Make ``version`` the one model decisions use (one promoted row at a time)."""
    model = get_model(session, version)
    session.execute(
        update(CreditModel).where(CreditModel.promoted.is_(True)).values(promoted=False)
    )
    session.flush()
    model.promoted = True
    model.promoted_at = now
    session.flush()
    return model


def list_models(session: Session) -> list[CreditModel]:
    return list(session.scalars(select(CreditModel).order_by(CreditModel.id.desc())))
