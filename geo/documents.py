"""Printable documents: one Django template serves both the HTML print view and the PDF
(hazard source registration forms and filing notices today; enforcement documents and
reports later use the same one).

WeasyPrint renders the same HTML; the templates carry their CSS inline and name the
"Noto Sans CJK SC" font (Debian fonts-noto-cjk), so no network fetch is needed.
"""

from __future__ import annotations

import io
import secrets
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from pypdf import PdfReader, PdfWriter
from pypdf.constants import UserAccessPermissions
from weasyprint import HTML
from weasyprint.urls import URLFetcher


def render_document(request: HttpRequest, template: str, context: dict, *,
                    pdf: bool, filename: str) -> HttpResponse:
    """The template as a page, or as an inline PDF called `filename`."""
    html = render_to_string(template, {**context, "pdf": pdf}, request=request)
    if not pdf:
        return HttpResponse(html)
    return pdf_response(document_pdf(html, base_url=request.build_absolute_uri("/")),
                        filename=filename)


def document_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """The PDF of a rendered document page (also for jobs, which have no request: the
    monitoring reports are made by the job runner and kept)."""
    return HTML(string=html, base_url=base_url, url_fetcher=_fetcher()).write_pdf()


def pdf_locked(data: bytes) -> bytes:
    """The PDF encrypted (AES-256, empty user password: anyone opens it) with permissions to
    print and copy text only: no editing, annotating, form filling or page assembly. The
    owner password is random and kept nowhere, so nobody lifts the lock (an issued
    enforcement document is changed by issuing another)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password="", owner_password=secrets.token_urlsafe(32),
                   algorithm="AES-256", permissions_flag=_LOCKED_PERMISSIONS)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


_LOCKED_PERMISSIONS = (UserAccessPermissions.PRINT | UserAccessPermissions.PRINT_TO_REPRESENTATION
                       | UserAccessPermissions.EXTRACT_TEXT_AND_GRAPHICS
                       | UserAccessPermissions.EXTRACT)


def pdf_response(data: bytes, *, filename: str) -> HttpResponse:
    """PDF bytes as an inline, private download called `filename`."""
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "private, no-store"
    return response


# The documents are self-contained: only data: URLs (an embedded signature or photo) are
# read; refusing every other fetch keeps a PDF request from calling back into the site (or
# anywhere else) while holding a worker. (A plain function is no fetcher for WeasyPrint
# 70: it reads `_fail_on_errors` from it, so the first image raised AttributeError.)
def _fetcher() -> URLFetcher:
    return URLFetcher(allowed_protocols={"data"})  # one per PDF: it keeps request state
