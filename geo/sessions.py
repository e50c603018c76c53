"""Sign-in sessions kept on the server (geo.models.UserSession): logout, idle timeout,
single active session and an administrator's "end it" hold even though the session
cookie itself is signed, not stored.

Every `login()` (the sign-in flow, the admin, tests' `force_login`) starts a record and
puts its key in the session; `SessionGuardMiddleware` checks the record on each request
(one indexed read, a write at most once a minute) and signs the browser out when it has
ended or been idle for SESSION_IDLE_SECONDS. A session this process checked (or
started) in the last `_CACHE_SECONDS` is trusted without a query, by the guard and by
the tile fast path, which never runs middleware (`session_known_live`); ending a session
forgets it at once here, within `_CACHE_SECONDS` in other processes.
"""

from __future__ import annotations

import secrets
import time
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from geo.models import SecurityEventKind, SessionEnd, UserSession
from geo.security_log import client_address, security_event

SESSION_ID_KEY = "_safeatlas_session"
_TOUCH_SECONDS = 60      # last_seen is written at most this often per session
_CACHE_SECONDS = 30.0    # how long the fast path trusts a session this process checked
_live: dict[str, tuple[float, int]] = {}

_WHY = {
    SessionEnd.IDLE: _("长时间未操作，已自动退出，请重新登录。"),
    SessionEnd.REPLACED: _("该账号已在其他地方登录，本会话已结束。"),
    SessionEnd.REVOKED: _("管理员已结束本会话，请重新登录。"),
    SessionEnd.LOGOUT: _("会话已结束，请重新登录。"),
}


def session_start(request: HttpRequest, user) -> UserSession:
    """Record a new sign-in; with SESSION_SINGLE the user's other sessions end."""
    now = timezone.now()
    if settings.SESSION_SINGLE:
        sessions_end(UserSession.objects.filter(user=user, ended__isnull=True),
                     SessionEnd.REPLACED)
    record = UserSession.objects.create(
        key=secrets.token_urlsafe(32), user=user, last_seen=now,
        address=client_address(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300])
    request.session[SESSION_ID_KEY] = record.key
    _live[record.key] = (time.monotonic() + _CACHE_SECONDS, user.pk)
    return record


def sessions_end(sessions, reason: SessionEnd) -> int:
    """End the given open sessions (a queryset) for `reason`; returns how many."""
    keys = list(sessions.filter(ended__isnull=True).values_list("key", flat=True))
    for key in keys:
        _live.pop(key, None)
    return UserSession.objects.filter(key__in=keys).update(ended=timezone.now(),
                                                          end_reason=reason)


def session_known_live(key: str | None, user_id: int) -> bool:
    """From this process's memory only: the session was checked live a moment ago."""
    hit = _live.get(key or "")
    return bool(hit and hit[0] > time.monotonic() and hit[1] == user_id)


def session_open(key: str | None, user_id: int) -> bool:
    """Whether a sign-in session is still open (not logged out, replaced or ended by an
    administrator): what a long-lived request, such as the event stream, asks now and then
    after the guard let it in."""
    if session_known_live(key, user_id):
        return True
    return UserSession.objects.filter(key=key or "", user_id=user_id,
                                      ended__isnull=True).exists()


def forget_sessions() -> None:
    _live.clear()


def _check(request: HttpRequest, user_id: int) -> SessionEnd | None:
    """Why the request's session may no longer be used, or None when it may."""
    key = request.session.get(SESSION_ID_KEY)
    if session_known_live(key, user_id):
        return None
    row = (UserSession.objects.filter(key=key or "").values("user_id", "last_seen", "ended",
                                                          "end_reason").first())
    if row is None or row["user_id"] != user_id:
        return SessionEnd.REVOKED
    if row["ended"] is not None:
        return SessionEnd(row["end_reason"] or SessionEnd.REVOKED)
    idle = timezone.now() - row["last_seen"]
    if idle > timedelta(seconds=settings.SESSION_IDLE_SECONDS):
        sessions_end(UserSession.objects.filter(key=key), SessionEnd.IDLE)
        return SessionEnd.IDLE
    if idle > timedelta(seconds=_TOUCH_SECONDS):
        UserSession.objects.filter(key=key).update(last_seen=timezone.now())
    _live[key] = (time.monotonic() + _CACHE_SECONDS, user_id)
    return None


class SessionGuardMiddleware:
    """Sign out a browser whose session has ended (logout elsewhere, idle, replaced,
    ended by an administrator); token callers have no session and pass untouched."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user_id = request.session.get(SESSION_KEY)
        if user_id is not None and getattr(request, "token_user_id", None) is None:
            reason = _check(request, int(user_id))
            if reason is not None:
                self._sign_out(request, int(user_id), reason)
        return self.get_response(request)

    @staticmethod
    def _sign_out(request: HttpRequest, user_id: int, reason: SessionEnd) -> None:
        from geo.models import User

        security_event(request, SecurityEventKind.SESSION_ENDED,
                       user=User.objects.filter(pk=user_id).first(), reason=reason.value)
        request.session.flush()
        request.user = AnonymousUser()
        messages.info(request, _WHY[reason])


# Receivers of django.contrib.auth's signals (connected in geo.apps).

def on_logged_in(sender, request, user, **kwargs) -> None:
    session_start(request, user)


def on_logged_out(sender, request, user, **kwargs) -> None:
    key = request.session.get(SESSION_ID_KEY) if hasattr(request, "session") else None
    if key:
        sessions_end(UserSession.objects.filter(key=key), SessionEnd.LOGOUT)
