"""The EDR collections' operations in the OGC API's OpenAPI document (ADR 0016).

pygeoapi's EDR generator writes its summaries from untranslated language structs,
points at schemas on the internet, advertises `z` and an `items` query we route to the
features, and documents `/items/{featureId}` as a Feature where an EDR collection's item
is a sensor's series. Each EDR collection's operations are written here as served
(layers/ogc/urls.py, layers/ogc/views.edr_query).
"""

from __future__ import annotations

from layers.ogc.edr import edr_collections

_REF = "#/components/{}/{}"
_ANSWERS = {"200": {"$ref": _REF.format("responses", "EDRData")},
            "400": {"$ref": _REF.format("responses", "InvalidParameter")},
            "404": {"$ref": _REF.format("responses", "NotFound")}}


def _param(name: str) -> dict:
    return {"$ref": _REF.format("parameters", name)}


def _query(collection: str, summary: str, operation_id: str, first: list[dict]) -> dict:
    return {"get": {
        "summary": summary, "tags": [collection], "operationId": operation_id,
        "parameters": [*first, _param("datetime"), _param("parameter-name"),
                       _param("edr-limit"), _param("edr-f"), _param("lang")],
        "responses": dict(_ANSWERS),
    }}


def edr_paths(document: dict, resources: dict) -> None:
    """Replace the EDR collections' query operations with what answers."""
    paths = document["paths"]
    for collection in edr_collections():
        if collection.id not in resources:
            continue
        base = f"/collections/{collection.id}"
        for suffix in ("/cube", "/radius", "/trajectory", "/corridor", "/instances"):
            paths.pop(base + suffix, None)
        paths[f"{base}/position"] = _query(
            collection.id, "Series at a point: the nearest place within 50 m",
            f"queryPosition_{collection.id}", [_param("positionCoords")])
        paths[f"{base}/area"] = _query(
            collection.id, "Series of the places inside a polygon",
            f"queryArea_{collection.id}", [_param("areaCoords")])
        paths[f"{base}/items/{{featureId}}"] = _query(
            collection.id, "The series of one item (a sensor)",
            f"getItemSeries_{collection.id}", [_param("featureId")])
        paths[f"{base}/locations/{{locId}}"] = _query(
            collection.id, "The series of one location (a sensor)",
            f"queryLocation_{collection.id}", [_param("locId")])
        items = paths.get(f"{base}/items", {}).get("get")
        if items is not None:
            items["parameters"].append(_param("parameter-name"))
            paths[f"{base}/locations"] = {"get": {
                **items, "operationId": f"getLocations_{collection.id}",
                "summary": "The locations (sensors) as features"}}
