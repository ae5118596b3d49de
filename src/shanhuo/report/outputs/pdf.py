"""The report as a PDF with Chinese text.

The font: a TrueType Chinese font from the machine when there is one (WenQuanYi Micro Hei,
Debian's fonts-wqy-microhei, which ``.ci/run`` installs), embedded as a subset, so the PDF
shows the same on any reader — a researcher mails it on. Without one, reportlab's built-in
CID font STSong-Light, which is *not* embedded: the reader draws it with its own Chinese font
(Adobe-GB1 glyph set, about GBK), and a reader without one shows blanks. (Noto CJK, the other
Debian Chinese font, is CFF-based, which reportlab cannot embed.) Either way the few
characters of ours outside GBK (↔, ⇔, −, ¥) are written as ones every Chinese font has. The
PDF has no province map (published China maps need official review): it shows the growth
ranking as bars and every number in tables.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from shanhuo.report.outputs.formatting import display_rows

EMBEDDABLE_FONTS = (  # (file, index in a .ttc collection)
    (Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"), 0),
    (Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"), 0),
)
CID_FONT = "STSong-Light"
EMBEDDED_FONT = "ShanhuoCJK"
GREEN = colors.HexColor("#2f7d32")
PDF_TABLES = (
    "entrepreneurs_macro",
    "entrepreneurs_province",
    "stores_province",
    "delivery_lanes",
    "anchors_province",
    "financing_macro",
    "live_province",
    "villages_province",
    "western_share",
)


@lru_cache(maxsize=1)
def font() -> str:
    """Register and name the font: the embedded TrueType one if the machine has one, else the
    CID font (see the module docstring)."""
    for path, index in EMBEDDABLE_FONTS:
        if path.is_file():
            try:
                pdfmetrics.registerFont(TTFont(EMBEDDED_FONT, str(path), subfontIndex=index))
            except TTFError:  # unreadable or not TrueType outlines: try the next
                continue
            return EMBEDDED_FONT
    pdfmetrics.registerFont(UnicodeCIDFont(CID_FONT))
    return CID_FONT


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=font(), fontSize=9.5, leading=14, wordWrap="CJK")
    return {
        "base": base,
        "title": ParagraphStyle("title", parent=base, fontSize=18, leading=24, spaceAfter=6),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontSize=13,
            leading=18,
            spaceBefore=10,
            spaceAfter=4,
            textColor=GREEN,
        ),
        "small": ParagraphStyle(
            "small", parent=base, fontSize=7.5, leading=10, textColor=colors.HexColor("#555555")
        ),
        "cell": ParagraphStyle("cell", parent=base, fontSize=7, leading=9),
        "warn": ParagraphStyle("warn", parent=base, textColor=colors.HexColor("#c62828")),
    }


# Outside GBK, so missing from the Adobe-GB1 font on many readers → what it does have.
GLYPH_SUBSTITUTES = str.maketrans({"↔": "←→", "⇔": "<=>", "−": "-", "¥": "￥"})


def pdf_text(text: Any) -> str:
    return str(text).translate(GLYPH_SUBSTITUTES)


def _esc(text: Any) -> str:
    return pdf_text(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _growth_chart(doc: dict[str, Any], style: ParagraphStyle) -> Drawing:
    g = doc["charts"]["growth"]
    n = min(15, len(g["names"]))
    names, values, west = g["names"][:n][::-1], g["values"][:n][::-1], g["west"][:n][::-1]
    # Room below the bars for the value axis labels, above them for the title.
    drawing = Drawing(170 * mm, max(48, n * 11 + 38))
    chart = HorizontalBarChart()
    chart.x, chart.y = 40, 18
    chart.width, chart.height = 140 * mm, n * 11
    chart.data = [values or [0]]
    chart.categoryAxis.categoryNames = [pdf_text(n) for n in names]
    chart.categoryAxis.labels.fontName = font()
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.bars.strokeWidth = 0
    for i, is_west in enumerate(west):
        chart.bars[(0, i)].fillColor = GREEN if is_west else colors.HexColor("#9e9e9e")
    drawing.add(chart)
    drawing.add(
        String(
            40, drawing.height - 10, "新创业者同比增速 (%)，绿色为西部", fontName=font(), fontSize=8
        )
    )
    return drawing


def _table(doc: dict[str, Any], key: str, st: dict[str, ParagraphStyle]) -> Table:
    columns, rows = display_rows(
        doc["tables"][key], skip=("macro_order", "lane_order", "province_code")
    )
    data = [[Paragraph(_esc(c["zh"]), st["cell"]) for c in columns]]
    data += [[Paragraph(_esc(v), st["cell"]) for v in row] for row in rows]
    table = Table(data, repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8f5e9")),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#cccccc")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def write_pdf(doc: dict[str, Any], path: Path) -> None:
    st = _styles()
    story: list[Any] = [
        Paragraph(f"山货 区域电商发展报告 {doc['year']}", st["title"]),
        Paragraph(f"Shanhuo regional e-commerce development report {doc['year']}", st["base"]),
    ]
    if doc["snapshot"]["source"] == "simulation":
        story.append(
            Paragraph(
                "本报告基于模拟情景数据，不是真实统计。 Simulated scenario, not real statistics.",
                st["warn"],
            )
        )
    w, snap, code = doc["window"], doc["snapshot"], doc["code"]
    story.append(
        Paragraph(
            _esc(
                f"统计窗口 {w['start']} – {w['end_exclusive']}（不含），对比上年同期 {w['base_start']} – "
                f"{w['base_end_exclusive']}；数据快照 {snap['dataset_hash']}（{snap['source']}）；"
                f"代码 {code['version']} / 定义 {code['definitions_hash']}；引擎 {doc['engine']}"
            ),
            st["small"],
        )
    )
    story.append(Paragraph("主要发现 Headline findings", st["h2"]))
    for i, h in enumerate(doc["headlines"], start=1):
        story.append(Paragraph(f"{i}. {_esc(h['zh'])}", st["base"]))
        story.append(Paragraph(_esc(h["en"]), st["small"]))
        story.append(Spacer(1, 3))
    story.append(Spacer(1, 6))
    story.append(_growth_chart(doc, st["base"]))
    story.append(
        Paragraph(
            "省份地图见网页版与离线 HTML；PDF 只用柱状图与表格。"
            "The province map is in the web page and the offline HTML; the PDF uses bars and tables.",
            st["small"],
        )
    )
    for key in PDF_TABLES:
        table = doc["tables"][key]
        story.append(
            Paragraph(
                f"{_esc(table['title_zh'])} <font size=8>{_esc(table['title_en'])}</font>", st["h2"]
            )
        )
        if key in doc["no_data"]:
            story.append(Paragraph("无数据 No data: " + ", ".join(doc["no_data"][key]), st["warn"]))
        story.append(_table(doc, key, st))
    story.append(PageBreak())
    story.append(Paragraph("附录：指标定义 Appendix: definitions", st["h2"]))
    for d in doc["definitions"]:
        story.append(Paragraph(f"<b>{_esc(d['title_zh'])}</b> {_esc(d['title_en'])}", st["base"]))
        story.append(Paragraph(_esc(d["definition_zh"]), st["base"]))
        story.append(Paragraph(_esc(d["definition_en"]), st["small"]))
        story.append(
            Paragraph(
                _esc(
                    f"公式 {d['formula']}；窗口 {d['window']}；基数与并列 {d['base_rule']}；查询 {d['sql']}"
                ),
                st["small"],
            )
        )
        story.append(Spacer(1, 5))
    pdf = SimpleDocTemplate(
        str(path),
        pagesize=A4,
        leftMargin=14 * mm,
        rightMargin=14 * mm,
        topMargin=14 * mm,
        bottomMargin=14 * mm,
        title=f"山货 区域电商发展报告 {doc['year']}",
        author="Shanhuo",
        invariant=1,
    )
    pdf.build(story)
