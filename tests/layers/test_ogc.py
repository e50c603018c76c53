"""OGC API - Features at /ogc/ through Django's test client (real PostGIS, world fixture)."""

from __future__ import annotations

import pyproj
import pytest
from django.utils import translation

from registry.enterprises.layers import Enterprises
from tests import catalogue

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG = "http://www.opengis.net/def/crs/EPSG/0/"
ITEMS = "/ogc/collections/enterprises/items"


def get(client, url, token=None, **extra):
    if token:
        extra["HTTP_AUTHORIZATION"] = f"Token {token}"
    return client.get(url, **extra)


def names(body) -> list[str]:
    return [f["properties"]["name"] for f in body["features"]]


def link(body, rel) -> str | None:
    hrefs = [x["href"] for x in body["links"] if x["rel"] == rel]
    return hrefs[0] if hrefs else None


def test_landing_page_and_conformance(client, world):
    body = get(client, "/ogc/").json()
    rels = {x["rel"] for x in body["links"]}
    assert {"self", "conformance", "data", "service-desc"} <= rels
    assert body["title"] == "安全生产监管地理信息平台 OGC API"
    conforms = set(get(client, "/ogc/conformance").json()["conformsTo"])
    for cls in ("ogcapi-features-1/1.0/conf/core", "ogcapi-features-1/1.0/conf/geojson",
                "ogcapi-features-1/1.0/conf/oas30", "ogcapi-features-1/1.0/conf/html",
                "ogcapi-features-2/1.0/conf/crs"):
        assert f"http://www.opengis.net/spec/{cls}" in conforms


def test_openapi_document(client, world):
    response = get(client, "/ogc/openapi", world.tokens["admin"])
    assert response.status_code == 200
    assert "/collections/enterprises/items" in response.json()["paths"]


def test_collections_from_registry_with_data_extent(client, world):
    body = get(client, "/ogc/collections", world.tokens["admin"]).json()
    by_id = {c["id"]: c for c in body["collections"]}
    assert {"divisions", "enterprises", "grid_cells"} <= set(by_id)
    ent = by_id["enterprises"]
    assert ent["title"] == "企业"
    points = [e.geom for e in world.enterprises_a + world.enterprises_b]
    expected = [min(p.x for p in points), min(p.y for p in points),
                max(p.x for p in points), max(p.y for p in points)]
    assert ent["extent"]["spatial"]["bbox"] == [pytest.approx(expected, abs=1e-9)]
    assert ent["storageCrs"] == CRS84
    assert set(ent["crs"]) == {CRS84, EPSG + "4326", EPSG + "4490", EPSG + "3857"}
    divisions = by_id["divisions"]["extent"]["spatial"]["bbox"]
    assert divisions == [[118.0, 32.0, 119.0, 32.5]]


def test_language_from_query_and_header(client, world):
    with translation.override("en"):
        english = str(Enterprises.title)
    for extra, lang in (({}, "zh-Hans"), ({"HTTP_ACCEPT_LANGUAGE": "en"}, "en")):
        response = get(client, "/ogc/collections/enterprises", world.tokens["admin"], **extra)
        assert response["Content-Language"] == lang
        assert response.json()["title"] == ("企业" if lang == "zh-Hans" else english)
    response = get(client, "/ogc/collections/enterprises?lang=en", world.tokens["admin"])
    assert response["Content-Language"] == "en"
    assert response.json()["title"] == english


def test_anonymous_sees_public_layers_only(client, world):
    ids = [c["id"] for c in get(client, "/ogc/collections").json()["collections"]]
    assert ids == catalogue.ids(public=True)
    assert get(client, "/ogc/collections/enterprises").status_code == 404
    assert get(client, ITEMS).status_code == 404
    assert get(client, f"{ITEMS}/{world.enterprises_a[0].pk}").status_code == 404
    body = get(client, "/ogc/collections/divisions/items").json()
    assert body["numberMatched"] == 4
    assert sorted(f["id"] for f in body["features"]) == [
        "320000000000", "320100000000", "320101000000", "320102000000"]


def test_items_paging_with_next_and_prev_links(client, world):
    token = world.tokens["admin"]
    body = get(client, f"{ITEMS}?limit=3", token).json()
    assert (body["numberMatched"], body["numberReturned"]) == (8, 3)
    ids = sorted(e.pk for e in world.enterprises_a + world.enterprises_b)
    assert [f["id"] for f in body["features"]] == ids[:3]
    assert link(body, "next") == f"http://127.0.0.1:8000{ITEMS}?offset=3&limit=3"
    assert link(body, "prev") is None
    body = get(client, f"{ITEMS}?limit=3&offset=6", token).json()
    assert (body["numberMatched"], body["numberReturned"]) == (8, 2)
    assert [f["id"] for f in body["features"]] == ids[6:]
    assert link(body, "next") is None
    assert link(body, "prev") == f"http://127.0.0.1:8000{ITEMS}?offset=3&limit=3"


def test_feature_content(client, world):
    ent = world.enterprises_a[0]
    body = get(client, f"{ITEMS}/{ent.pk}", world.tokens["admin"]).json()
    assert body["type"] == "Feature"
    assert body["id"] == ent.pk
    assert body["geometry"] == {"type": "Point", "coordinates": [118.15, 32.12]}
    assert body["properties"] == {
        "name": "测试化工1号有限公司", "credit_code": ent.credit_code, "industry": "C2614",
        "risk_level": 2, "division_code": "320101001001", "address": "测试路1号",
        "has_major_hazard": True, "status": "registered",
    }


def test_bbox_and_bbox_crs(client, world):
    token = world.tokens["admin"]
    body = get(client, f"{ITEMS}?bbox=118.0,32.0,118.5,32.5", token).json()
    assert body["numberMatched"] == 5
    assert sorted(names(body)) == sorted(e.name for e in world.enterprises_a)
    to_3857 = pyproj.Transformer.from_crs(4326, 3857, always_xy=True)
    (x0, x1), (y0, y1) = to_3857.transform([118.62, 118.72], [32.0, 32.5])
    url = f"{ITEMS}?bbox={x0},{y0},{x1},{y1}&bbox-crs={EPSG}3857"
    body = get(client, url, token).json()
    assert sorted(names(body)) == ["测试化工11号有限公司", "测试化工12号有限公司"]


def test_property_filter_and_sortby(client, world):
    token = world.tokens["admin"]
    body = get(client, f"{ITEMS}?risk_level=1", token).json()
    assert sorted(names(body)) == ["测试化工12号有限公司", "测试化工4号有限公司"]
    assert body["numberMatched"] == 2
    body = get(client, f"{ITEMS}?has_major_hazard=false&division_code=320102001001", token)
    assert names(body.json()) == ["测试化工11号有限公司"]
    body = get(client, f"{ITEMS}?sortby=-risk_level,+name&limit=4", token).json()
    assert [(f["properties"]["risk_level"], f["properties"]["name"]) for f in body["features"]] == [
        (4, "测试化工11号有限公司"), (4, "测试化工3号有限公司"),
        (3, "测试化工2号有限公司"), (2, "测试化工13号有限公司")]
    body = get(client, f"{ITEMS}?sortby=name&limit=2", token).json()
    assert names(body) == ["测试化工11号有限公司", "测试化工12号有限公司"]


def test_output_crs(client, world):
    token = world.tokens["admin"]
    ent = world.enterprises_a[0]
    response = get(client, f"{ITEMS}/{ent.pk}?crs={EPSG}3857", token)
    assert response["Content-Crs"] == f"<{EPSG}3857>"
    x, y = pyproj.Transformer.from_crs(4326, 3857, always_xy=True).transform(118.15, 32.12)
    assert response.json()["geometry"]["coordinates"] == [round(x, 3), round(y, 3)]
    assert [round(x, 3), round(y, 3)] == [13152397.837, 3779072.82]
    response = get(client, f"{ITEMS}?crs={EPSG}4326&bbox=118.1,32.1,118.16,32.13", token)
    assert response["Content-Crs"] == f"<{EPSG}4326>"
    assert response.json()["features"][0]["geometry"]["coordinates"] == [32.12, 118.15]
    response = get(client, f"{ITEMS}?crs={EPSG}4490&limit=1", token)
    assert response["Content-Crs"] == f"<{EPSG}4490>"
    assert response.json()["features"][0]["geometry"]["coordinates"] == [32.12, 118.15]
    response = get(client, f"{ITEMS}?limit=1", token)
    assert response["Content-Crs"] == f"<{CRS84}>"
    assert response.json()["features"][0]["geometry"]["coordinates"] == [118.15, 32.12]


@pytest.mark.parametrize("query,message", [
    ("limit=abc", "limit value should be an integer"),
    ("limit=0", "limit value should be strictly positive"),
    ("offset=-1", "offset value should be positive or zero"),
    ("bbox=1,2,3", "bbox should be either 4 values"),
    ("bbox=a,b,c,d", "bbox values must be numbers"),
    ("bbox=0,10,1,5", "miny should be less than maxy"),
    ("risk_level=high", "risk_level: 'high' is not a valid integer"),
    ("sortby=nope", "bad sort property"),
    (f"crs={EPSG}2000", "not supported for this collection"),
])
def test_bad_requests_are_400_with_a_message(client, world, query, message):
    response = get(client, f"{ITEMS}?{query}", world.tokens["admin"])
    assert response.status_code == 400
    assert message in response.json()["description"]


def test_not_found(client, world):
    token = world.tokens["admin"]
    assert get(client, "/ogc/collections/nope", token).status_code == 404
    assert get(client, "/ogc/collections/nope/items", token).status_code == 404
    assert get(client, f"{ITEMS}/999999", token).status_code == 404
    assert get(client, f"{ITEMS}/not-a-number", token).status_code == 404


def test_html_pages_render(client, world):
    token = world.tokens["admin"]
    for url in ("/ogc/?f=html", "/ogc/collections?f=html", "/ogc/conformance?f=html",
                f"{ITEMS}?f=html", f"{ITEMS}/{world.enterprises_a[0].pk}?f=html"):
        response = get(client, url, token)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("text/html")
    page = get(client, f"{ITEMS}?f=html&limit=20", token).content.decode()
    assert "测试化工13号有限公司" in page
    assert get(client, "/ogc/static/css/default.css").status_code == 200


def test_county_b_sees_none_of_county_a(client, world):
    token = world.tokens["county_b"]
    body = get(client, f"{ITEMS}?limit=100", token).json()
    assert (body["numberMatched"], body["numberReturned"]) == (3, 3)
    assert sorted(names(body)) == sorted(e.name for e in world.enterprises_b)
    body = get(client, f"{ITEMS}?bbox=118.0,32.0,118.5,32.5", token).json()
    assert (body["numberMatched"], body["numberReturned"]) == (0, 0)
    body = get(client, f"{ITEMS}?limit=1&offset=1", token).json()
    assert (body["numberMatched"], body["numberReturned"]) == (3, 1)
    for ent in world.enterprises_a:
        assert get(client, f"{ITEMS}/{ent.pk}", token).status_code == 404
    assert get(client, f"{ITEMS}/{world.enterprises_b[0].pk}", token).status_code == 200


def test_enterprise_user_and_query_token(client, world):
    body = client.get(f"{ITEMS}?token={world.tokens['enterprise']}").json()
    assert names(body) == ["测试化工1号有限公司"]
    assert body["numberMatched"] == 1
    assert client.get(f"{ITEMS}?token=wrong").status_code == 401
