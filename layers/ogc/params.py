"""Query parameters the OGC views refuse with a 400 before pygeoapi sees them.

What reaches PostgreSQL must be storable there: a NUL byte in any text (`name=%00`,
`q=`, an item id) makes psycopg raise, and an `offset` past bigint overflows the query,
both 500s deep inside pygeoapi's handler. One check here covers every parameter of
every OGC page, including property filters added later.
"""

from __future__ import annotations

from django.http import HttpRequest

# OFFSET is a bigint; the provider adds the page size to it.
MAX_OFFSET = 2**63 - 1 - 100_000


def parameter_problem(request: HttpRequest, path_args: tuple = ()) -> str | None:
    """Why the request's parameters cannot be served, naming the parameter, or None."""
    for name, values in request.GET.lists():
        if "\x00" in name or any("\x00" in value for value in values):
            return f"{name!r}: contains a NUL byte"
    if any("\x00" in str(arg) for arg in path_args if arg is not None):
        return "path: contains a NUL byte"
    offset = request.GET.get("offset", "").strip()
    if offset.lstrip("+-").isdigit() and int(offset) > MAX_OFFSET:
        return f"offset: must be at most {MAX_OFFSET}"
    return None
