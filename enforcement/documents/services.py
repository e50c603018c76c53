"""Writes of enforcement documents: issue (fill, number, store, render), sign, and the
case file (案卷) of a set of documents."""

from __future__ import annotations

import hashlib
import io
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Model
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from pypdf import PdfReader, PdfWriter

from enforcement.documents.kinds import INSPECTOR, PARTY, document_kind
from enforcement.documents.models import DocumentSignature, EnforcementDocument
from enforcement.documents.providers import provider_fields
from enforcement.documents.render import document_context, document_docx, document_pdf_locked
from geo import authority
from geo.documents import document_pdf, pdf_locked
from geo.models import OrganisationKind
from geo.uploads import PNG, upload_read, upload_type
from geo.workflow import document_number_next

SIGNATURE_MAX_BYTES = 512 * 1024


def numbering_area(agency) -> str:
    """The counter's area for an agency: its division code (which the number formats match
    by prefix: 45 → 桂, 4501 → 桂南) and its id, since several departments of one division
    each keep their own serials (§5.2: per agency, document type and year)."""
    return f"{agency.division_id}#{agency.pk}"


def document_issue(*, kind: str, source: Model, user, fields: dict | None = None,
                   line: str = "", issued_at: datetime | None = None,
                   render: bool = True) -> EnforcementDocument:
    """Issue a document of `kind` filled from `source` (its providers' fields, then the
    issuer's `fields`), numbered in the transaction that stores it; then its DOCX and
    locked PDF. The issuer is a supervisor over the source who belongs to a government
    organisation (the agency whose number it takes). `issued_at` (default now) is for a
    document made offline on the spot and sent later: its year is the number's year."""
    declared = document_kind(kind)
    agency = _agency(user, source)
    content = {**provider_fields(declared, source), **(fields or {})}
    content = {key: "" if value is None else value for key, value in content.items()}
    issued_at = issued_at or timezone.now()
    year = timezone.localtime(issued_at).year
    with transaction.atomic():
        number = document_number_next(area=numbering_area(agency), year=year, kind=kind,
                                      line=line) if declared.numbered else ""
        document = EnforcementDocument.objects.create(
            kind=kind, number=number, agency=agency, year=year, line=line, content=content,
            division_code=source.division_code, issued_at=issued_at, issued_by=user,
            source_type=ContentType.objects.get_for_model(source), source_id=source.pk)
    if render:
        document_render(document)
    return document


def _agency(user, source: Model):
    if not authority.supervises(user, source):
        raise PermissionDenied(_("您无权对该对象签发执法文书"))
    agency = user.organisation
    if agency is None or agency.kind != OrganisationKind.GOVERNMENT:
        raise ValidationError(_("签发执法文书须以执法机关的名义：您的账号未关联政府部门"))
    return agency


def document_render(document: EnforcementDocument) -> EnforcementDocument:
    """(Re)make the DOCX and the locked PDF from the stored content and signatures."""
    context = document_context(document)
    stem = document.number or f"{context['title']}-{document.pk}"
    for field, data, suffix in ((document.docx, document_docx(document, context), ".docx"),
                                (document.pdf, document_pdf_locked(document, context), ".pdf")):
        old = field.name
        field.save(f"{stem}{suffix}", ContentFile(data), save=False)
        if old:
            field.storage.delete(old)
    document.save(update_fields=["docx", "pdf"])
    return document


def document_sign(*, document: EnforcementDocument, role: str, image, user
                  ) -> DocumentSignature:
    """Keep one hand signature (a PNG drawn on the tablet) and remake the files with it.
    The inspector's device records both the inspector's and the party's signature, so the
    recorder is a supervisor over the document; each role signs once."""
    if role not in document_kind(document.kind).signers or role not in (INSPECTOR, PARTY):
        raise ValidationError(_("该文书无此签名栏"))
    if not authority.supervises(user, document):
        raise PermissionDenied(_("您无权为该文书记录签名"))
    data = upload_read(image, max_bytes=SIGNATURE_MAX_BYTES)
    upload_type(data, (PNG,), names="PNG")
    with transaction.atomic():
        locked = EnforcementDocument.objects.select_for_update().get(pk=document.pk)
        if locked.signatures.filter(role=role).exists():
            raise ValidationError(_("该签名栏已签名"))
        signature = DocumentSignature(document=locked, role=role, recorded_by=user,
                                      sha256=hashlib.sha256(data).hexdigest())
        signature.image.save(f"{locked.pk}-{role}.png", ContentFile(data), save=False)
        signature.save()
    document_render(locked)
    return signature


def case_file_pdf(*, documents: list[EnforcementDocument], user, fields: dict) -> bytes:
    """The case file (案卷) of `documents` as one locked PDF: the cover (案卷首页), the
    index (卷内目录: one row per document in order, with its pages in the file), then the
    documents' own PDFs. Made for reading, not stored (the documents are). `fields` fills
    the cover (案由, 案号, 当事人, 处理结果, 立案/结案日期, 承办人, 保管期限)."""
    if not documents:
        raise ValidationError(_("案卷中没有文书"))
    if not all(authority.supervises(user, d) for d in documents):
        raise PermissionDenied(_("您无权组卷这些文书"))
    readers = [_reader(d) for d in documents]
    front_pages, front = 2, b""
    for _attempt in range(3):  # the index's own length moves the page numbers once at most
        front = _case_file_front(documents, readers, fields, front_pages)
        if (count := len(PdfReader(io.BytesIO(front)).pages)) == front_pages:
            break
        front_pages = count
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(front)))
    for reader in readers:
        writer.append(reader)
    out = io.BytesIO()
    writer.write(out)
    return pdf_locked(out.getvalue())


def _reader(document: EnforcementDocument) -> PdfReader:
    if not document.pdf:
        document_render(document)
    with document.pdf.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    reader.decrypt("")  # locked for editing, open for reading: the user password is empty
    return reader


def _case_file_front(documents, readers, fields: dict, front_pages: int) -> bytes:
    rows, page = [], front_pages + 1
    for i, (document, reader) in enumerate(zip(documents, readers, strict=True), start=1):
        last = page + len(reader.pages) - 1
        rows.append({"no": i, "name": str(document_kind(document.kind).name),
                     "number": document.number, "pages": f"{page}-{last}" if last > page
                     else str(page),
                     "date": timezone.localtime(document.issued_at).strftime("%Y-%m-%d")})
        page = last + 1
    agency = documents[0].agency
    pages = [document_context(EnforcementDocument(kind=key, agency=agency, content=fields,
                                                  issued_at=timezone.now()), rows=rows_)
             for key, rows_ in (("case_file_cover", []), ("case_file_index", rows))]
    return document_pdf(render_to_string("enforcement/documents/casefile.html",
                                         {"pages": pages}))
