"""Knowledge base pages (知识库): search across laws and accident cases, and details.

Readable without logging in: laws are public documents, and the accident cases here are
compiled from published investigation reports (the `accident_cases` layer is public).
Case reads still go through the layer's queryset, so the rule stays in one place.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from geo.scope import scope_for_request
from registry.knowledge import selectors


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    results = selectors.knowledge_search(query=request.GET.get("q", ""),
                                         scope=scope_for_request(request))
    return render(request, "registry/knowledge/search.html", {"results": results})


@require_GET
def regulation_detail(request: HttpRequest, regulation_id: int) -> HttpResponse:
    regulation = selectors.regulation_get(regulation_id=regulation_id)
    if regulation is None:
        raise Http404
    return render(request, "registry/knowledge/regulation.html", {"law": regulation})


@require_GET
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    case = selectors.accident_case_get(scope=scope_for_request(request), case_id=case_id)
    if case is None:
        raise Http404
    return render(request, "registry/knowledge/case.html", {"case": case})
