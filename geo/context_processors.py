from django.http import HttpRequest

from geo.messaging import unread_count


def inbox(request: HttpRequest) -> dict:
    """Unread message count for the header: read lazily, so pages that don't show the
    header (and anonymous visitors) cost no query."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"inbox_unread": lambda: unread_count(user)}
