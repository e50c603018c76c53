"""English catalogue: complete, not fuzzy, and actually used by pages and the OGC API.

msgids are Chinese (zh-Hans is the default language), so only `en` needs msgstrs.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from layers.ogc.service import forget_apis
from tests import catalogue

EN_PO = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|%[-#0 +]*\d*(?:\.\d+)?"
                         r"[diouxXeEfFgGcrsa]|\{[^{}]*\}|&[a-zA-Z]+;|&#\d+;")


@dataclass
class Entry:
    flags: set[str] = field(default_factory=set)
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)


def parse_po(path: Path) -> list[Entry]:
    """Just enough of the PO grammar for Django's catalogues (obsolete `#~` entries skipped)."""
    entries: list[Entry] = []
    entry, target = Entry(), None

    def flush():
        nonlocal entry, target
        if target is not None:
            entries.append(entry)
        entry, target = Entry(), None

    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("#,"):
            if target is not None and target[0] in ("msgstr", "msgstr_n"):
                flush()
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            if target is not None and target[0] in ("msgstr", "msgstr_n"):
                flush()
        elif line.startswith("msgid_plural "):
            entry.msgid_plural = ast.literal_eval(line[len("msgid_plural "):])
            target = ("msgid_plural", None)
        elif line.startswith("msgid "):
            if target is not None:
                flush()
            entry.msgid = ast.literal_eval(line[len("msgid "):])
            target = ("msgid", None)
        elif line.startswith("msgstr["):
            index, _, text = line[len("msgstr["):].partition("] ")
            entry.msgstr[int(index)] = ast.literal_eval(text)
            target = ("msgstr_n", int(index))
        elif line.startswith("msgstr "):
            entry.msgstr[0] = ast.literal_eval(line[len("msgstr "):])
            target = ("msgstr", 0)
        elif line.startswith('"') and target is not None:
            text = ast.literal_eval(line)
            kind, index = target
            if kind == "msgid":
                entry.msgid += text
            elif kind == "msgid_plural":
                entry.msgid_plural += text
            else:
                entry.msgstr[index] += text
    flush()
    return entries


@pytest.fixture(scope="module")
def en_entries() -> list[Entry]:
    entries = parse_po(EN_PO)
    assert entries and entries[0].msgid == "", "the catalogue starts with its header"
    return entries


def test_en_catalogue_has_no_untranslated_entries(en_entries):
    messages = en_entries[1:]
    assert len(messages) > 50
    untranslated = [e.msgid for e in messages
                    if not e.msgstr or any(not text for text in e.msgstr.values())
                    or (e.msgid_plural is not None and len(e.msgstr) < 2)]
    assert untranslated == []


def test_en_catalogue_has_no_fuzzy_entries(en_entries):
    assert [e.msgid or "<header>" for e in en_entries if "fuzzy" in e.flags] == []


def test_en_catalogue_keeps_placeholders(en_entries):
    def found(text):
        return sorted(PLACEHOLDER.findall(text))

    changed = [e.msgid for e in en_entries[1:]
               for text in e.msgstr.values() if found(text) != found(e.msgid)]
    assert changed == []


def test_en_catalogue_is_compiled():
    """The .mo Django reads is the .po's translation, not a stale or missing file."""
    with translation.override("en"):
        assert translation.gettext("安全图谱") == "SafeAtlas"
        assert translation.gettext("行政区划") == "Administrative divisions"


HOME_ZH = "安全图谱：安全生产监管与应急管理平台"
HOME_EN = "SafeAtlas: work safety supervision and emergency management platform"


def test_home_is_chinese_by_default(db):
    response = Client().get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "安全图谱" in body and HOME_ZH in body
    assert HOME_EN not in body
    assert '<html lang="zh-hans">' in body


def test_home_in_english_from_accept_language(db):
    response = Client().get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    body = response.content.decode()
    assert HOME_EN in body
    assert "One Map" in body and "Layers and export" in body
    assert "安全图谱" not in body
    assert '<html lang="en">' in body


def test_home_in_english_after_set_language(db):
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    body = client.get("/").content.decode()
    assert HOME_EN in body and "安全图谱" not in body
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert HOME_ZH in client.get("/").content.decode()


@pytest.fixture
def fresh_apis():
    forget_apis()  # the per-process pygeoapi objects bake in titles and extents
    yield
    forget_apis()


def test_ogc_collection_titles_in_english(world, fresh_apis):
    client = Client()
    english = client.get("/ogc/collections?f=json&lang=en")
    assert english.status_code == 200
    assert english["Content-Language"] == "en"
    titles = {c["id"]: c["title"] for c in english.json()["collections"]}
    assert titles["divisions"] == "Administrative divisions"
    assert titles == catalogue.collection_titles("en", public=True)

    chinese = client.get("/ogc/collections?f=json")
    assert chinese["Content-Language"] == "zh-Hans"
    titles = {c["id"]: c["title"] for c in chinese.json()["collections"]}
    assert titles["divisions"] == "行政区划"
    assert titles == catalogue.collection_titles("zh-Hans", public=True)

    token = world.tokens["admin"]
    everything = client.get("/ogc/collections?f=json&lang=en",
                            HTTP_AUTHORIZATION=f"Token {token}").json()
    titles = {c["id"]: c["title"] for c in everything["collections"]}
    assert titles["enterprises"] == "Enterprises"
    assert titles["grid_cells"] == "Supervision grid"
    assert titles == catalogue.collection_titles("en")
