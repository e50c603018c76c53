"""Pages of cases: `/enforcement/cases/` the list in the caller's scope, `new/` register a
case at the caller's agency, `<pk>/` one case with the steps the caller may take, and the
POST targets of its forms. Thin: every write is a service, every read a selector."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    FieldDoesNotExist,
    PermissionDenied,
    ValidationError,
)
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from enforcement.cases import discretion, selectors, services
from enforcement.cases.flow import FLOW, STEPS, hearing_qualifies, may_act
from enforcement.cases.models import (
    OPEN_STATES,
    Case,
    CaseState,
    CaseTransfer,
    Circumstance,
    PenaltyKind,
    Violation,
)
from geo.models import Organisation, OrganisationKind, User
from geo.scope import scope_for_request
from registry.enterprises.selectors import enterprise_get

PAGE = 50


def _case(request: HttpRequest, pk: int) -> Case:
    case = selectors.case_get(scope=scope_for_request(request), pk=pk)
    if case is None:
        raise Http404
    return case


def _errors(error: ValidationError) -> list[str]:
    if not hasattr(error, "error_dict"):
        return error.messages
    return [m if field == NON_FIELD_ERRORS else f"{_label(field)}：{m}"
            for field, items in error.message_dict.items() for m in items]


def _label(field: str) -> str:
    try:
        return str(Case._meta.get_field(field).verbose_name)
    except FieldDoesNotExist:  # the officers, the reason: not a column of the case
        return {"members": _("执法人员"), "reason": _("意见")}.get(field, field)


@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    state = state if state in CaseState.values else ""
    rows = selectors.case_list(scope=scope_for_request(request), state=state,
                               query=request.GET.get("q", "").strip())
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    return render(request, "enforcement/cases/list.html", {
        "page": page, "rows": page.object_list, "state": state, "states": CaseState.choices,
        "q": request.GET.get("q", ""), "may_open": _agency(request.user) is not None})


def _agency(user: User) -> Organisation | None:
    org = user.organisation if user.is_authenticated and user.organisation_id else None
    return org if org is not None and org.kind == OrganisationKind.GOVERNMENT else None


@login_required
@require_http_methods(["GET", "POST"])
def case_new(request: HttpRequest) -> HttpResponse:
    agency = _agency(request.user)
    if agency is None:
        raise PermissionDenied
    scope = scope_for_request(request)
    enterprise = enterprise_get(scope=scope, pk=int(request.GET.get("enterprise") or 0))
    colleagues = User.objects.filter(organisation=agency, is_active=True).order_by("username")
    errors: list[str] = []
    if request.method == "POST":
        if enterprise is None:
            raise Http404
        chosen = colleagues.filter(pk__in=request.POST.getlist("members"))
        members = [request.user, *[u for u in chosen if u.pk != request.user.pk]]
        try:
            case = services.case_open(user=request.user, agency=agency, enterprise=enterprise,
                                      cause=request.POST.get("cause", ""), members=members,
                                      facts=request.POST.get("facts", ""))
        except ValidationError as error:
            errors = _errors(error)
        else:
            return redirect("cases:detail", case.pk)
    return render(request, "enforcement/cases/new.html", {
        "agency": agency, "enterprise": enterprise, "colleagues": colleagues,
        "errors": errors}, status=400 if errors else 200)


@login_required
@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    user = request.user
    actions = [(a, STEPS[a]) for a in FLOW.actions(user, case) if a != "transfer"]
    return render(request, "enforcement/cases/detail.html", {
        "case": case, "fields": selectors.case_document_fields(case), "actions": actions,
        "may_transfer": FLOW.may("transfer", user, case),
        "may_staff": may_act("head", user, case) and case.state in OPEN_STATES,
        "colleagues": User.objects.filter(organisation_id=case.organisation_id,
                                          is_active=True).exclude(
            pk__in=case.members.values("user_id")).order_by("username"),
        "may_edit": may_act("handler", user, case) and case.state in services.EDITABLE_STATES,
        "steps": [(s, STEPS[s.action].verb if s.action in STEPS else s.action)
                  for s in case.steps.select_related("user")],
        "due": selectors.case_due(case),
        "hearing": hearing_qualifies(case), "band": discretion.penalty_range(case),
        "violations": Violation.objects.all(),
        "circumstances": Circumstance.choices, "penalty_kinds": PenaltyKind.choices,
        "similar": selectors.cases_similar(scope=scope_for_request(request), case=case),
        "agencies": Organisation.objects.filter(kind=OrganisationKind.GOVERNMENT).exclude(
            pk=case.organisation_id).order_by("name")})


def _penalty(post) -> dict:
    """The penalty fields of a form, as the services take them."""
    fine = (post.get("fine") or "").strip()
    try:
        amount = Decimal(fine) if fine else None
    except InvalidOperation:
        raise ValidationError({"fine": _("请填写数字")}) from None
    violation = post.get("violation")
    return {"violation": Violation.objects.filter(pk=violation).first() if violation else None,
            "circumstance": post.get("circumstance", ""), "fine": amount,
            "penalties": [p for p in post.getlist("penalties") if p in PenaltyKind.values]}


def _done(request: HttpRequest, case: Case, write, success: str = "") -> HttpResponse:
    """Run one write of a form; its refusal or errors come back as messages on the case."""
    try:
        write()
    except PermissionDenied as refused:
        messages.error(request, str(refused) or _("无权办理此环节"))
    except ValidationError as error:
        for m in _errors(error):
            messages.error(request, m)
    else:
        if success:
            messages.success(request, success)
    return redirect("cases:detail", case.pk)


@login_required
@require_POST
def case_edit(request: HttpRequest, pk: int) -> HttpResponse:
    case, post = _case(request, pk), request.POST

    def write():
        services.case_update(
            case=case, user=request.user, cause=post.get("cause", case.cause),
            facts=post.get("facts", ""), legal_basis=post.get("legal_basis", ""),
            penalty_basis=post.get("penalty_basis", ""),
            evidence=[line.strip() for line in post.get("evidence", "").splitlines()
                      if line.strip()], **_penalty(post))
    return _done(request, case, write, _("已保存"))


@login_required
@require_POST
def case_step(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    action = request.POST.get("action", "")
    if action not in STEPS or action == "transfer":
        raise Http404

    def write():
        changes = _penalty(request.POST) if action == "decide" else {}
        services.case_advance(case=case, user=request.user, action=action,
                              reason=request.POST.get("reason", ""), **changes)
    return _done(request, case, write, str(STEPS[action].verb))


@login_required
@require_POST
def case_staff(request: HttpRequest, pk: int) -> HttpResponse:
    """The head assigns officers of the agency, or brings in a joint agency with its own
    (联合执法: the agency and its officers' user names)."""
    case, post = _case(request, pk), request.POST
    agency = Organisation.objects.filter(pk=post.get("agency") or 0).first()
    if agency is not None:
        names = [n.strip() for n in post.get("usernames", "").replace("，", ",").split(",")]
        members = list(User.objects.filter(organisation=agency, username__in=names))
        return _done(request, case, lambda: services.case_agency_join(
            case=case, user=request.user, agency=agency, members=members), _("已加入联合执法"))
    members = list(User.objects.filter(organisation_id=case.organisation_id,
                                       pk__in=post.getlist("members")))
    return _done(request, case, lambda: services.case_members_add(
        case=case, user=request.user, members=members), _("已保存"))


@login_required
@require_POST
def case_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    case, post = _case(request, pk), request.POST
    agency = Organisation.objects.filter(pk=post.get("agency") or 0).first()
    to = post.get("to", "")
    return _done(request, case, lambda: services.case_transfer(
        case=case, user=request.user, to=to, reason=post.get("reason", ""),
        agency=agency if to == CaseTransfer.To.AGENCY else None,
        receiver=post.get("receiver", "")), _("已移送"))

