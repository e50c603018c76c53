"""Every document kind rendered as DOCX (docxtpl, read back with python-docx) and as a
locked PDF (read back with pdftotext), Chinese text and number in both; signatures
embedded in both; the case file as one PDF."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document
from pypdf import PdfReader
from pypdf.constants import UserAccessPermissions as P

from enforcement.documents import providers
from enforcement.documents.kinds import INSPECTOR, KINDS, PARTY
from enforcement.documents.providers import document_provider
from enforcement.documents.services import case_file_pdf, document_issue, document_sign
from tests.enforcement.documents.conftest import png


def pdf_text(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, check=True,
                          capture_output=True).stdout.decode()


def docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def _fields(kind) -> dict:
    return {f.key: f"{f.label}内容甲" + ("\n第二行" if f.long else "") for f in kind.fields}


@pytest.fixture
def issued(world, agencies):
    def issue(kind, **kw):
        return document_issue(kind=kind.key, source=world.enterprises_a[0],
                              user=world.users["county_a"], fields=_fields(kind), **kw)
    return issue


@pytest.mark.parametrize("kind", KINDS, ids=[k.key for k in KINDS])
def test_every_kind_renders_as_docx_and_as_a_locked_pdf(issued, kind):
    document = issued(kind)
    with document.docx.open("rb") as handle:
        in_docx = docx_text(handle.read())
    with document.pdf.open("rb") as handle:
        data = handle.read()
    in_pdf = pdf_text(data)
    value = f"{kind.fields[0].label}内容甲"
    for text in (in_docx, in_pdf):
        assert str(kind.name) in text and "甲县应急管理局" in text and value in text
        if kind.numbered:
            assert document.number.startswith("（苏）应急") and document.number in text
    assert "{{" not in in_docx and "{%" not in in_docx  # every tag filled
    reader = PdfReader(io.BytesIO(data))
    assert reader.is_encrypted and reader.decrypt("")  # anyone opens it ...
    granted = reader.user_access_permissions
    for right in (P.MODIFY, P.ADD_OR_MODIFY, P.FILL_FORM_FIELDS, P.ASSEMBLE_DOC):
        assert not granted & right  # ... nobody edits it
    assert granted & P.PRINT


def test_the_fields_come_from_the_sources_providers_the_issuers_fields_win(
        world, agencies, monkeypatch):
    registry = providers.PROVIDERS.copy()
    monkeypatch.setattr(providers, "PROVIDERS", registry)
    document_provider("registry.enterprise", kinds={"rectification_order"},
                      registry=registry)(lambda kind, e: {"deadline": "2026年7月1日前",
                                                          "party_phone": "（由提供者填写）"})
    enterprise = world.enterprises_a[0]
    enterprise.legal_representative = "张三"
    document = document_issue(kind="rectification_order", source=enterprise,
                              user=world.users["county_a"], fields={"party_phone": "13800000000"},
                              render=False)
    assert document.content == {"party": enterprise.name, "party_address": enterprise.address,
                                "legal_representative": "张三", "deadline": "2026年7月1日前",
                                "party_phone": "13800000000"}
    assert document.source == enterprise


def test_signatures_are_embedded_in_the_docx_and_the_pdf(issued, world):
    kind = next(k for k in KINDS if k.key == "inspection_record")
    document = issued(kind)
    user = world.users["county_a"]
    for role, width in ((INSPECTOR, 120), (PARTY, 140)):
        document_sign(document=document, role=role, user=user,
                      image=SimpleUploadedFile("s.png", png(width), content_type="image/png"))
    document.refresh_from_db()
    with document.docx.open("rb") as handle:
        body = zipfile.ZipFile(handle).read("word/document.xml").decode()
    assert body.count("<pic:pic") == 2
    with document.pdf.open("rb") as handle:
        reader = PdfReader(handle)
        reader.decrypt("")
        assert len(reader.pages[0].images) == 2
    assert document.signatures.count() == 2
    with pytest.raises(ValidationError, match="已签名"):
        document_sign(document=document, role=PARTY, user=user,
                      image=SimpleUploadedFile("s.png", png()))
    other = issued(next(k for k in KINDS if k.key == "penalty_notice"))
    with pytest.raises(ValidationError, match="仅接受 PNG"):
        document_sign(document=other, role=INSPECTOR, user=user,
                      image=SimpleUploadedFile("s.png", b"GIF89a not a png"))
    with pytest.raises(ValidationError, match="无此签名栏"):
        document_sign(document=other, role=PARTY, user=user,  # served, not signed on site
                      image=SimpleUploadedFile("s.png", png()))


def test_the_case_file_is_a_cover_an_index_and_the_documents_in_one_pdf(issued, world):
    kinds = {k.key: k for k in KINDS}
    documents = [issued(kinds[key]) for key in
                 ("case_filing_approval", "inquiry_minutes", "penalty_decision_unit")]
    data = case_file_pdf(documents=documents, user=world.users["county_a"], fields={
        "case_name": "未按规定进行重大危险源辨识", "case_number": "苏宁应急罚〔2026〕1号",
        "party": "测试化工1号有限公司"})
    reader = PdfReader(io.BytesIO(data))
    assert reader.is_encrypted
    reader.decrypt("")
    lengths = []
    for document in documents:
        with document.pdf.open("rb") as handle:
            one = PdfReader(handle)
            one.decrypt("")
            lengths.append(len(one.pages))
    assert len(reader.pages) == 2 + sum(lengths)
    text = pdf_text(data)
    assert "案卷首页" in text and "卷内目录" in text and "未按规定进行重大危险源辨识" in text
    assert documents[0].number in text and documents[2].number in text
    index = subprocess.run(["pdftotext", "-layout", "-f", "2", "-l", "2", "-", "-"],
                           input=data, check=True, capture_output=True).stdout.decode()
    page = 3
    for i, (document, length) in enumerate(zip(documents, lengths, strict=True), start=1):
        pages = f"{page}-{page + length - 1}" if length > 1 else str(page)
        row = rf"{i}\s+{document.get_kind_display()}\s*{re.escape(document.number)}\s+" \
              rf"\d{{4}}-\d\d-\d\d\s+{pages}\n"
        assert re.search(row, index), (row, index)
        page += length
    with pytest.raises(Exception, match="无权"):
        case_file_pdf(documents=documents, user=world.users["county_b"], fields={})
