"""Evidence pages: the evidence of one object (list and upload form, also from a phone)
and one file's download, in the caller's scope. Thin: reads in selectors, writes in
services."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from enforcement.evidence.forms import EvidenceForm
from enforcement.evidence.selectors import evidence_get, evidence_of, evidence_source_get
from enforcement.evidence.services import evidence_add
from geo import authority
from geo.scope import scope_for_request


@login_required
def source_evidence(request: HttpRequest, label: str, pk: int) -> HttpResponse:
    scope = scope_for_request(request)
    source = evidence_source_get(scope=scope, label=label, pk=pk)
    if source is None:
        raise Http404(_("未找到该对象"))
    form = EvidenceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            entry = evidence_add(source=source, user=request.user, **form.cleaned_data)
        except ValidationError as exc:  # PermissionDenied goes up: a 403
            form.add_error("file", exc)
        else:
            messages.success(request, _("证据已登记：第 %(seq)d 条") % {"seq": entry.seq})
            return redirect(request.path)
    return render(request, "enforcement/evidence/source.html", {
        "source": source, "form": form, "entries": evidence_of(scope=scope, source=source),
        "can_add": authority.supervises(request.user, source)})


@login_required
def evidence_file(request: HttpRequest, entry_id: int) -> FileResponse:
    entry = evidence_get(scope=scope_for_request(request), entry_id=entry_id)
    if entry is None:
        raise Http404(_("未找到该证据"))
    response = FileResponse(entry.file.open("rb"), content_type=entry.media_type)
    response["Content-Disposition"] = \
        f"inline; filename*=UTF-8''{quote(entry.file.name.rsplit('/', 1)[-1])}"
    response["Cache-Control"] = "private, no-store"
    return response
