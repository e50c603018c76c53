"""Pages of duty (/response/duty/): the rosters in the caller's scope and a new roster;
one roster with its shifts, swaps, hand-over notes and the duty log; the daily duty report
(值班日报) as a page and as PDF through geo.documents."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from geo.documents import render_document
from geo.models import OrganisationKind, User
from geo.scope import scope_for_request
from response.duty import selectors, services
from response.duty.forms import LogForm, RosterForm, SwapForm
from response.duty.models import DutyMember
from response.duty.swaps import SWAPS

WEEK = datetime.timedelta(days=7)


def _errors(error: ValidationError | PermissionDenied) -> list[str]:
    return [str(error)] if isinstance(error, PermissionDenied) else list(error.messages)


def _staff(request: HttpRequest):
    org = request.user.organisation
    if org is None or org.kind != OrganisationKind.GOVERNMENT:
        return None
    return User.objects.filter(organisation=org, is_active=True).order_by("username")


@login_required
@require_http_methods(["GET", "POST"])
def rosters(request: HttpRequest) -> HttpResponse:
    scope = scope_for_request(request)
    staff = _staff(request)
    form = RosterForm(request.POST or None, staff=staff) if staff is not None else None
    errors: list[str] = []
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            d = form.cleaned_data
            try:
                roster = services.roster_create(
                    user=request.user, organisation=request.user.organisation, name=d["name"],
                    starts_on=d["starts_on"], ends_on=d["ends_on"], pattern=d["pattern"],
                    rotation=d["rotation"], day_starts=d["day_starts"],
                    night_starts=d["night_starts"], phone=d["phone"],
                    leaders=form.ordered("leaders"), officers=form.ordered("officers"))
            except (ValidationError, PermissionDenied) as error:
                errors = _errors(error)
            else:
                return redirect("duty:roster", roster.pk)
    now = timezone.now()
    return render(request, "response/duty/rosters.html", {
        "rosters": selectors.rosters_scoped(scope=scope).select_related("organisation")[:100],
        "on_duty": selectors.duty_now(scope=scope, now=now, limit=50), "form": form,
        "to_decide": (selectors.swaps_to_decide(user=request.user)
                      .select_related("shift", "from_user", "to_user")[:50]),
        "errors": errors}, status=400 if request.method == "POST" else 200)


def _roster(request: HttpRequest, pk: int):
    roster = selectors.roster_get(scope=scope_for_request(request), pk=pk)
    if roster is None:
        raise Http404
    return roster


@login_required
@require_GET
def roster(request: HttpRequest, pk: int) -> HttpResponse:
    return _roster_page(request, _roster(request, pk))


def _roster_page(request, roster, *, errors: list[str] | None = None,
                 status: int = 200) -> HttpResponse:
    now = timezone.now()
    today = timezone.localdate(now)
    try:
        since = datetime.date.fromisoformat(request.GET.get("since", ""))
    except ValueError:
        since = max(roster.starts_on, min(today, roster.ends_on))
    shifts = selectors.roster_shifts(roster=roster, since=since, until=since + WEEK)
    members = {role: [m.user for m in roster.members.all() if m.role == role]
               for role in ("leader", "officer")}
    swaps = selectors.roster_swaps(roster=roster)
    return render(request, "response/duty/roster.html", {
        "roster": roster, "shifts": shifts, "since": since, "prev": since - WEEK,
        "next": since + WEEK, "today": today, "now": now, "members": members,
        "swaps": [(s, SWAPS.actions(request.user, s)) for s in swaps],
        "current": next((s for s in shifts if s.starts_at <= now < s.ends_at), None),
        "log": selectors.duty_day(roster=roster, day=today).log, "log_form": LogForm(),
        "errors": errors or []}, status=status)


def _done(request: HttpRequest, roster, write) -> HttpResponse:
    """Run one write of a roster page: back to the roster, or the page with the refusal."""
    try:
        write()
    except (ValidationError, PermissionDenied) as error:
        return _roster_page(request, roster, errors=_errors(error),
                            status=403 if isinstance(error, PermissionDenied) else 400)
    return redirect("duty:roster", roster.pk)


@login_required
@require_POST
def swap_new(request: HttpRequest, pk: int) -> HttpResponse:
    roster = _roster(request, pk)
    form = SwapForm(request.POST)
    if not form.is_valid():
        return _roster_page(request, roster, errors=[_("换班申请不完整")], status=400)
    d = form.cleaned_data
    shift = roster.shifts.filter(pk=d["shift"]).first()
    to_user = User.objects.filter(pk__in=DutyMember.objects.filter(
        roster=roster, user_id=d["to_user"]).values("user_id")).first()
    if shift is None or to_user is None:
        return _roster_page(request, roster, errors=[_("替班人须是该值班表的人员")], status=400)
    return _done(request, roster, lambda: services.swap_request(
        shift=shift, user=request.user, role=d["role"], to_user=to_user, reason=d["reason"]))


@login_required
@require_POST
def swap_step(request: HttpRequest, pk: int, swap_pk: int) -> HttpResponse:
    roster = _roster(request, pk)
    swap = selectors.swap_get(scope=scope_for_request(request), pk=swap_pk)
    if swap is None or swap.shift.roster_id != roster.pk:
        raise Http404
    action = request.POST.get("action", "")
    if action not in SWAPS.steps:
        return _roster_page(request, roster, errors=[_("无效的操作")], status=400)
    return _done(request, roster, lambda: SWAPS.take(
        action, swap, user=request.user, reason=request.POST.get("reason", "")))


@login_required
@require_POST
def handover(request: HttpRequest, pk: int, shift_pk: int) -> HttpResponse:
    roster = _roster(request, pk)
    shift = roster.shifts.filter(pk=shift_pk).first()
    if shift is None:
        raise Http404
    return _done(request, roster, lambda: services.handover_add(
        shift=shift, user=request.user, text=request.POST.get("text", "")))


@login_required
@require_POST
def log_add(request: HttpRequest, pk: int) -> HttpResponse:
    roster = _roster(request, pk)
    form = LogForm(request.POST)
    if not form.is_valid():
        return _roster_page(request, roster, errors=[_("日志不完整")], status=400)
    d = form.cleaned_data
    return _done(request, roster, lambda: services.duty_log_add(
        roster=roster, user=request.user, kind=d["kind"], text=d["text"],
        incident_id=d["incident"]))


@login_required
@require_GET
def daily_report(request: HttpRequest, pk: int, day: str, pdf: bool = False) -> HttpResponse:
    """The daily duty report (值班日报) of one roster and day, as a page or a PDF."""
    roster = _roster(request, pk)
    try:
        date = datetime.date.fromisoformat(day)
    except ValueError:
        raise Http404 from None
    return render_document(request, "response/duty/daily_report.html", {
        "d": selectors.duty_day(roster=roster, day=date), "generated": timezone.now()},
        pdf=pdf, filename=f"值班日报-{roster.organisation.name}-{date:%Y%m%d}.pdf")
