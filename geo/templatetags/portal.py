"""`{% portal_systems as systems %}`: the portal's links to the bureau's other systems for
the request's user (geo.portal), so the home's block needs nothing from its view."""

from django import template

from geo import portal

register = template.Library()


@register.simple_tag(takes_context=True)
def portal_systems(context) -> list[portal.PortalLink]:
    request = context.get("request")
    return portal.portal_systems(getattr(request, "user", None))
