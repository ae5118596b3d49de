"""The PDF's text stays inside the glyphs of its (not embedded) Chinese font."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from shanhuo.config import Settings
from shanhuo.report.outputs.pdf import EMBEDDABLE_FONTS, EMBEDDED_FONT, font, pdf_text
from shanhuo.report.service import build_report, load_report


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _outside_gbk(text: str) -> set[str]:
    missing = set()
    for char in text:
        try:
            char.encode("gbk")
        except UnicodeEncodeError:
            missing.add(char)
    return missing


def test_substitutes_cover_what_the_font_lacks() -> None:
    assert pdf_text("东部↔西部 ¥4,160 a − b; x ⇔ y") == "东部←→西部 ￥4,160 a - b; x <=> y"


def test_every_character_of_the_report_is_one_the_pdf_font_draws(
    settings: Settings, sim_dataset: Path
) -> None:
    # Adobe-GB1 (the glyphs of STSong-Light) covers GBK: a character outside it shows blank.
    build_report(sim_dataset, 2020, settings.data_dir / "reports", outputs=("pdf",))
    doc = load_report(settings.data_dir / "reports", 2020)
    text = "".join(_strings(doc))
    assert "↔" in _outside_gbk(text)  # lane names, e.g. 东部↔西部
    assert _outside_gbk(pdf_text(text)) == set()


def test_the_chinese_font_is_embedded_when_the_machine_has_one(
    settings: Settings, sim_dataset: Path
) -> None:
    """With a TrueType Chinese font installed (.ci/run installs fonts-wqy-microhei) the PDF
    carries it, so it reads the same on any reader; without one it names the CID font."""
    build_report(sim_dataset, 2020, settings.data_dir / "reports", outputs=("pdf",))
    data = next((settings.data_dir / "reports").rglob("*.pdf")).read_bytes()
    if font() == EMBEDDED_FONT:
        assert b"/FontFile2" in data  # an embedded TrueType program
        assert b"STSong-Light" not in data
    else:
        assert any(path.is_file() for path, _ in EMBEDDABLE_FONTS) is False
        assert b"STSong-Light" in data
