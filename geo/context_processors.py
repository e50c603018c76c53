from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from geo.queues import header_counts


def inbox(request: HttpRequest) -> dict:
    """The header's counts — unread messages and the user's work queues (geo.queues) — in
    one query, made lazily: pages that don't show the header (and anonymous visitors)
    cost none, and a page reading both costs one."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    counts = SimpleLazyObject(lambda: header_counts(user))
    return {"header_counts": counts, "inbox_unread": lambda: counts.unread}
