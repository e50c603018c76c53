"""The one way list pages build links to themselves with a filter changed."""

from __future__ import annotations

from django.http import HttpRequest


def query_with(request: HttpRequest, *, drop: tuple[str, ...] = (), **changes) -> str:
    """The request's query string with `changes` applied (a None value drops the key) and
    the keys in `drop` removed; "page" always goes, since a new filter starts at page one."""
    params = request.GET.copy()
    for key in ("page", *drop):
        params.pop(key, None)
    for key, value in changes.items():
        params.pop(key, None)
        if value is not None:
            params[key] = value
    return params.urlencode()
