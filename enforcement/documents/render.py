"""A document's files: the DOCX from its kind's template (docxtpl) and the locked PDF from
its HTML page (the one PDF path, `geo.documents.document_pdf`, then `pdf_locked`). Both
read the same context, so the number, fields and signatures agree."""

from __future__ import annotations

import base64
import io

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage, Listing

from enforcement.documents.kinds import SIGNER_LABELS, DocumentKind, document_kind
from enforcement.documents.models import EnforcementDocument
from geo.documents import document_pdf, pdf_locked

SIGNATURE_WIDTH_MM = 40


def document_context(document: EnforcementDocument, *, rows: list[dict] | None = None) -> dict:
    """What both templates read: kind, title, number, agency, fields, signatures."""
    kind = document_kind(document.kind)
    signatures = _signatures(document)
    issued = timezone.localtime(document.issued_at)
    return {
        "document": document, "kind": kind, "title": str(kind.name),
        "number": document.number, "agency": document.agency.name,
        "fields": [(f, str(document.content.get(f.key, ""))) for f in kind.fields],
        "signers": [(role, SIGNER_LABELS[role], _data_url(signatures.get(role)))
                    for role in kind.signers],
        "issued_date": date_format(issued.date(), "Y年n月j日"),
        "rows": rows if rows is not None else document.content.get("rows", []),
    }


def document_docx(document: EnforcementDocument, context: dict | None = None) -> bytes:
    context = context or document_context(document)
    kind: DocumentKind = context["kind"]
    template = DocxTemplate(kind.docx_template)
    signatures = _signatures(document)
    template.render({
        "agency": context["agency"], "title": context["title"], "number": context["number"],
        "issued_date": context["issued_date"], "rows": context["rows"],
        # Listing keeps line breaks and escapes the text (autoescape is for the rest)
        "f": {f.key: Listing(value) if f.long else value for f, value in context["fields"]},
        **{f"sign_{role}": _inline(template, signatures.get(role)) for role in kind.signers},
    }, autoescape=True)
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


def document_html(document: EnforcementDocument, *, pdf: bool, request=None,
                  context: dict | None = None) -> str:
    context = context or document_context(document)
    return render_to_string(context["kind"].html_template, {**context, "pdf": pdf},
                            request=request)


def document_pdf_locked(document: EnforcementDocument, context: dict | None = None) -> bytes:
    return pdf_locked(document_pdf(document_html(document, pdf=True, context=context)))


def _signatures(document: EnforcementDocument) -> dict:
    # the case file's cover and index are never stored, and have no signatures
    return {s.role: s for s in document.signatures.all()} if document.pk else {}


def _inline(template: DocxTemplate, signature) -> InlineImage | str:
    if signature is None:
        return ""
    with signature.image.open("rb") as handle:
        data = handle.read()
    return InlineImage(template, io.BytesIO(data), width=Mm(SIGNATURE_WIDTH_MM))


def _data_url(signature) -> str:
    if signature is None:
        return ""
    with signature.image.open("rb") as handle:
        return "data:image/png;base64," + base64.b64encode(handle.read()).decode()
