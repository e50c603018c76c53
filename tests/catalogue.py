"""The committed layer catalogue (tests/layer_catalogue.json, `make catalogue`), for the
cross-cutting tests: they compare the faces with it instead of literal lists of layers."""

from __future__ import annotations

import json
from pathlib import Path

PATH = Path(__file__).with_name("layer_catalogue.json")
_CATALOGUE = json.loads(PATH.read_text(encoding="utf-8"))
LAYERS: list[dict] = _CATALOGUE["layers"]
EDR_COLLECTIONS: list[dict] = _CATALOGUE["edr_collections"]


def layers(*, public: bool | None = None) -> list[dict]:
    """Entries in registry order; only the public (or only the non-public) ones if asked."""
    return [layer for layer in LAYERS if public is None or layer["public"] is public]


def ids(*, public: bool | None = None) -> list[str]:
    return [layer["id"] for layer in layers(public=public)]


def titles(language: str, *, public: bool | None = None) -> dict[str, str]:
    """Layer id -> title in `language` ("zh-Hans" or "en")."""
    return {layer["id"]: layer["title"][language] for layer in layers(public=public)}


def collection_titles(language: str, *, public: bool | None = None) -> dict[str, str]:
    """OGC collection id -> title: every layer's, then the EDR collections' (ADR 0016)."""
    edr = {c["id"]: c["title"][language] for c in EDR_COLLECTIONS
           if public is None or c["public"] is public}
    return {**titles(language, public=public), **edr}


def by_id(layer_id: str) -> dict:
    return next(layer for layer in LAYERS if layer["id"] == layer_id)
