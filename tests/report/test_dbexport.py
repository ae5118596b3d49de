"""The platform's own tables → the report's Parquet dataset → a report (both databases)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from shanhuo.kit.timeutil import to_shanghai, utcnow
from shanhuo.report.dataset import open_dataset
from shanhuo.report.dbexport import export_database
from shanhuo.report.service import build_report
from tests.helpers.accounts import create_user
from tests.helpers.orders import create_shop, pay_checkout, place_checkout
from tests.helpers.stores import create_store


def test_export_then_report_on_the_platform_data(db: Session, tmp_path: Path) -> None:
    create_store(db)  # a new entrepreneur (the service records the event)
    create_store(db)  # another person's first store
    shop = create_shop(db)  # a store without an entrepreneur event (made directly)
    buyer = create_user(db, roles=("buyer",))
    result = place_checkout(db, buyer, [(shop.skus[0].id, 2)])
    pay_checkout(db, buyer, result.checkout.id)
    db.flush()

    manifest = export_database(db.connection(), tmp_path / "export")
    assert manifest["source"] == "platform-database"
    assert manifest["row_counts"]["stores"] == 3 and manifest["row_counts"]["orders"] == 1
    dataset = open_dataset(tmp_path / "export")
    year = to_shanghai(utcnow()).year
    assert year in dataset.years()

    built = build_report(tmp_path / "export", year, tmp_path / "reports", outputs=("csv",))
    doc = built.document
    entrepreneurs = {
        r["province_code"]: r["current_count"]
        for r in doc["tables"]["entrepreneurs_province"]["rows"]
    }
    assert entrepreneurs["61"] == 2  # both create_store stores are first stores in 陕西 (武功县)
    live = {r["province_code"]: r for r in doc["tables"]["live_province"]["rows"]}
    assert (live["61"]["orders"], live["61"]["gmv_fen"]) == (1, result.checkout.total_fen)
    for key, missing in doc["no_data"].items():
        assert set(missing) <= set(manifest["empty_tables"]), key
    if "loans" in manifest["empty_tables"]:
        assert "financing_macro" in doc["no_data"]
