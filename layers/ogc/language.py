"""Which of the OGC API's two languages (zh-Hans, English) a request gets.

pygeoapi's own negotiation drops the script of `zh-Hans` when it matches a bare `zh`
(`zh-CN`, `zh-Hant`, `?lang=zh`) or falls back on an unknown tag (`fr`, `?lang=AAA`), and
then fails looking `zh` up in the language structs (a 500). So the view decides here, with
Django's own matching, and hands pygeoapi one of its configured locales exactly.
`?lang=` wins when it names a supported language; otherwise the language Django's
LocaleMiddleware picked for the request (cookie, Accept-Language, then zh-Hans).
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import translation

from layers.ogc.config import LANGUAGES

_TAG = {code: tag for tag, code in LANGUAGES.items()}  # Django code -> pygeoapi tag
DEFAULT = next(iter(LANGUAGES))


def request_language(request: HttpRequest) -> str:
    """The pygeoapi language tag (a key of config.LANGUAGES) for this request."""
    asked = request.GET.get("lang", "")
    for candidate in (asked, translation.get_language() or ""):
        tag = _supported(candidate)
        if tag is not None:
            return tag
    return DEFAULT


def _supported(raw: str) -> str | None:
    if not raw or len(raw) > 64 or not raw.isprintable():
        return None
    try:
        code = translation.get_supported_language_variant(raw.strip().lower())
    except LookupError:
        return None
    return _TAG.get(code)
