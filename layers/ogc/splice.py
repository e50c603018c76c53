"""GeoJSON pages spliced into pygeoapi's response text, without a Python JSON round trip.

PostGIS already returns a whole items page as one JSON array text (`layers.ogc.sql`).
For f=json, parsing it into 1,000 dicts only for pygeoapi to serialise them again costs
more than everything else Python does for the request. So, while the view holds a
`PageSplice` open, the provider hands the page text to it and gives pygeoapi a list of
as many short placeholders as there are features (pygeoapi only counts them, for the
`next` link); once pygeoapi has built the response, `PageSplice.apply` swaps the
serialised placeholder list for the page text. Every other format (HTML, JSON-LD, CSV)
gets parsed features as before, and the page comes from the same statement either way.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

# Unguessable per process, so no property value or query string can forge it.
_MARK = f"safeatlas-page-{secrets.token_hex(16)}"


class PageSplice:
    """One response's page text, held until pygeoapi has serialised the rest."""

    def __init__(self) -> None:
        self.text: str | None = None
        self.count = 0

    def features(self, text: str, count: int) -> list[str]:
        """Keep the page text; the placeholder list pygeoapi gets in its place."""
        self.text, self.count = text, count
        return [_MARK] * count

    def apply(self, content: str) -> str:
        """`content` with the placeholder list replaced by the page text."""
        if self.text is None or self.count == 0:
            return content
        placeholder = json.dumps([_MARK] * self.count, separators=(",", ":"))
        head, found, tail = content.partition(placeholder)
        if not found:  # pygeoapi answered something else (an error): nothing to splice
            return content
        return head + self.text + tail


_splice: ContextVar[PageSplice | None] = ContextVar("ogc_page_splice", default=None)


def current_splice() -> PageSplice | None:
    """The open splice of this request, or None when features must be parsed."""
    return _splice.get()


@contextmanager
def page_spliced() -> Iterator[PageSplice]:
    """Let the provider hand its page text over for the duration of the block."""
    splice = PageSplice()
    token = _splice.set(splice)
    try:
        yield splice
    finally:
        _splice.reset(token)
