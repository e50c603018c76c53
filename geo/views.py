"""Portal home, personal API tokens and the inbox. Thin views; writes go through
geo.tokens and geo.messaging (sign-in steps: geo.signin)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from geo.home import HomeAsk, home_blocks, home_shortcuts
from geo.models import ApiToken, Notification, SecurityEventKind, TokenAccess
from geo.queues import header_counts
from geo.scope import scope_for_request
from geo.second_factor import confirmed_device
from geo.security_log import security_event
from geo.tokens import token_create, token_revoke

# Token lifetimes offered on the page (days); a token never outlives a year.
TOKEN_DAYS = (30, 90, 180, 365)


def home(request: HttpRequest) -> HttpResponse:
    """The workbench (工作台) of the caller's role: to-dos, the blocks the modules register
    (geo.home), shortcuts. The header's counts are the to-dos' counts: one query for both."""
    ask = HomeAsk(user=request.user, scope=scope_for_request(request), now=timezone.now())
    context = {"blocks": home_blocks(ask), "shortcuts": home_shortcuts(ask)}
    if request.user.is_authenticated:
        context["header_counts"] = counts = header_counts(request.user)
        context["todos"] = counts.mine
    return render(request, "geo/home.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    """The caller's API tokens (created read-only unless asked), second factor, password."""
    new_key, error = None, None
    if request.method == "POST":
        name = (request.POST.get("name") or "").strip()[:100] or "QGIS"
        access = request.POST.get("access", TokenAccess.READ)
        days = request.POST.get("days", "90")
        if access not in TokenAccess.values or days not in {str(d) for d in TOKEN_DAYS}:
            error = _("请选择令牌的权限范围和有效期。")
        else:
            new_key = token_create(user=request.user, name=name, access=access,
                                   days=int(days))
            security_event(request, SecurityEventKind.TOKEN_CREATED, token=new_key[:8],
                           access=access, days=int(days))
    rows = ApiToken.objects.filter(user=request.user).order_by("-created")
    return render(request, "geo/tokens.html", {
        "tokens": rows, "new_key": new_key, "error": error, "days": TOKEN_DAYS,
        "now": timezone.now(), "second_factor": confirmed_device(request.user) is not None},
        status=400 if error else 200)


@login_required
@require_POST
def token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke one of the caller's own tokens."""
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    token_revoke(token, request=request)
    return redirect("tokens")


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The caller's messages, unread first; only ever the caller's own."""
    rows = request.user.notifications.order_by(F("read_at").desc(nulls_first=True), "-id")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "geo/inbox.html", {"page": page})


@login_required
def inbox_open(request: HttpRequest, pk: int) -> HttpResponse:
    note = get_object_or_404(Notification, pk=pk, recipient=request.user)
    if note.read_at is None:
        Notification.objects.filter(pk=note.pk).update(read_at=timezone.now())
    # Links are ours, but a stored absolute URL must not turn the inbox into an open redirect.
    safe = bool(note.link) and url_has_allowed_host_and_scheme(
        note.link, allowed_hosts={request.get_host()})
    return redirect(note.link if safe else "inbox")


@login_required
@require_POST
def inbox_read_all(request: HttpRequest) -> HttpResponse:
    request.user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
    return redirect("inbox")
