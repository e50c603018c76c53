"""The committed layer catalogue (tests/layer_catalogue.json, `make catalogue`), for the
cross-cutting tests: they compare the faces with it instead of literal lists of layers."""

from __future__ import annotations

import json
from pathlib import Path

PATH = Path(__file__).with_name("layer_catalogue.json")
LAYERS: list[dict] = json.loads(PATH.read_text(encoding="utf-8"))["layers"]


def ids(*, public: bool | None = None) -> list[str]:
    """Layer ids in registry order; only the public (or only the non-public) ones if asked."""
    return [layer["id"] for layer in LAYERS if public is None or layer["public"] is public]


def by_id(layer_id: str) -> dict:
    return next(layer for layer in LAYERS if layer["id"] == layer_id)
