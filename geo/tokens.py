"""Personal API tokens: `Authorization: Token <key>` (or `Bearer <key>`) or `?token=<key>`
(for map clients that cannot set headers; cross-origin pages must use the header, geo.cors).

The same path admits the access tokens that single sign-on issues (geo.sso, ADR 0026): a
key that is no personal token is looked up among them, granting read access with the
`read` scope and write access with `write`; one without either is not for our API. The
`/o/` endpoints authenticate their own callers and are left alone here.

A token has an expiry, a scope (read-only tokens may only GET/HEAD/OPTIONS, anywhere), a
last-used time written at most once a minute, and can be revoked. Revocation and expiry
take effect at once in the process that revoked, within `_CACHE_SECONDS` in the others.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import parse_qsl

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from oauth2_provider.models import get_access_token_model

from geo.models import ApiToken, SecurityEventKind, TokenAccess
from geo.security_log import once_a_minute, security_event

_CACHE_SECONDS = 30.0
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
OAUTH_PATH = "/o/"  # django-oauth-toolkit's endpoints (geo.sso) check their own callers


@dataclass(frozen=True)
class TokenGrant:
    """What a valid key grants: its token, its user, and whether it may write; `oauth`
    when the token is a single sign-on access token, not a personal one."""

    token_id: int
    user_id: int
    access: str
    oauth: bool = False

    @property
    def read_only(self) -> bool:
        return self.access == TokenAccess.READ


_digests: dict[str, tuple[float, TokenGrant | None]] = {}


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def token_create(*, user, name: str, access: str = TokenAccess.WRITE,
                 days: int | None = None) -> str:
    """Create a token and return its key; only the hash is stored, so show it once.
    `days`: lifetime (None: no expiry, for tokens made by commands and tests)."""
    key = secrets.token_urlsafe(30)
    expires = timezone.now() + timedelta(days=days) if days else None
    ApiToken.objects.create(user=user, name=name, prefix=key[:8], digest=_digest(key),
                            access=access, expires=expires)
    return key


def token_revoke(token: ApiToken, *, request: HttpRequest | None = None) -> bool:
    """Revoke a token (kept, marked revoked); False when it already was."""
    if token.revoked is not None:
        return False
    ApiToken.objects.filter(pk=token.pk, revoked__isnull=True).update(revoked=timezone.now())
    _digests.pop(token.digest, None)
    security_event(request, SecurityEventKind.TOKEN_REVOKED, token=token.prefix,
                   owner=token.user.get_username())
    return True


def token_grant(key: str) -> TokenGrant | None:
    """What a key grants now (None: unknown, expired, revoked or its user inactive);
    cached briefly so map clients cost no query per tile."""
    digest = _digest(key)
    now = time.monotonic()
    hit = _digests.get(digest)
    if hit and hit[0] > now:
        return hit[1]
    row = (
        ApiToken.objects.filter(digest=digest, user__is_active=True, revoked__isnull=True)
        .filter(Q(expires__isnull=True) | Q(expires__gt=timezone.now()))
        .values_list("pk", "user_id", "access")
        .first()
    )
    grant, seconds = (TokenGrant(*row), _CACHE_SECONDS) if row else _oauth_grant(digest)
    _digests[digest] = (now + seconds, grant)
    return grant


def _oauth_grant(digest: str) -> tuple[TokenGrant | None, float]:
    """A single sign-on access token's grant (django-oauth-toolkit keeps the same SHA-256
    of the key), cached no longer than the token lives."""
    row = (
        get_access_token_model().objects
        .filter(token_checksum=digest, user__is_active=True, expires__gt=timezone.now())
        .values_list("pk", "user_id", "scope", "expires")
        .first()
    )
    if row is None:
        return None, _CACHE_SECONDS
    pk, user_id, scope, expires = row
    scopes = set(scope.split())
    access = (TokenAccess.WRITE if "write" in scopes
              else TokenAccess.READ if "read" in scopes else None)
    seconds = min(_CACHE_SECONDS, (expires - timezone.now()).total_seconds())
    return (TokenGrant(pk, user_id, access, oauth=True) if access else None), seconds


def oauth_token_forget(checksum: str) -> None:
    """Drop a revoked single sign-on token from this process's cache at once
    (post_delete of django-oauth-toolkit's access token, connected in geo.apps)."""
    _digests.pop(checksum, None)


def token_user_id(key: str) -> int | None:
    """The active user behind a valid key."""
    grant = token_grant(key)
    return grant.user_id if grant else None


def cached_token_user_id(key: str) -> tuple[bool, int | None]:
    """(known, user id) from the cache only; known is False when it would take a query."""
    hit = _digests.get(_digest(key))
    if hit and hit[0] > time.monotonic():
        return True, hit[1].user_id if hit[1] else None
    return False, None


def forget_tokens() -> None:
    _digests.clear()


def key_from_authorization(header: str) -> str | None:
    """The key of `Authorization: Token <key>` or `Bearer <key>` (what OAuth-minded map
    clients send); the scheme is case-insensitive (RFC 9110 §11.1)."""
    scheme, _, key = header.partition(" ")
    return (key.strip() or None) if scheme.lower() in ("token", "bearer") else None


def key_from_meta(meta: Mapping[str, str]) -> str | None:
    """The API key of a request, from its WSGI environ or `request.META` (the same keys,
    so the tile fast path and Django read it alike): the header, else `?token=`."""
    key = key_from_authorization(meta.get("HTTP_AUTHORIZATION", ""))
    query = meta.get("QUERY_STRING", "")
    if key is None and "token=" in query:
        key = dict(parse_qsl(query)).get("token") or None
    return key


def key_from_request(request) -> str | None:
    return key_from_meta(request.META)


def _used(request: HttpRequest, grant: TokenGrant) -> None:
    """Last-used time and a token-use event, at most once a minute per token."""
    if grant.oauth:
        if once_a_minute(f"oauth-token:{grant.token_id}"):
            user = get_user_model().objects.filter(pk=grant.user_id).first()
            security_event(request, SecurityEventKind.TOKEN_USED, user=user, oauth=True)
        return
    if once_a_minute(f"token:{grant.token_id}"):
        ApiToken.objects.filter(pk=grant.token_id).update(last_used=timezone.now())
        token = ApiToken.objects.select_related("user").get(pk=grant.token_id)
        security_event(request, SecurityEventKind.TOKEN_USED, user=token.user,
                       token=token.prefix)


class TokenAuthenticationMiddleware:
    """Sets `request.token_user_id`, and `request.user` lazily, for token callers.

    A bad token is a 401, not a silent anonymous request; a read-only token that tries
    to change anything is a 403.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = None if request.path_info.startswith(OAUTH_PATH) else key_from_request(request)
        if key:
            grant = token_grant(key)
            if grant is None:
                if once_a_minute(f"bad-token:{key[:8]}"):
                    security_event(request, SecurityEventKind.TOKEN_REJECTED, token=key[:8])
                return JsonResponse({"detail": _("令牌无效或已过期")}, status=401)
            _used(request, grant)
            if grant.read_only and request.method not in _SAFE_METHODS:
                user = get_user_model().objects.filter(pk=grant.user_id).first()
                security_event(request, SecurityEventKind.PERMISSION_DENIED, user=user,
                               method=request.method, reason="read-only token")
                return JsonResponse({"detail": _("只读令牌不能修改数据")}, status=403)
            request.token_user_id = grant.user_id
            request._dont_enforce_csrf_checks = True  # token callers are not browsers
            request._cached_user = SimpleLazyObject(
                lambda: get_user_model().objects.get(pk=grant.user_id)
            )
        return self.get_response(request)
