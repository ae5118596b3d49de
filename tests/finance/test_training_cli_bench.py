"""Training through optbinning (card reproduces the library's scores), versioning and
promotion, the CLI on its own SQLite file, and the benchmark's quick mode."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from shanhuo.finance import history, training
from shanhuo.finance.rules import DEFAULT_POLICY
from shanhuo.kit.errors import NotFound
from shanhuo.kit.migrate import upgrade
from shanhuo.kit.timeutil import utcnow
from shanhuo.models import CreditModel


def test_training_stores_a_versioned_model_with_fingerprint_and_metrics(db: Session) -> None:
    first = training.train(db, policy=DEFAULT_POLICY, now=utcnow(), rows=3000, seed=3)
    assert first.max_score_difference <= 1e-4
    model = first.model
    assert model.version == "m1" and not model.promoted
    frame, y = history.generate(3000, 3)
    assert model.fingerprint == training.fingerprint(frame, y)
    metrics = json.loads(model.metrics_json)
    assert 0.6 < metrics["auc"] < 0.95 and 0.2 < metrics["ks"] < 0.8
    assert [b["band"] for b in metrics["bands"]] == ["A", "B", "C", "D"]
    assert len(metrics["training_scores"]["shares"]) == 10
    assert model.data_source.startswith("synthetic:")
    second = training.train(db, policy=DEFAULT_POLICY, now=utcnow(), rows=3000, seed=4)
    assert second.model.version == "m2" and second.model.fingerprint != model.fingerprint
    training.promote(db, "m1", now=utcnow())
    training.promote(db, "m2", now=utcnow())
    assert db.scalars(select(CreditModel.version).where(CreditModel.promoted.is_(True))).all() == [
        "m2"
    ]
    with pytest.raises(NotFound):
        training.promote(db, "m9", now=utcnow())
    evaluated = training.evaluate(db, "m2", policy=DEFAULT_POLICY, rows=2000, seed=77)
    assert evaluated["rows"] == 2000


def test_cli_train_promote_models_collect_accrue(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from shanhuo.finance.cli import app

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    upgrade(url)
    monkeypatch.setenv("SHANHUO_DATABASE_URL", url)
    runner = CliRunner()
    trained = runner.invoke(app, ["train", "--rows", "2000", "--promote"])
    assert trained.exit_code == 0, trained.output
    assert (
        "model m1" in trained.output and "(promoted)" in trained.output and "AUC" in trained.output
    )
    listed = runner.invoke(app, ["models"])
    assert "m1 *" in listed.output
    assert runner.invoke(app, ["promote", "m1"]).exit_code == 0
    assert runner.invoke(app, ["promote", "m7"]).exit_code != 0
    assert "AUC" in runner.invoke(app, ["evaluate", "m1", "--rows", "1000"]).output
    assert "settlements credited: 0" in runner.invoke(app, ["collect"]).output
    assert (
        "penalty postings through 2026-01-05: 0"
        in runner.invoke(app, ["accrue", "--date", "2026-01-05"]).output
    )
    assert runner.invoke(app, ["check"]).output.strip() == "ledger balances"


def test_benchmark_quick_mode_runs(capsys: pytest.CaptureFixture[str]) -> None:
    from bench.finance import main

    main(["--quick", "--decisions", "40"])
    out = capsys.readouterr().out
    assert "decision   p50" in out and "ratio decision/feature-query" in out
