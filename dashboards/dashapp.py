"""The Dash app class every dashboard uses: offline assets, Django's CSRF, per-request title,
the request's CSP nonce on Dash's own inline scripts."""

from __future__ import annotations

import re
from pathlib import Path

import dash
from django.conf import settings
from django.utils.html import escape
from django.utils.translation import get_language

from dashboards.bridge import current_request

ASSETS = Path(__file__).resolve().parent / "assets"
_INLINE_SCRIPT = re.compile(r"<script((?![^>]*\bsrc=)[^>]*)>")  # a <script> tag without src


class DjangoDash(dash.Dash):
    """A Dash app whose page title and `lang` follow the Django request's language."""

    def __init__(self, *, page_title, **kwargs) -> None:
        super().__init__(**kwargs)
        self.page_title = page_title  # lazy: translated per request

    def interpolate_index(self, **kwargs) -> str:
        kwargs["title"] = str(self.page_title)
        # Dash writes the renderer's start and any clientside callbacks inline: give those
        # tags (Dash's own, not data) the nonce of the Django request serving the page.
        request = current_request()
        if request is not None and hasattr(request, "csp_nonce"):
            nonce = f' nonce="{escape(str(request.csp_nonce))}"'
            for part in ("scripts", "renderer"):
                kwargs[part] = _INLINE_SCRIPT.sub(lambda m: f"<script{m[1]}{nonce}>",
                                                  kwargs[part])
        html = super().interpolate_index(**kwargs)
        return html.replace("<html>", f'<html lang="{get_language() or "zh-hans"}">', 1)


def make_dash(base_path: str, *, page_title) -> DjangoDash:
    """A Dash app served at `base_path` from this package's assets, fully offline."""
    header = settings.CSRF_HEADER_NAME.removeprefix("HTTP_").replace("_", "-")
    return DjangoDash(
        page_title=page_title,
        name="dashboards",
        url_base_pathname=base_path,
        assets_folder=str(ASSETS),
        serve_locally=True,          # component suites come from the installed packages
        compress=False,
        update_title=None,
        use_async=False,             # callbacks run in the Django thread (ORM is sync-only)
        csrf_token_name=settings.CSRF_COOKIE_NAME,   # Django's CSRF check stays on
        csrf_header_name=header,
    )
