"""The OGC API's OpenAPI document: pygeoapi's generator, then our amendments, then bundling.

pygeoapi describes operations it does not serve here (`/jobs*`, OPTIONS) and points at
schemas on the internet. We keep only the GET operations our URLconf answers, describe the
parameters our provider adds (CQL2 `filter`, nearest-N), give each operation the response
it really sends, and rewrite every external `$ref` onto the components shipped in
`openapi-components.yaml`, so the document validates on a machine without internet.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import yaml
from pygeoapi.openapi import get_oas

from layers.base import registry
from layers.ogc import near
from layers.ogc.edr_openapi import edr_paths

COMPONENTS_FILE = Path(__file__).with_name("openapi-components.yaml")
_SERVED_TAGS = {"server", "features"}
_REF = re.compile(r'"\$ref":\s*"([^"]+)"')


def openapi_document(config: dict) -> dict:
    """The self-contained OpenAPI 3.0 document for a pygeoapi `config`."""
    document = get_oas(config, fail_on_invalid_collection=False)
    _keep_served(document, set(config["resources"]))
    edr_paths(document, config["resources"])
    _add_parameters(document, config["resources"])
    _fix_responses(document)
    document["security"] = [{}, {"token": []}]  # anonymous (public layers) or a token
    return bundled(document)


def _keep_served(document: dict, collections: set[str]) -> None:
    """Only GET operations on paths our URLconf routes (layers/ogc/urls.py)."""
    paths = document["paths"]
    for path in list(paths):
        if path.startswith("/jobs") or path.startswith("/processes"):
            del paths[path]
            continue
        for method in list(paths[path]):
            if method in ("options", "delete", "post", "put", "patch"):
                del paths[path][method]
    document["tags"] = [tag for tag in document.get("tags", [])
                        if tag["name"] in _SERVED_TAGS | collections]


def _add_parameters(document: dict, resources: dict) -> None:
    """CQL2 filtering on every collection; nearest-N on point layers."""
    cql = [{"$ref": f"#/components/parameters/{name}"}
           for name in ("filter", "filter-lang", "filter-crs")]
    for layer_id in resources:
        operation = document["paths"].get(f"/collections/{layer_id}/items", {}).get("get")
        if operation is None:
            continue
        layer = registry.get(layer_id)
        if layer is None:  # an EDR collection (layers.ogc.edr_openapi)
            continue
        operation["parameters"] += cql
        if layer.geometry_type() == "Point":
            operation["parameters"] += near.openapi_parameters()


def _fix_responses(document: dict) -> None:
    """pygeoapi gives /conformance and /collections the landing page's response."""
    fixes = {"/conformance": "ConformanceDeclaration", "/collections": "Collections",
             "/openapi": "OpenAPI"}
    for path, name in fixes.items():
        operation = document["paths"].get(path, {}).get("get")
        if operation is not None:
            operation["responses"]["200"] = {"$ref": f"#/components/responses/{name}"}
    for path, item in document["paths"].items():
        operation = item.get("get")
        if operation is None:
            continue
        responses = operation["responses"]
        responses.pop("default", None)  # it would let any status code pass as documented
        # a bad token is refused before any view (geo.tokens)
        responses.setdefault("401", {"$ref": "#/components/responses/Unauthorized"})
        if path.endswith("/queryables") or path.endswith("/schema"):
            responses["200"] = {"$ref": "#/components/responses/Queryables"}


@functools.cache
def shipped_components() -> dict:
    return yaml.safe_load(COMPONENTS_FILE.read_text(encoding="utf-8"))


def local_ref(ref: str) -> str:
    """Where an external `$ref` points in our components, by kind and name.

    `…/ogcapi-features-1.yaml#/components/responses/Features` -> `#/components/responses/Features`;
    `…/openapi/parameters/sortby.yaml` -> `#/components/parameters/sortby`.
    """
    if ref.startswith("#"):
        return ref
    url, _, fragment = ref.partition("#")
    if fragment:
        return f"#{fragment}"
    parts = url.rstrip("/").split("/")
    return f"#/components/{parts[-2]}/{Path(parts[-1]).stem}"


def bundled(document: dict) -> dict:
    """`document` with every `$ref` local and only the components it uses."""
    text = _REF.sub(lambda m: f'"$ref": "{local_ref(m.group(1))}"',
                    json.dumps(document, ensure_ascii=False))
    document = json.loads(text)
    ours = shipped_components()
    components = document.setdefault("components", {})
    for kind, entries in ours.items():
        components.setdefault(kind, {}).update(entries)
    _drop_unused(document)
    missing = [ref for ref in _refs(document) if _resolve(document, ref) is None]
    if missing:
        raise ValueError(f"OpenAPI $refs with no component: {sorted(set(missing))}")
    return document


def _refs(node) -> list[str]:
    return _REF.findall(json.dumps(node, ensure_ascii=False))


def _resolve(document: dict, ref: str):
    node = document
    for part in ref.removeprefix("#/").split("/"):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _drop_unused(document: dict) -> None:
    """Drop components nothing refers to (reached from paths, transitively)."""
    components = document["components"]
    used: set[str] = set()
    todo = _refs(document["paths"])
    while todo:
        ref = todo.pop()
        if ref in used:
            continue
        used.add(ref)
        target = _resolve(document, ref)
        if target is not None:
            todo += _refs(target)
    for kind, entries in components.items():
        if kind == "securitySchemes":  # named by `security`, not by $ref
            continue
        for name in list(entries):
            if f"#/components/{kind}/{name}" not in used:
                del entries[name]
