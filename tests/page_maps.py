"""Reading a page map (layers/maps.py) back out of a rendered page: the JSON of its
`data-map` attribute, which is everything layers/page_map.js draws."""

from __future__ import annotations

import json
import re
from html import unescape


def page_map_config(html: str, element_id: str) -> dict:
    [attribute] = re.findall(
        rf'<div id="{re.escape(element_id)}" class="page-map"[^>]*? data-map="([^"]*)"', html)
    return json.loads(unescape(attribute))


def features_of(config: dict, kind: str) -> list[tuple[str, str, dict]]:
    """(name, colour, geometry) of the features drawn as `kind` (shape, dot, outline)."""
    return [(f["properties"]["name"], f["properties"]["colour"], f["geometry"])
            for f in config["features"]["features"] if f["properties"]["kind"] == kind]
