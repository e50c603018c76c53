"""The bureau's other systems on the portal home (统一门户): the configured list
(settings.PORTAL_SYSTEMS, from the environment) and the applications registered for single
sign-on that the security administrator marked for the portal (geo.models.PortalSystem)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from oauth2_provider.models import get_application_model

from geo.models import PortalSystem


@dataclass(frozen=True)
class PortalLink:
    name: str
    url: str
    sso: bool  # the system signs its users in through SafeAtlas (ADR 0026)


def portal_systems(user) -> list[PortalLink]:
    """The links a signed-in user sees: configured entries that name no roles or the
    user's, then the marked applications; none for anonymous callers."""
    if user is None or not user.is_authenticated:
        return []
    configured = [item for item in settings.PORTAL_SYSTEMS
                  if not item.get("roles") or user.role in item["roles"]]
    asked = {item["client_id"] for item in configured if item.get("client_id")}
    registered = set(get_application_model().objects.filter(client_id__in=asked)
                     .values_list("client_id", flat=True)) if asked else set()
    links = [PortalLink(item["name"], item["url"], item.get("client_id") in registered)
             for item in configured]
    marked = PortalSystem.objects.select_related("application").exclude(
        application__client_id__in=registered)
    links += [PortalLink(row.application.name or row.url, row.url, True) for row in marked]
    return links
