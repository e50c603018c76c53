"""Pages of the four-colour plant map (风险四色图) and the risk notification cards
(风险告知卡): an enterprise's zones (drawn on its floor plan, coloured by their highest
risk), the A3 map as a print page and PDF (`geo.documents`), each zone's and point's card
as a page and PDF, and the card a QR code opens on a phone (a signed link, no sign-in)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from enforcement.risk import selectors, zones
from enforcement.risk.cards import card_context, card_target
from enforcement.risk.forms import ZoneForm
from enforcement.risk.maps import zones_map
from enforcement.risk.methods import Level
from enforcement.risk.models import RiskPoint, RiskZone
from enforcement.risk.plant_map import plant_map_svg
from enforcement.risk.views import enterprise_or_404, errors_to_messages, point_or_404
from geo import authority
from geo.documents import render_document
from geo.scope import scope_for_request
from layers.maps import NO_LEVEL_COLOUR, level_colour
from registry.floorplans.selectors import enterprise_floor_plans


@login_required
@require_http_methods(["GET", "POST"])
def zone_list(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    scope = scope_for_request(request)
    enterprise = enterprise_or_404(request, enterprise_id)
    plans = enterprise_floor_plans(scope=scope, enterprise=enterprise)
    may_edit = authority.may_edit(request.user, enterprise)
    form = ZoneForm(request.POST or None, plans=plans)
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied(_("无权修改该企业的风险点"))
        if form.is_valid():
            try:
                zones.risk_zone_create(
                    user=request.user, enterprise=enterprise, name=form.cleaned_data["name"],
                    geom=form.geometry(), floor_plan=form.plan(plans))
            except ValidationError as error:
                errors_to_messages(request, error, form)
            else:
                return redirect("risk:zones", enterprise_id=enterprise.pk)
    rows = selectors.risk_zones_of(scope=scope, enterprise_id=enterprise.pk)
    points = selectors.risk_points_of(enterprise.pk, scope=scope)
    return render(request, "enforcement/risk/zones.html", {
        "enterprise": enterprise, "zones": rows, "form": form, "may_edit": may_edit,
        "map": zones_map(enterprise=enterprise, zones=rows, points=points, plans=plans)},
        status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def zone_delete(request: HttpRequest, zid: int) -> HttpResponse:
    zone = _zone(request, zid)
    zones.risk_zone_delete(user=request.user, zone=zone)
    messages.success(request, _("风险区域已删除"))
    return redirect("risk:zones", enterprise_id=zone.enterprise_id)


def _zone(request: HttpRequest, zid: int) -> RiskZone:
    zone = selectors.risk_zone_get(scope=scope_for_request(request), pk=zid)
    if zone is None:
        raise Http404(_("未找到该风险区域"))
    return zone


@login_required
def plant_map(request: HttpRequest, enterprise_id: int, pdf: bool = False) -> HttpResponse:
    """The A3 four-colour plant map: the drawing, legend, north arrow, scale and date."""
    scope = scope_for_request(request)
    enterprise = enterprise_or_404(request, enterprise_id)
    rows = list(selectors.risk_zones_of(scope=scope, enterprise_id=enterprise.pk))
    points = list(selectors.risk_points_of(enterprise.pk, scope=scope))
    plans = [p for p in enterprise_floor_plans(scope=scope, enterprise=enterprise) if p.cog]
    legend = [(level_colour(v), label) for v, label in Level.choices]
    return render_document(request, "enforcement/risk/plant_map.html", {
        "enterprise": enterprise, "zones": rows, "points": points,
        "svg": plant_map_svg(enterprise=enterprise, zones=rows, points=points, plans=plans,
                             scope=scope),
        "legend": [*legend, (NO_LEVEL_COLOUR, _("未评价"))],
        "today": timezone.localdate()}, pdf=pdf, filename=f"{enterprise.name}风险四色图.pdf")


@login_required
def zone_card(request: HttpRequest, zid: int, pdf: bool = False) -> HttpResponse:
    zone = _zone(request, zid)
    return render_document(request, "enforcement/risk/card.html", card_context(request, zone),
                           pdf=pdf, filename=f"{zone.name}风险告知卡.pdf")


@login_required
def point_card(request: HttpRequest, pk: int, pdf: bool = False) -> HttpResponse:
    point = point_or_404(request, pk)
    return render_document(request, "enforcement/risk/card.html",
                           card_context(request, point), pdf=pdf,
                           filename=f"{point.name}风险告知卡.pdf")


def card_public(request: HttpRequest, token: str) -> HttpResponse:
    """The card a QR code opens on a phone: the signed token is the permission to read
    this one card (it is posted on site), so no sign-in and no scope beyond it."""
    target = card_target(token)
    model = {"z": RiskZone, "p": RiskPoint}[target[0]] if target else None
    row = model.objects.select_related("enterprise").filter(pk=target[1]).first() \
        if model else None
    if row is None:
        raise Http404(_("未找到该风险告知卡"))
    context = card_context(request, row)
    return render(request, "enforcement/risk/card.html", {**context, "phone": True})
