"""Build the DOCX templates of every document kind (templates_docx/<kind>.docx) with
python-docx: `python -m enforcement.documents.build_templates`. The output is committed
(see README): a province that restyles a document edits its .docx in Word and keeps the
Jinja tags; rerunning this script rebuilds the house style from `kinds.KINDS`.

Tags (docxtpl): {{ agency }}, {{ title }}, {{ number }}, {{ f.<field> }}, {{ sign_<role> }}
(an image or blank), {{ issued_date }}; the index (卷内目录) loops over {{ rows }}.
"""

from __future__ import annotations

import datetime
import io
import sys
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

FONT = "Noto Sans CJK SC"
FIXED_TIME = datetime.datetime(2026, 1, 1)


def _tag(name: str) -> str:
    return "{{ " + name + " }}"  # a docxtpl (Jinja) variable


def _house_style(document) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin = section.bottom_margin = Mm(18)
    style = document.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(10.5)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)  # Chinese text takes eastAsia


def _centred(document, text: str, size: float, bold: bool = False) -> None:
    run = document.add_paragraph().add_run(text)
    run.font.size, run.bold = Pt(size), bold
    run.element.getparent().alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER


def _fields_table(document, fields) -> None:
    short = [f for f in fields if not f.long]
    if short:
        table = document.add_table(rows=0, cols=2)
        table.style, table.alignment = "Table Grid", WD_TABLE_ALIGNMENT.CENTER
        for field in short:
            cells = table.add_row().cells
            cells[0].width, cells[1].width = Mm(45), Mm(125)
            cells[0].text, cells[1].text = str(field.label), _tag(f"f.{field.key}")
    for field in (f for f in fields if f.long):
        document.add_paragraph().add_run(f"{field.label}：").bold = True
        document.add_paragraph(_tag(f"f.{field.key}"))


def _index_table(document) -> None:
    """卷内目录: one row per document of the case file (docxtpl's {%tr %} row loop)."""
    table = document.add_table(rows=3, cols=5)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ["序号", "文书名称", "文书编号", "日期", "页号"],
                          strict=True):
        cell.text = text
    table.rows[1].cells[0].text = "{%tr for r in rows %}"
    for cell, key in zip(table.rows[2].cells, ["no", "name", "number", "date", "pages"],
                         strict=True):
        cell.text = _tag(f"r.{key}")
    table.add_row().cells[0].text = "{%tr endfor %}"


def build(kind, target: Path) -> None:
    from enforcement.documents.kinds import SIGNER_LABELS

    document = Document()
    _house_style(document)
    _centred(document, "{{ agency }}", 14)
    _centred(document, "{{ title }}", 18, bold=True)
    if kind.numbered:
        document.add_paragraph("{{ number }}").alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _fields_table(document, kind.fields)
    if kind.key == "case_file_index":
        _index_table(document)
    for role in kind.signers:
        paragraph = document.add_paragraph(f"{SIGNER_LABELS[role]}：")
        paragraph.add_run(_tag(f"sign_{role}"))
    document.add_paragraph("{{ agency }}（印章）").alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.add_paragraph("{{ issued_date }}").alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.core_properties.title = str(kind.name)
    document.core_properties.author = "SafeAtlas"
    document.core_properties.created = document.core_properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    document.save(buffer)
    target.write_bytes(_fixed_zip(buffer.getvalue()))


def _fixed_zip(data: bytes) -> bytes:
    """The same parts with fixed timestamps: a rebuild gives the same bytes, so a test can
    tell whether the committed templates are those the script makes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=FIXED_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, source.read(item.filename))
    return out.getvalue()


def main() -> None:
    import django

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geo.settings")
    django.setup()
    from django.utils import translation

    from enforcement.documents.kinds import KINDS, TEMPLATES_DOCX

    TEMPLATES_DOCX.mkdir(exist_ok=True)
    with translation.override("zh-hans"):
        for kind in KINDS:
            build(kind, kind.docx_template)
    print(f"{len(KINDS)} templates in {TEMPLATES_DOCX}")


if __name__ == "__main__":
    main()
