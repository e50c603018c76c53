"""Printable documents: one Django template serves both the HTML print view and the PDF
(hazard source registration forms and filing notices today; enforcement documents and
reports later use the same one).

WeasyPrint renders the same HTML; the templates carry their CSS inline and name the
"Noto Sans CJK SC" font (Debian fonts-noto-cjk), so no network fetch is needed.
"""

from __future__ import annotations

from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
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
    return HTML(string=html, base_url=base_url, url_fetcher=_no_fetch).write_pdf()


def pdf_response(data: bytes, *, filename: str) -> HttpResponse:
    """PDF bytes as an inline, private download called `filename`."""
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "private, no-store"
    return response


_DATA_ONLY = URLFetcher(allowed_protocols=["data"])


def _no_fetch(url: str, *args, **kwargs):
    # The documents are self-contained; refusing fetches keeps a PDF request from calling
    # back into the site (or anywhere else) while holding a worker. A data: URI is inside
    # the document already (a plant map's floor-plan tiles): no fetch at all.
    if url.startswith("data:"):
        return _DATA_ONLY.fetch(url)
    raise ValueError(f"external resource not allowed in documents: {url}")

