"""Build a report (every output, atomically) and read built reports back for the pages.

Layout: ``<reports_dir>/<year>/`` holds ``report.json`` (the document every page renders),
``shanhuo-report-<year>.html`` (standalone, offline), ``.pdf``, ``.xlsx`` and ``tables/*.csv``.
A build writes into a temporary folder and renames it into place at the end: an error leaves
the previous report (or nothing) — never half a report.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shanhuo.kit.errors import NotFound
from shanhuo.kit.files import atomic_dir
from shanhuo.kit.timeutil import utcnow
from shanhuo.regions.rules import MACRO_REGIONS, is_mainland_province
from shanhuo.report.dataset import open_dataset
from shanhuo.report.document import build_document
from shanhuo.report.indicators import ReportOptions, compute
from shanhuo.report.outputs.formatting import cell
from shanhuo.report.outputs.html import write_standalone
from shanhuo.report.outputs.pdf import write_pdf
from shanhuo.report.outputs.tables import write_csvs, write_xlsx

REPORT_JSON = "report.json"


@dataclass(frozen=True)
class BuiltReport:
    year: int
    path: Path
    files: list[str]
    document: dict[str, Any]

    def describe(self) -> str:
        lines = [f"report {self.year} ({self.document['engine']}) → {self.path}"]
        lines += [f"  · {h['zh']}" for h in self.document["headlines"]]
        lines += [f"  files: {', '.join(self.files)}"]
        return "\n".join(lines)


def file_names(year: int) -> dict[str, str]:
    return {
        "html": f"shanhuo-report-{year}.html",
        "pdf": f"shanhuo-report-{year}.pdf",
        "xlsx": f"shanhuo-report-{year}.xlsx",
    }


def build_report(
    dataset_dir: Path,
    year: int,
    reports_dir: Path,
    *,
    engine: str = "duckdb",
    options: ReportOptions | None = None,
    outputs: tuple[str, ...] = ("csv", "xlsx", "html", "pdf"),
) -> BuiltReport:
    dataset = open_dataset(dataset_dir)
    tables = compute(dataset, year, engine=engine, options=options)
    doc = build_document(dataset, tables, generated_at=utcnow().isoformat(timespec="seconds"))
    names = file_names(year)
    with atomic_dir(reports_dir / str(year)) as tmp:
        files: list[str] = []
        if "csv" in outputs:
            files += write_csvs(doc, tmp / "tables")
        if "xlsx" in outputs:
            write_xlsx(doc, tmp / names["xlsx"])
            files.append(names["xlsx"])
        if "html" in outputs:
            write_standalone(doc, tmp / names["html"])
            files.append(names["html"])
        if "pdf" in outputs:
            write_pdf(doc, tmp / names["pdf"])
            files.append(names["pdf"])
        doc["files"] = files
        (tmp / REPORT_JSON).write_text(
            json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=False), encoding="utf-8"
        )
    return BuiltReport(year, reports_dir / str(year), files, doc)


def not_built(year: int) -> NotFound:
    return NotFound(
        "report_not_built",
        f"{year} 年报告尚未生成：请运行 shanhuo report --year {year}",
        f"The {year} report has not been built yet: run `shanhuo report --year {year}`",
    )


def list_reports(reports_dir: Path) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if not reports_dir.is_dir():
        return out
    for folder in sorted(reports_dir.iterdir()):
        if folder.name.isdigit() and (folder / REPORT_JSON).is_file():
            doc = json.loads((folder / REPORT_JSON).read_text(encoding="utf-8"))
            out.append(
                {
                    "year": doc["year"],
                    "source": doc["snapshot"]["source"],
                    "snapshot": doc["snapshot"]["dataset_hash"],
                }
            )
    return out


def load_report(reports_dir: Path, year: int) -> dict[str, Any]:
    path = reports_dir / str(year) / REPORT_JSON
    if not path.is_file():
        raise not_built(year)
    doc: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return doc


def report_file(reports_dir: Path, year: int, name: str) -> Path:
    """A built output by name, only if the report lists it (no path tricks)."""
    doc = load_report(reports_dir, year)
    if name not in doc.get("files", []):
        raise NotFound("report_file_not_found", "报告文件不存在", "No such report file")
    return reports_dir / str(year) / name


PROVINCE_SECTIONS = (
    ("entrepreneurs_province", ("current_count", "base_count", "growth", "growth_rank")),
    ("stores_province", ("stores_in_period", "stores_open_at_end", "active_stores")),
    ("anchors_province", ("new_farmer_anchors", "all_anchors", "anchor_rank")),
    ("live_province", ("live_sessions", "live_orders", "live_gmv_fen", "orders", "gmv_fen")),
    ("villages_province", ("candidate_villages", "ecommerce_villages", "ecommerce_towns")),
)


def unknown_province(code: str) -> NotFound:
    return NotFound(
        "report_province_unknown",
        f"未知省份代码 {code!r}：应为 31 个大陆省级行政区的两位代码（如 53）或六位代码（如 530000）",
        f"Unknown province code {code!r}: use one of the 31 mainland two-digit codes (e.g. 53) or 530000",
    )


def province_view(doc: dict[str, Any], code: str) -> dict[str, Any]:
    """Every number the report has for one province (two-digit or XX0000 code)."""
    text = code.strip()
    if not (text.isdigit() and (len(text) == 2 or (len(text) == 6 and text.endswith("0000")))):
        raise unknown_province(code)
    prefix = text[:2]
    if not is_mainland_province(prefix):
        raise unknown_province(code)
    sections = []
    province: dict[str, Any] | None = None
    for key, columns in PROVINCE_SECTIONS:
        table = doc["tables"][key]
        row = next(r for r in table["rows"] if r["province_code"] == prefix)
        province = province or row
        labels = {c["name"]: (c["zh"], c["en"]) for c in table["columns"]}
        sections.append(
            {
                "key": key,
                "title_zh": table["title_zh"],
                "title_en": table["title_en"],
                "lines": [(labels[c][0], labels[c][1], cell(c, row[c])) for c in columns],
                "values": {c: row[c] for c in columns},
            }
        )
    assert province is not None
    macro = next(m for m in MACRO_REGIONS if prefix in m.provinces)
    return {
        "year": doc["year"],
        "province": {"province_code": prefix, "province_name": province["province_name"]},
        "macro_name": macro.name_zh,
        "snapshot": doc["snapshot"]["dataset_hash"],
        "sections": sections,
    }
