"""Security-event log (安全事件日志): sign-ins and their failures, lockouts, token use,
refusals and data exports, each with the caller's address and user agent.

`security_event(request, kind, ...)` is the one writer. Sign-in events come from Django's
and django-axes' signals (connected in geo.apps); refusals from `DeniedLogMiddleware`;
token use from geo.tokens; exports from layers.exports. The rows are append-only
(geo.models.SecurityEvent and the table's trigger) and shown to auditors in the admin.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from geo.models import SecurityEvent, SecurityEventKind


def client_address(request: HttpRequest | None) -> str | None:
    """The caller's address as django-axes sees it (REMOTE_ADDR, or the proxies' header
    when TRUSTED_PROXY_COUNT is set): one answer for lockouts and for the log."""
    if request is None:
        return None
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or None


def security_event(request: HttpRequest | None, kind: SecurityEventKind, *, user=None,
                   username: str = "", **detail) -> SecurityEvent:
    """Append one event. `user` defaults to the request's signed-in user; `username` is
    what was typed when there is no such user (a failed sign-in)."""
    if user is None and request is not None:
        candidate = getattr(request, "user", None)
        user = candidate if candidate is not None and candidate.is_authenticated else None
    meta = request.META if request is not None else {}
    return SecurityEvent.objects.create(
        kind=kind, user_id=user.pk if user is not None else None,
        username=(user.get_username() if user is not None else username)[:150],
        address=client_address(request), user_agent=meta.get("HTTP_USER_AGENT", "")[:300],
        path=(request.path if request is not None else "")[:300], detail=detail)


def once_a_minute(key: str) -> bool:
    """True the first time in a minute this process asks with `key`: what happens on
    every request (token use, a client retrying a bad token) is logged at most that often.
    The key may hold client text (a bad token's prefix): hashed, it is a valid cache key
    for any backend (memcached refuses spaces and control characters)."""
    digest = hashlib.blake2b(key.encode(errors="surrogatepass"), digest_size=16).hexdigest()
    return cache.add(f"security-once:{digest}", 1, timeout=60)


class DeniedLogMiddleware:
    """Log every 403 answer, whichever face gave it (views, admin, CSRF, OGC API)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 403:
            security_event(request, SecurityEventKind.PERMISSION_DENIED,
                           method=request.method)
        return response


# Receivers of django.contrib.auth's and django-axes' signals (connected in geo.apps).

def on_logged_in(sender, request, user, **kwargs) -> None:
    security_event(request, SecurityEventKind.LOGIN, user=user,
                   second_factor=getattr(user, "second_factor", ""))


def on_logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        security_event(request, SecurityEventKind.LOGOUT, user=user)


def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    username = str((credentials or {}).get("username") or "")
    security_event(request, SecurityEventKind.LOGIN_FAILED, username=username,
                   step=(credentials or {}).get("step", "password"))


def on_locked_out(sender, request, username=None, ip_address=None, **kwargs) -> None:
    security_event(request, SecurityEventKind.LOCKOUT, username=str(username or ""))
