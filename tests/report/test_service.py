"""Building the report: every output, reproducible tables, the article's figures from the
default scenario, and bad input (no data, a year with no data, a corrupt file) leaving no
partial output."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from shanhuo.kit.errors import ShanhuoError
from shanhuo.report import cli as report_cli
from shanhuo.report.outputs.pdf import EMBEDDED_FONT, font
from shanhuo.report.service import build_report, load_report, province_view


@pytest.fixture(scope="module")
def built(sim_dataset: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    reports = tmp_path_factory.mktemp("reports")
    result = build_report(sim_dataset, 2020, reports)
    return reports, result.document


def test_default_scenario_shows_the_articles_figures(built: tuple[Path, dict]) -> None:
    _reports, doc = built
    h = {x["key"]: x for x in doc["headlines"]}
    assert h["entrepreneurs_lead"]["figures"]["leader"] == "west"
    assert (
        h["top_growth"]["figures"]["west_in_top"] == 9 and h["top_growth"]["figures"]["top"] == 10
    )
    assert h["top_growth"]["figures"]["top5"] == ["宁夏", "云南", "贵州", "青海", "甘肃"]
    assert "10 个省份中有 9 个在西部" in h["top_growth"]["zh"]
    assert round(h["east_west_delivery"]["figures"]["change_hours"]) == -16
    assert {"云南", "四川", "陕西"} <= set(h["farmer_anchors"]["figures"]["west_in_top"])
    assert 135 <= h["west_financing"]["figures"]["change_pct"] < 150


def test_every_output_is_written_and_states_snapshot_and_code(built: tuple[Path, dict]) -> None:
    reports, doc = built
    folder = reports / "2020"
    assert (folder / "shanhuo-report-2020.pdf").read_bytes().startswith(b"%PDF")
    pdf = (folder / "shanhuo-report-2020.pdf").read_bytes()
    # A Chinese font: embedded when the machine has a TrueType one, else the CID font.
    assert (b"WenQuanYi" if font() == EMBEDDED_FONT else b"STSong-Light") in pdf
    html = (folder / "shanhuo-report-2020.html").read_text(encoding="utf-8")
    assert "echarts" in html and 'src="http' not in html and "<script src" not in html
    assert (folder / "shanhuo-report-2020.xlsx").stat().st_size > 5000
    assert len(list((folder / "tables").glob("*.csv"))) == 11
    assert doc["snapshot"]["dataset_hash"] and doc["code"]["definitions_hash"]
    assert len(doc["definitions"]) == 11
    assert load_report(reports, 2020)["year"] == 2020


def test_same_data_and_version_give_byte_identical_tables(
    sim_dataset: Path, built: tuple[Path, dict], tmp_path: Path
) -> None:
    reports, _doc = built
    again = build_report(sim_dataset, 2020, tmp_path, outputs=("csv",))
    for csv in sorted((reports / "2020" / "tables").glob("*.csv")):
        assert (again.path / "tables" / csv.name).read_bytes() == csv.read_bytes(), csv.name


def test_province_view_and_unknown_province(built: tuple[Path, dict]) -> None:
    _reports, doc = built
    view = province_view(doc, "640000")
    assert view["province"]["province_name"] == "宁夏回族自治区"
    assert view["sections"][0]["values"]["growth_rank"] == 1
    with pytest.raises(ShanhuoError) as info:
        province_view(doc, "99")
    assert info.value.code == "report_province_unknown" and info.value.status == 404


def test_year_without_data_and_missing_data_leave_nothing(
    sim_dataset: Path, tmp_path: Path
) -> None:
    with pytest.raises(ShanhuoError) as info:
        build_report(sim_dataset, 2015, tmp_path / "r")
    assert info.value.code == "report_year_no_data"
    with pytest.raises(ShanhuoError) as info:
        build_report(tmp_path / "nothing", 2020, tmp_path / "r")
    assert info.value.code == "report_no_data"
    assert not (tmp_path / "r").exists() or list((tmp_path / "r").iterdir()) == []


def test_corrupt_parquet_file_is_named_and_the_old_report_survives(
    sim_dataset: Path, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    shutil.copytree(sim_dataset, data)
    reports = tmp_path / "reports"
    build_report(data, 2020, reports, outputs=("csv",))
    before = sorted(p.name for p in (reports / "2020").rglob("*"))
    victim = data / "orders" / "year=2020" / "part-00000.parquet"
    victim.write_bytes(victim.read_bytes()[:200])
    with pytest.raises(ShanhuoError) as info:
        build_report(data, 2020, reports, outputs=("csv",))
    assert (
        info.value.code == "report_data_corrupt" and "part-00000.parquet" in info.value.message_en
    )
    assert sorted(p.name for p in (reports / "2020").rglob("*")) == before
    assert [p.name for p in reports.iterdir()] == ["2020"]


def test_cli_builds_the_report_and_explains_errors(sim_dataset: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(
        report_cli.app,
        ["--year", "2020", "--data", str(sim_dataset), "--out", str(tmp_path), "--province", "53"],
    )
    assert ok.exit_code == 0, ok.output
    assert "云南省" in ok.output and (tmp_path / "2020" / "report.json").is_file()
    bad = runner.invoke(
        report_cli.app,
        [
            "--year",
            "2020",
            "--data",
            str(sim_dataset),
            "--out",
            str(tmp_path / "x"),
            "--province",
            "99",
        ],
    )
    assert bad.exit_code == 2 and "report_province_unknown" in bad.output
    assert not (tmp_path / "x").exists()
