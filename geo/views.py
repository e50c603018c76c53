"""Portal home and personal API tokens. Thin views; writes go through geo.tokens."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from geo.models import ApiToken
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
