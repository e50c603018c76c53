"""Personal API tokens: `Authorization: Token <key>` or `?token=<key>` (for map clients)."""

from __future__ import annotations

import hashlib
import secrets
import time

from django.contrib.auth import get_user_model
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from geo.models import ApiToken

_CACHE_SECONDS = 30.0
_digests: dict[str, tuple[float, int | None]] = {}


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def token_create(*, user, name: str) -> str:
    """Create a token and return its key; only the hash is stored, so show it once."""
    key = secrets.token_urlsafe(30)
    ApiToken.objects.create(user=user, name=name, prefix=key[:8], digest=_digest(key))
    return key


def token_user_id(key: str) -> int | None:
    """The active user behind a key, cached briefly so map clients cost no query per tile."""
    digest = _digest(key)
    now = time.monotonic()
    hit = _digests.get(digest)
    if hit and hit[0] > now:
        return hit[1]
    from django.db.models import Q
    from django.utils import timezone

    row = (
        ApiToken.objects.filter(digest=digest, user__is_active=True)
        .filter(Q(expires__isnull=True) | Q(expires__gt=timezone.now()))
        .values_list("user_id", flat=True)
        .first()
    )
    _digests[digest] = (now + _CACHE_SECONDS, row)
    return row


def cached_token_user_id(key: str) -> tuple[bool, int | None]:
    """(known, user id) from the cache only; known is False when it would take a query."""
    hit = _digests.get(_digest(key))
    if hit and hit[0] > time.monotonic():
        return True, hit[1]
    return False, None


def forget_tokens() -> None:
    _digests.clear()


def key_from_request(request) -> str | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header.startswith("Token "):
        return header[6:].strip()
    return request.GET.get("token") or None


class TokenAuthenticationMiddleware:
    """Sets `request.token_user_id`, and `request.user` lazily, for token callers.

    A bad token is a 401, not a silent anonymous request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = key_from_request(request)
        if key:
            user_id = token_user_id(key)
            if user_id is None:
                from django.http import JsonResponse

                return JsonResponse({"detail": _("令牌无效或已过期")}, status=401)
            request.token_user_id = user_id
            request._dont_enforce_csrf_checks = True  # token callers are not browsers
            request._cached_user = SimpleLazyObject(
                lambda: get_user_model().objects.get(pk=user_id)
            )
        return self.get_response(request)

