"""Pages of emergency plans (应急预案): list, start from a template, detail with files,
the filing actions and the template library. Thin: reads via selectors, writes via
services; every read goes through the caller's scope (404 outside it)."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from geo import authority
from geo.scope import scope_for_request
from geo.workflow import WITHDRAW
from registry.plans import selectors, services
from registry.plans.filing import FILING
from registry.plans.models import EmergencyPlan, PlanAttachment, PlanKind, PlanState, PlanTemplate

PAGE = 50  # rows on one list page


def _plan_or_404(request: HttpRequest, plan_id: int) -> EmergencyPlan:
    plan = selectors.plan_get(scope=scope_for_request(request), plan_id=plan_id)
    if plan is None:
        raise Http404
    return plan


def _errors(error: ValidationError) -> list[str]:
    """Messages prefixed with the field they concern (a plan's or an attachment's)."""
    if not hasattr(error, "error_dict"):
        return error.messages
    return [f"{_label(field)}：{message}" if field != NON_FIELD_ERRORS else message
            for field, messages in error.message_dict.items() for message in messages]


def _label(field: str) -> str:
    for model in (EmergencyPlan, PlanAttachment):
        try:
            found = model._meta.get_field(field)
        except FieldDoesNotExist:
            continue
        # a reverse relation (the plan's attachments) is named by the related model
        return str(getattr(found, "verbose_name", None) or found.related_model._meta.verbose_name)
    return field


@login_required
@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    kind, state = request.GET.get("kind", ""), request.GET.get("state", "")
    kind = kind if kind in PlanKind.values else ""
    state = state if state in PlanState.values else ""
    plans = selectors.plan_list(scope=scope_for_request(request), kind=kind, state=state)
    return render(request, "registry/plans/list.html", {
        "page": Paginator(plans, PAGE).get_page(request.GET.get("page")),
        "kind": kind, "state": state,
        "kinds": PlanKind.choices, "states": PlanState.choices,
    })


@login_required
@require_GET
def template_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    kind = kind if kind in PlanKind.values else ""
    return render(request, "registry/plans/templates.html", {
        "templates": selectors.templates_list(kind=kind, industry=request.GET.get("industry", "")),
        "kind": kind, "kinds": PlanKind.choices,
    })


@login_required
@require_http_methods(["GET", "POST"])
def plan_new(request: HttpRequest) -> HttpResponse:
    """Start a plan; `?template=<id>` preselects the template whose outline is copied."""
    context = {"templates": PlanTemplate.objects.all(), "kinds": PlanKind.choices,
               "errors": [], "form": request.POST or request.GET}
    if request.method == "POST":
        template = PlanTemplate.objects.filter(pk=_int(request.POST.get("template"))).first()
        try:
            plan = services.plan_create(
                user=request.user, title=request.POST.get("title", ""),
                kind=request.POST.get("kind") or (template.kind if template else ""),
                template=template, version=request.POST.get("version", "1.0"),
                issued=_date(request.POST.get("issued"), "issued"),
                review_due=_date(request.POST.get("review_due"), "review_due"))
        except ValidationError as error:
            context["errors"] = _errors(error)
            return render(request, "registry/plans/new.html", context, status=400)
        return redirect("plans:detail", plan_id=plan.pk)
    return render(request, "registry/plans/new.html", context)


@login_required
@require_GET
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    return _detail(request, _plan_or_404(request, plan_id))


def _detail(request: HttpRequest, plan: EmergencyPlan, errors: list[str] | None = None,
            status: int = 200) -> HttpResponse:
    return render(request, "registry/plans/detail.html", {
        "plan": plan, "attachments": list(plan.attachments.all()),
        "history": selectors.plan_history(plan=plan), "errors": errors or [],
        "is_owner": authority.owns(request.user, plan),
        "may_decide": authority.may_decide(request.user, plan),
        "editable": plan.state in services.EDITABLE,
        "submitted": plan.state == PlanState.SUBMITTED,
        "may_withdraw": FILING.may(WITHDRAW, request.user, plan),
    }, status=status)


@login_required
@require_POST
def attachment_upload(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan_or_404(request, plan_id)
    file = request.FILES.get("file")
    try:
        if file is None:
            raise ValidationError({"file": _("请选择要上传的文件")})
        services.plan_attachment_add(plan=plan, user=request.user, file=file,
                                     name=request.POST.get("name", ""))
    except ValidationError as error:
        return _detail(request, plan, _errors(error), status=400)
    return redirect("plans:detail", plan_id=plan.pk)


@login_required
@require_GET
def attachment_download(request: HttpRequest, plan_id: int, attachment_id: int) -> FileResponse:
    attachment = selectors.plan_attachment_get(scope=scope_for_request(request),
                                               plan_id=plan_id, attachment_id=attachment_id)
    if attachment is None:
        raise Http404
    suffix = attachment.file.name.rsplit(".", 1)[-1]
    filename = attachment.name if attachment.name.endswith("." + suffix) \
        else f"{attachment.name}.{suffix}"
    response = FileResponse(attachment.file.open("rb"), as_attachment=True, filename=filename,
                            content_type=attachment.media_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def plan_action(request: HttpRequest, plan_id: int, action: str) -> HttpResponse:
    """submit / withdraw (owner) · file / return (supervisor over the plan)."""
    plan = _plan_or_404(request, plan_id)
    try:
        if action == "submit":
            services.plan_submit(plan=plan, user=request.user)
        elif action == "withdraw":
            services.plan_withdraw(plan=plan, user=request.user)
        elif action == "file":
            services.plan_file(plan=plan, user=request.user)
        elif action == "return":
            services.plan_return(plan=plan, user=request.user,
                                 reason=request.POST.get("reason", ""))
        else:
            raise Http404
    except ValidationError as error:
        return _detail(request, plan, _errors(error), status=400)
    return redirect("plans:detail", plan_id=plan.pk)


def _int(raw: str | None) -> int | None:
    try:
        return int(raw) if raw else None
    except ValueError:
        return None


def _date(raw: str | None, field: str) -> datetime.date | None:
    if not raw:
        return None
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:
        raise ValidationError({field: _("日期格式应为 YYYY-MM-DD")}) from None
