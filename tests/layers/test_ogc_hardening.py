"""OGC API: any language tag negotiates to zh-Hans or English; no parameter causes a 5xx."""

from __future__ import annotations

import json

import pytest
from django.utils import translation

from registry.enterprises.layers import Enterprises

ITEMS = "/ogc/collections/divisions/items"


def english_title() -> str:
    with translation.override("en"):
        return str(Enterprises.title)


# (query, Accept-Language header, expected language): Chrome/Edge in China send the first
ASKED = [
    ("", "zh-CN,zh;q=0.9", "zh-Hans"),
    ("", "zh-Hant", "zh-Hans"),
    ("", "zh-TW,zh;q=0.8,en;q=0.5", "zh-Hans"),
    ("", "fr", "zh-Hans"),
    ("", "fr-CH, fr;q=0.9, en;q=0.8", "en"),
    ("", "en-GB", "en"),
    ("", "*", "zh-Hans"),
    ("", "!!;q=x", "zh-Hans"),
    ("lang=zh", "en", "zh-Hans"),
    ("lang=zh-CN", "", "zh-Hans"),
    ("lang=AAA", "", "zh-Hans"),
    ("lang=AAA", "en", "en"),
    ("lang=en-US", "zh-CN", "en"),
    ("lang=%E4%B8%AD", "", "zh-Hans"),
]


@pytest.mark.parametrize("query,header,lang", ASKED)
def test_every_language_tag_negotiates(client, world, query, header, lang):
    extra = {"HTTP_ACCEPT_LANGUAGE": header} if header else {}
    auth = {"HTTP_AUTHORIZATION": f"Token {world.tokens['admin']}"}
    for path in (f"{ITEMS}?f=json&limit=1", "/ogc/", "/ogc/collections/enterprises",
                 "/ogc/conformance", f"{ITEMS}/320000000000"):
        sep = "&" if "?" in path else "?"
        response = client.get(f"{path}{sep}{query}" if query else path, **extra, **auth)
        assert response.status_code == 200, (path, response.content[:300])
        assert response["Content-Language"] == lang
    title = client.get(f"/ogc/collections/enterprises?{query}", **extra, **auth).json()["title"]
    assert title == ("企业" if lang == "zh-Hans" else english_title())


@pytest.mark.parametrize("header", ["zh-CN,zh;q=0.9", "fr", "zh-Hant"])
def test_html_pages_in_zh_hans(client, world, header):
    for path in ("/ogc/?f=html", "/ogc/collections?f=html", f"{ITEMS}?f=html&limit=1",
                 "/ogc/collections/divisions?f=html"):
        response = client.get(path, HTTP_ACCEPT_LANGUAGE=header)
        assert response.status_code == 200, path
        assert response["Content-Language"] == "zh-Hans"
        html = response.content.decode()
        assert '<html lang="zh"' in html
        assert "安全生产监管地理信息平台 OGC API" in html


@pytest.mark.parametrize("query,name", [
    ("name=%00", "'name'"), ("division_code=%00", "'division_code'"), ("q=%00", "'q'"),
    ("q=a%00b", "'q'"), ("%00=1", "'\\x00'"), ("sortby=name%00", "'sortby'"),
])
def test_nul_byte_is_a_400_naming_the_parameter(client, world, query, name):
    response = client.get(f"{ITEMS}?{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "InvalidParameterValue"
    assert body["description"] == f"{name}: contains a NUL byte"


def test_nul_byte_in_an_item_id_is_a_400(client, world):
    assert client.get(f"{ITEMS}/3200%00").status_code == 400


@pytest.mark.parametrize("offset", ["9223372036854775808", "99999999999999999999999",
                                    "9223372036854775807"])
def test_offset_past_bigint_is_a_400(client, world, offset):
    response = client.get(f"{ITEMS}?offset={offset}")
    assert response.status_code == 400
    assert response.json()["description"].startswith("offset: must be at most ")


def test_large_offset_within_bigint_is_an_empty_page(client, world):
    response = client.get(f"{ITEMS}?offset=9000000000000000000")
    assert response.status_code == 200
    assert response.json()["features"] == []


def test_html_pages_of_two_audiences_do_not_share_a_config(client, world):
    """pygeoapi caches the translated config per locale only: after an anonymous HTML page
    a signed-in caller's collection page rendered with the public config and answered 500."""
    assert client.get("/ogc/collections/divisions?f=html").status_code == 200
    auth = {"HTTP_AUTHORIZATION": f"Token {world.tokens['county_a']}"}
    page = client.get("/ogc/collections/enterprises?f=html", **auth)
    assert page.status_code == 200
    assert client.get("/ogc/collections/divisions?f=html").status_code == 200


def test_empty_json_ld_page_is_json(client, world):
    """pygeoapi's items template left a trailing comma when a page had no features."""
    response = client.get(f"{ITEMS}?f=jsonld&bbox=10,10,11,11")
    assert response.status_code == 200
    page = json.loads(response.content)
    assert page["type"] == "FeatureCollection" and "features" not in page
    full = json.loads(client.get(f"{ITEMS}?f=jsonld&limit=2").content)
    assert len(full["features"]) == 2
