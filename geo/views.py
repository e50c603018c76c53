"""Portal home, personal API tokens and the inbox. Thin views; writes go through
geo.tokens and geo.messaging."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from geo.models import ApiToken, Notification
from geo.tokens import token_create


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "geo/home.html")


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    new_key = None
    if request.method == "POST":
        name = (request.POST.get("name") or "").strip()[:100] or "QGIS"
        new_key = token_create(user=request.user, name=name)
    rows = ApiToken.objects.filter(user=request.user).order_by("-created")
    return render(request, "geo/tokens.html", {"tokens": rows, "new_key": new_key})


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
