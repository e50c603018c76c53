"""Pages of notices (通知公告): the list (received, unread, my department's, to review), a
notice with its receipts and review actions, and the writing form. Thin: reads via
selectors (visibility there), writes via services and the review (`geo.workflow`)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from geo import authority
from geo.models import Division, Role
from geo.notices import selectors, services
from geo.notices.models import Notice, NoticeState
from geo.notices.review import REVIEW
from geo.workflow import ACCEPT, RETURN, SUBMIT, WITHDRAW

SHOWS = ("", "unread", "mine", "review")
ACTIONS = {"submit": SUBMIT, "withdraw": WITHDRAW, "publish": ACCEPT, "return": RETURN}


def notice_list(request: HttpRequest) -> HttpResponse:
    """Visitors see the public notices; signed-in users choose what to show."""
    user = request.user
    show = request.GET.get("show", "") if user.is_authenticated else ""
    show = show if show in SHOWS else ""
    if show == "unread":
        rows = selectors.notices_unread(user=user)
    elif show == "mine":
        rows = selectors.notices_of_department(user=user)
    elif show == "review":
        rows = selectors.notices_to_review(user=user)
    else:
        rows = selectors.notices_published(user=user)
    rows = Notice.objects.none() if rows is None else rows.select_related("organisation")
    return render(request, "geo/notices/list.html", {
        "page": Paginator(rows, 30).get_page(request.GET.get("page")), "show": show,
        "may_write": services.may_write_notices(user)})


def notice_detail(request: HttpRequest, pk: int, errors: list[str] | None = None,
                  status: int = 200) -> HttpResponse:
    notice = _visible_or_404(request, pk)
    user = request.user
    if user.is_authenticated and notice.state == NoticeState.PUBLISHED:
        services.notice_read(notice=notice, user=user)
    context = {"notice": notice, "errors": errors or [],
               "is_owner": authority.owns(user, notice),
               "may": {name: REVIEW.may(action, user, notice)
                       for name, action in ACTIONS.items()}}
    if notice.state == NoticeState.PUBLISHED and authority.may_edit(user, notice):
        context["read"], context["addressed"], context["receipts"] = \
            selectors.notice_receipts(notice=notice)
    return render(request, "geo/notices/detail.html", context, status=status)


@login_required
@require_POST
def notice_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    notice = _visible_or_404(request, pk)
    if action not in ACTIONS:
        raise Http404
    try:
        step = ACTIONS[action]
        if step == SUBMIT:
            REVIEW.submit(notice, user=request.user)
        elif step == WITHDRAW:
            REVIEW.withdraw(notice, user=request.user)
        elif step == ACCEPT:
            REVIEW.accept(notice, user=request.user)
        else:
            REVIEW.send_back(notice, user=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        return notice_detail(request, pk, errors=error.messages, status=400)
    return redirect("notices:detail", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def notice_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Write a new draft, or change one of the department's drafts."""
    notice = _visible_or_404(request, pk) if pk else None
    user = request.user
    if not services.may_write_notices(user) or (notice and not authority.owns(user, notice)):
        raise Http404
    errors: list[str] = []
    if request.method == "POST":
        try:
            notice = services.notice_save(
                user=user, notice=notice, title=request.POST.get("title", ""),
                body=request.POST.get("body", ""), areas=request.POST.getlist("areas"),
                roles=request.POST.getlist("roles"), public=bool(request.POST.get("public")))
            return redirect("notices:detail", pk=notice.pk)
        except ValidationError as error:
            errors = error.messages
    return render(request, "geo/notices/edit.html", {
        "notice": notice, "errors": errors, "areas": _area_choices(user),
        "roles": [r for r in Role.choices if r[0] not in ("security_admin", "auditor")],
        "chosen_areas": set(notice.areas if notice else []),
        "chosen_roles": set(notice.roles if notice else [])},
        status=400 if errors else 200)


def _visible_or_404(request: HttpRequest, pk: int) -> Notice:
    notice = selectors.notice_get(user=request.user, pk=pk)
    if notice is None:
        raise Http404
    return notice


def _area_choices(user) -> list[tuple[str, str]]:
    """The writer's own area and the divisions one level down, as (prefix, name)."""
    own = user.division
    return [(d.prefix, d.name) for d in [own, *Division.objects.filter(parent=own)
                                         .only("code", "name", "level").order_by("code")]]
