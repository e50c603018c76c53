"""Pages of major hazard sources: the scoped list, the one-source file (一源一档), the
registration form and filing notice (HTML and PDF from one template each), and the
filing and responsible-person forms. Thin: reads in selectors, writes in services."""

from __future__ import annotations

import re
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from geo import authority
from geo.documents import render_document
from geo.scope import scope_for_request
from geo.workflow import ACCEPT, SUBMIT, WITHDRAW
from registry.hazards import filing
from registry.hazards.maps import source_map
from registry.hazards.models import (
    FilingAction,
    FilingState,
    HazardLevel,
    HazardSource,
    ResponsiblePerson,
    ResponsibleRole,
)
from registry.hazards.selectors import hazard_source_get, hazard_source_list
from registry.hazards.services import (
    hazard_source_chemical_classify,
    hazard_source_update,
    responsible_persons_set,
)

PAGE = 50  # rows on one list page


def _source(request: HttpRequest, source_id: int) -> HazardSource:
    source = hazard_source_get(scope=scope_for_request(request), source_id=source_id)
    if source is None:
        raise Http404(_("未找到该重大危险源"))
    return source


_STORED_DECIMAL = re.compile(r"^-?\d+\.\d+$")


def _plain(value):
    """Stored numbers without their padding zeros (36.0000000 -> 36, 0.6666667 stays),
    through the evaluation's nested lists and dicts."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, str) and _STORED_DECIMAL.match(value):
        return _plain(Decimal(value))
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _numbers(source: HazardSource) -> dict:
    return {"ev": _plain(source.evaluation), "s_text": _plain(source.s_value),
            "r_text": _plain(source.r_value)}


def _int_or_none(text: str | None) -> int | None:
    # isdecimal, not isdigit: "²" is a digit int() refuses (a 500 from ?level=²)
    return int(text) if text and text.isdecimal() else None


@login_required
def source_list(request: HttpRequest) -> HttpResponse:
    level = _int_or_none(request.GET.get("level"))
    state = request.GET.get("state") or ""
    state = state if state in FilingState.values else ""
    sources = hazard_source_list(scope=scope_for_request(request), level=level,
                                 filing_state=state or None)
    return render(request, "registry/hazards/list.html", {
        "page": Paginator(sources, PAGE).get_page(request.GET.get("page")),
        "level": level, "state": state,
        "levels": HazardLevel.choices, "states": FilingState.choices})


@login_required
def source_detail(request: HttpRequest, source_id: int) -> HttpResponse:
    source = _source(request, source_id)
    persons = {p.role: p for p in source.persons.all()}
    return render(request, "registry/hazards/detail.html", {
        "source": source, **_numbers(source),
        "map": source_map(source),
        "person_rows": [(value, label, persons.get(value))
                        for value, label in ResponsibleRole.choices],
        "can_submit": filing.FILING.may(SUBMIT, request.user, source),
        "can_withdraw": filing.FILING.may(WITHDRAW, request.user, source),
        "can_decide": filing.FILING.may(ACCEPT, request.user, source),
        "can_edit_persons": authority.owns(request.user, source)
        and source.filing_state != FilingState.SUBMITTED,
        "can_edit_exposed": _may_edit_exposed(request.user, source),
        "can_classify": authority.supervises(request.user, source),
    })


def _document_context(source: HazardSource) -> dict:
    persons = {p.role: p for p in source.persons.all()}
    return {"source": source, **_numbers(source), "enterprise": source.enterprise,
            "persons": [(label, persons.get(value)) for value, label in ResponsibleRole.choices]}


@login_required
def registration_form(request: HttpRequest, source_id: int, pdf: bool = False) -> HttpResponse:
    """重大危险源备案登记表."""
    source = _source(request, source_id)
    return render_document(request, "registry/hazards/form.html", _document_context(source),
                           pdf=pdf, filename=f"重大危险源备案登记表-{source.pk}.pdf")


@login_required
def filing_notice(request: HttpRequest, source_id: int, pdf: bool = False) -> HttpResponse:
    """备案告知书, only once the filing is accepted."""
    source = _source(request, source_id)
    accepted = [f for f in source.filings.all() if f.action == FilingAction.ACCEPT]
    if source.filing_state != FilingState.ACCEPTED or not accepted:
        raise Http404(_("该重大危险源尚未备案"))
    context = {**_document_context(source), "accepted": accepted[-1],
               "authority": _authority(accepted[-1].user)}
    return render_document(request, "registry/hazards/notice.html", context, pdf=pdf,
                           filename=f"重大危险源备案告知书-{source.filing_number}.pdf")


def _authority(user) -> str:
    division = getattr(user, "division", None)
    return _("%(area)s应急管理局") % {"area": division.name} if division else _("应急管理部门")


@login_required
@require_POST
def filing_action(request: HttpRequest, source_id: int, action: str) -> HttpResponse:
    source = _source(request, source_id)
    steps = {FilingAction.SUBMIT: filing.hazard_source_submit,
             FilingAction.ACCEPT: filing.hazard_source_accept,
             FilingAction.WITHDRAW: filing.hazard_source_withdraw}
    try:
        if action == FilingAction.RETURN:
            filing.hazard_source_return(source=source, user=request.user,
                                        reason=request.POST.get("reason", ""))
        elif action in steps:
            steps[action](source=source, user=request.user)
        else:
            raise Http404
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已%(action)s") % {"action": FilingAction(action).label})
    return redirect("hazards:detail", source_id=source.pk)


@login_required
@require_POST
def persons_update(request: HttpRequest, source_id: int) -> HttpResponse:
    source = _source(request, source_id)
    if not authority.owns(request.user, source) or \
            source.filing_state == FilingState.SUBMITTED:
        raise PermissionDenied(_("只有本企业用户可以在未提交状态下修改包保责任人"))
    rows = [{"role": role, **{f: request.POST.get(f"{role}-{f}", "")
                              for f in ("name", "post", "phone")}}
            for role in ResponsibleRole.values]
    try:
        responsible_persons_set(source=source, persons=rows)
    except ValidationError as error:
        roles = dict(ResponsibleRole.choices)
        for key, problems in error.message_dict.items():
            role, _dot, name = key.partition(".")
            label = ResponsiblePerson._meta.get_field(name).verbose_name if name else ""
            for problem in problems:
                messages.error(request, f"{roles.get(role, role)}{label}：{problem}")
    else:
        messages.success(request, _("包保责任人已保存"))
    return redirect("hazards:detail", source_id=source.pk)


def _may_edit_exposed(user, source: HazardSource) -> bool:
    """The owner or a supervisor over it, while the filing is not awaiting a decision."""
    return authority.may_edit(user, source) and source.filing_state != FilingState.SUBMITTED


def _field_errors(request: HttpRequest, model, error: ValidationError) -> None:
    """Each problem with the label of the field it concerns."""
    for name, problems in error.message_dict.items():
        label = model._meta.get_field(name).verbose_name if name != "__all__" else ""
        for problem in problems:
            messages.error(request, f"{label}：{problem}" if label else problem)


@login_required
@require_POST
def exposed_update(request: HttpRequest, source_id: int) -> HttpResponse:
    """Enter the people within 500 m outside the plant (0 included): the unit is graded."""
    source = _source(request, source_id)
    if not _may_edit_exposed(request.user, source):
        raise PermissionDenied(_("只有本企业用户或监管部门可以在未提交状态下填写厂外人口"))
    text = request.POST.get("exposed_people", "").strip()
    if not text.isdecimal():
        messages.error(request, _("厂外500米内常住人口：请填写0或正整数（人）"))
        return redirect("hazards:detail", source_id=source.pk)
    try:
        hazard_source_update(source=source, exposed_people=int(text))
    except ValidationError as error:
        _field_errors(request, HazardSource, error)
    else:
        messages.success(request, _("厂外500米内常住人口已保存，已重新辨识分级"))
    return redirect("hazards:detail", source_id=source.pk)


_SYMBOLS = re.compile(r"[\s,，;；、]+")


@login_required
@require_POST
def chemical_class(request: HttpRequest, source_id: int, item_id: int) -> HttpResponse:
    """A supervisor enters the hazard classes of one of the unit's chemicals."""
    source = _source(request, source_id)
    item = next((i for i in source.items.all() if i.pk == item_id), None)
    if item is None:
        raise Http404
    item.source = source  # the scoped row the gate asks about
    try:
        hazard_source_chemical_classify(
            item=item, user=request.user,
            symbols=_SYMBOLS.split(request.POST.get("hazard_symbols", "")),
            note=request.POST.get("hazard_symbols_note", ""))
    except ValidationError as error:
        for problems in error.message_dict.values():
            for problem in problems:
                messages.error(request, problem)
    else:
        messages.success(request, _("危险性类别已保存，已重新辨识分级"))
    return redirect("hazards:detail", source_id=source.pk)
