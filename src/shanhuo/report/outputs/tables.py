"""Tables as CSV (one file per indicator, raw values, byte-stable) and one Excel workbook."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font


def _raw(value: Any) -> str:
    """CSV text of a value: integers as is, floats to 6 decimals, empty for none."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.6f}"
    return str(value)


def table_csv(table: dict[str, Any]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    names = [c["name"] for c in table["columns"]]
    writer.writerow(names)
    for row in table["rows"]:
        writer.writerow([_raw(row[n]) for n in names])
    return buffer.getvalue().encode("utf-8")


def write_csvs(doc: dict[str, Any], folder: Path) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for key, table in doc["tables"].items():
        (folder / f"{key}.csv").write_bytes(table_csv(table))
        written.append(f"tables/{key}.csv")
    return written


def write_xlsx(doc: dict[str, Any], path: Path) -> None:
    wb = Workbook()
    about = wb.active
    about.title = "说明 About"
    about.append(
        ["山货 区域电商发展报告 / Shanhuo regional e-commerce development report", doc["year"]]
    )
    about.append(["数据快照 data snapshot", doc["snapshot"]["dataset_hash"]])
    about.append(["数据来源 source", doc["snapshot"]["source"], doc["snapshot"]["label"]])
    about.append(["代码版本 code", doc["code"]["version"], doc["code"]["definitions_hash"]])
    about.append(["窗口 window", doc["window"]["start"], doc["window"]["end_exclusive"]])
    about.append([])
    for h in doc["headlines"]:
        about.append([h["zh"]])
        about.append([h["en"]])
    about["A1"].font = Font(bold=True)
    for key, table in doc["tables"].items():
        sheet = wb.create_sheet(key[:31])
        sheet.append([f"{c['zh']} ({c['name']})" for c in table["columns"]])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table["rows"]:
            sheet.append([row[c["name"]] for c in table["columns"]])
    appendix = wb.create_sheet("定义 Definitions")
    appendix.append(
        ["key", "指标", "indicator", "定义", "definition", "formula", "window", "base rule", "sql"]
    )
    for d in doc["definitions"]:
        appendix.append(
            [
                d["key"],
                d["title_zh"],
                d["title_en"],
                d["definition_zh"],
                d["definition_en"],
                d["formula"],
                d["window"],
                d["base_rule"],
                d["sql"],
            ]
        )
    # Fixed document dates: the same report gives the same workbook metadata.
    stamp = datetime.fromisoformat(doc["window"]["end_exclusive"])
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.save(path)
