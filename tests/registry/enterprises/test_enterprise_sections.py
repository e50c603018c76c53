"""The enterprise section registry (registry/enterprises/sections.py): slices' sections are
discovered without the hub naming them, shown in order on the one-enterprise file page and
in its table of contents, a section returning None is left out, and each contribution's
overlays are drawn on the one site map."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.utils import timezone

from geo.slices import slice_modules_import
from layers.maps import Dot
from registry.enterprises import sections
from registry.enterprises.sections import Contribution, FileRequest, enterprise_section
from tests.page_maps import features_of, page_map_config

HUB_TOC = ["#basic", "#people", "#managers", "#trainings", "#investments"]


@pytest.fixture
def registry_copy(monkeypatch):
    """The real sections, discovered, in a registry the test may add to."""
    sections.enterprise_sections()
    monkeypatch.setattr(sections, "_sections", sections._sections.copy())


@pytest.fixture
def extra_template(settings, tmp_path):
    (tmp_path / "extra.html").write_text(
        '<section class="card" id="extra"><h2>附加</h2><p id="extra-text">{{ text }}</p>'
        "</section>", encoding="utf-8")
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], tmp_path]}]
    return "extra.html"


def test_slices_register_their_sections():
    # the hub's own sections.py (the registry itself) is found too and registers nothing
    assert slice_modules_import("sections") == [
        "enforcement.cases.sections", "enforcement.dangers.sections",
        "enforcement.inspections.sections", "enforcement.risk.sections",
        "registry.enterprises.sections", "registry.floorplans.sections",
        "registry.hazards.sections", "registry.licences.sections",
        "registry.resources.sections"]
    assert [(s.order, s.anchor, str(s.title), s.template)
            for s in sections.enterprise_sections()] == [
        (10, "licences", "证照", "registry/licences/_enterprise_section.html"),
        (20, "hazards", "重大危险源", "registry/hazards/_enterprise_section.html"),
        (25, "risk", "风险分级管控", "enforcement/risk/_enterprise_section.html"),
        (30, "resources", "周边应急资源", "registry/resources/_enterprise_section.html"),
        (40, "plans", "厂区平面图", "registry/floorplans/_enterprise_section.html"),
        (50, "dangers", "隐患排查治理", "enforcement/dangers/_enterprise_section.html"),
        (55, "inspections", "现场检查", "enforcement/inspections/_enterprise_section.html"),
        (60, "cases", "行政处罚案件", "enforcement/cases/_enterprise_section.html")]


def test_registered_section_shows_in_order_and_none_is_left_out(world, registry_copy,
                                                                extra_template):
    ent = world.enterprises_a[1]
    seen: list[FileRequest] = []

    @enterprise_section(15, "附加", anchor="extra", template=extra_template)
    def extra(file: FileRequest) -> Contribution:
        seen.append(file)
        return Contribution(context={"text": f"给{file.enterprise.name}"},
                            dots=[Dot(118.25, 32.25, "#123456", "附加点")])

    @enterprise_section(5, "空", anchor="nothing", template="no/such/template.html")
    def nothing(file: FileRequest) -> None:
        return None

    client = Client()
    client.force_login(world.users["province"])
    r = client.get(f"/enterprises/{ent.pk}/")
    assert r.status_code == 200
    html = r.content.decode()
    toc = re.search(r'<nav class="toc">(.*?)</nav>', html, re.S).group(1)
    assert re.findall(r'href="([^"]+)"', toc) == [
        *HUB_TOC, "#licences", "#extra", "#hazards", "#risk", "#resources", "#plans",
        "#dangers", "#inspections", "#history"]
    assert re.findall(r'<a href="#extra">([^<]+)</a>', toc) == ["附加"]
    assert re.findall(r'<section class="card" id="([\w-]+)"', html) == [
        "map", "basic", "people", "supervision", "managers", "trainings", "investments",
        "licences", "extra", "hazards", "risk", "resources", "plans", "dangers",
        "inspections", "history"]
    assert f'<p id="extra-text">给{ent.name}</p>' in html
    assert "nothing" not in html and "空" not in toc
    # the contribution's dot is on the one site map
    assert html.count('class="page-map"') == 1
    dot = {"type": "Point", "coordinates": [118.25, 32.25]}
    assert ("附加点", "#123456", dot) in features_of(page_map_config(html, "site-map"), "dot")
    [file] = seen
    assert (file.enterprise.pk, file.user, file.scope.prefix, file.today) == (
        ent.pk, world.users["province"], "32", timezone.localdate())


def test_an_anchor_is_registered_once(registry_copy):
    with pytest.raises(ImproperlyConfigured, match="'hazards' is registered twice"):
        enterprise_section(99, "又一个", anchor="hazards", template="x.html")(lambda f: None)
