"""Enterprise pages: the filtered list with counts by division and export, and the
one-enterprise file (一企一档) of one enterprise with its map. Scope from geo.scope only."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from geo import authority
from geo.querystrings import query_with
from geo.scope import scope_for_request
from layers import maps
from layers.base import registry
from layers.exports import FORMATS, export_layer, export_response
from registry.enterprises import sections, selectors
from registry.enterprises.display import profile_sections, rows
from registry.enterprises.filters import LicenceState, filters_from
from registry.enterprises.history import enterprise_history

PAGE_SIZE = 50
LIST_EXPORTS = ["csv", "xlsx", "geojson", "gpkg", "shp"]
BASIC_FIELDS = ["name", "credit_code", "industry", "division_code", "address", "established",
                "registered_capital", "economic_type", "scale", "business_scope", "risk_level",
                "has_major_hazard", "categories"]


@login_required
@require_GET
def enterprise_list(request: HttpRequest) -> HttpResponse:
    scope = scope_for_request(request)
    filters, form = filters_from(request.GET)
    qs = selectors.enterprise_list(scope=scope, filters=filters, today=timezone.localdate())
    top = scope.prefix or ""
    current = filters.division or top
    counts = selectors.enterprise_division_counts(qs, prefix=current)
    trail = selectors.division_path(current, top=top)
    names = selectors.division_names(scope=scope, prefixes=[*trail, *(p for p, _n in counts)])
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for row in page.object_list:
        row.licence_label = LicenceState(row.licence_state).label
    return render(request, "registry/enterprises/list.html", {
        "form": form, "page": page, "current": current,
        "divisions": _division_options(names, current),
        "trail": names.path(current, top=top),
        "counts": [{"prefix": p, "name": names.known(p), "n": n,
                    "query": query_with(request, division=p)} for p, n in counts],
        "counts_total": sum(n for _p, n in counts),
        "exports": [(fmt, reverse("enterprise_export", args=[fmt]) + "?" + query_with(request))
                    for fmt in LIST_EXPORTS],
        "page_query": query_with(request, page=None),
    })


def _division_options(names: selectors.DivisionNames, current: str) -> list[tuple[str, str]]:
    """The select's (prefix, label), indented by level; a drilled-into town or village
    below the listed levels is added so the select shows where the user is."""
    indent = {"province": "", "city": "\u3000", "county": "\u3000\u3000"}
    options = [(d.prefix, indent.get(d.level, "") + d.name) for d in names.options]
    if current and current not in {prefix for prefix, _label in options}:
        options.append((current, names.name(current)))
    return options



@login_required
@require_GET
def enterprise_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The filtered list through the layer exporter, in the caller's scope."""
    if fmt not in FORMATS:
        raise Http404(_("无此导出格式"))
    scope = scope_for_request(request)
    filters, _form = filters_from(request.GET)
    qs = selectors.enterprise_list(scope=scope, filters=filters, today=timezone.localdate())
    return export_response(
        lambda directory: export_layer(registry.get("enterprises"), scope, fmt, directory,
                                       request=request, only=qs), fmt)


@login_required
@require_GET
def enterprise_mine(request: HttpRequest) -> HttpResponse:
    """An enterprise user's own file (本企业档案): the link the header and the home give them."""
    own = selectors.enterprise_own(scope=scope_for_request(request), user=request.user)
    return redirect("enterprise_detail", pk=own.pk) if own else redirect("enterprise_list")


@login_required
@require_GET
def enterprise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The hub's parts of the file, then every registered section (`sections.py`) in order,
    their overlays on the one site map."""
    scope = scope_for_request(request)
    enterprise = selectors.enterprise_get(scope=scope, pk=pk)
    if enterprise is None:
        raise Http404(_("未找到该企业"))
    today = timezone.localdate()
    built = sections.sections_build(sections.FileRequest(
        scope=scope, user=request.user, enterprise=enterprise, today=today))
    return render(request, "registry/enterprises/detail.html", {
        "e": enterprise,
        "basic": rows(enterprise, BASIC_FIELDS),
        "profiles": profile_sections(enterprise),
        "sections": [(section, render_to_string(section.template, contribution.context,
                                                request=request))
                     for section, contribution in built],
        "history": enterprise_history(enterprise=enterprise),
        "edit_url": reverse("enterprise_edit", args=[enterprise.pk])
        if authority.may_edit(request.user, enterprise)
        else None,
        "map": _site_map(enterprise, [contribution for _section, contribution in built]),
        "today": today,
    })


def _site_map(enterprise, contributions: list[sections.Contribution]) -> maps.MapParts:
    return maps.site_map(
        lon=enterprise.geom.x, lat=enterprise.geom.y, title=enterprise.name,
        shapes=[shape for c in contributions for shape in c.shapes],
        dots=[dot for c in contributions for dot in c.dots],
        tile_overlays=[tiles for c in contributions for tiles in c.tiles], height=420)
