"""Document pages: the scoped list, a document's HTML preview, its DOCX and locked PDF,
the tablet signature page, and the case file of chosen documents. Thin: reads in
selectors, writes in services."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from enforcement.documents.kinds import KIND_BY_KEY, KINDS, SIGNER_LABELS, document_kind
from enforcement.documents.models import EnforcementDocument
from enforcement.documents.render import document_context, document_html
from enforcement.documents.selectors import document_get, document_list
from enforcement.documents.services import case_file_pdf, document_render, document_sign
from geo.documents import pdf_response
from geo.scope import scope_for_request

PAGE = 50
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
COVER_FIELDS = ("case_name", "case_number", "party")


def _document(request: HttpRequest, document_id: int) -> EnforcementDocument:
    document = document_get(scope=scope_for_request(request), document_id=document_id)
    if document is None:
        raise Http404(_("未找到该执法文书"))
    return document


@login_required
def document_list_page(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind") or ""
    kind = kind if kind in KIND_BY_KEY else ""
    documents = document_list(scope=scope_for_request(request), kind=kind or None)
    return render(request, "enforcement/documents/list.html", {
        "page": Paginator(documents, PAGE).get_page(request.GET.get("page")),
        "kind": kind, "kinds": [(k.key, k.name) for k in KINDS]})


@login_required
def document_page(request: HttpRequest, document_id: int) -> HttpResponse:
    document = _document(request, document_id)
    return HttpResponse(document_html(document, pdf=False, request=request))


@login_required
def document_file(request: HttpRequest, document_id: int, suffix: str) -> HttpResponse:
    document = _document(request, document_id)
    field = document.docx if suffix == "docx" else document.pdf
    if not field:
        document_render(document)
        field = document.docx if suffix == "docx" else document.pdf
    name = f"{document.number or document_kind(document.kind).name}.{suffix}"
    response = FileResponse(field.open("rb"), content_type=DOCX_TYPE if suffix == "docx"
                            else "application/pdf")
    disposition = "attachment" if suffix == "docx" else "inline"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(name)}"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def sign_page(request: HttpRequest, document_id: int, role: str) -> HttpResponse:
    """The signature pad (a canvas): the page posts the drawing as a PNG file."""
    document = _document(request, document_id)
    if role not in document_kind(document.kind).signers:
        raise Http404(_("该文书无此签名栏"))
    if request.method == "POST":
        try:
            document_sign(document=document, role=role, image=request.FILES.get("image"),
                          user=request.user)
        except ValidationError as exc:
            return JsonResponse({"error": " ".join(exc.messages)}, status=400)
        except PermissionDenied as exc:
            return JsonResponse({"error": str(exc)}, status=403)
        return JsonResponse({"next": reverse("documents:detail", args=[document.pk])})
    return render(request, "enforcement/documents/sign.html", {
        "document": document, "role": role, "label": SIGNER_LABELS[role],
        "context": document_context(document)})


@login_required
def case_file(request: HttpRequest) -> HttpResponse:
    """案卷 of the documents named by ?documents=1&documents=2 (in that order)."""
    ids = [int(v) for v in request.GET.getlist("documents") if v.isdecimal()]
    scope = scope_for_request(request)
    found = {d.pk: d for d in document_list(scope=scope).filter(pk__in=ids)}
    documents = [found[i] for i in ids if i in found]
    if not documents or len(documents) != len(set(ids)):
        raise Http404(_("未找到这些执法文书"))
    cover = {key: next((d.content[key] for d in documents if d.content.get(key)), "")
             for key in COVER_FIELDS}
    data = case_file_pdf(documents=documents, user=request.user, fields=cover)
    return pdf_response(data, filename=_("案卷") + ".pdf")
