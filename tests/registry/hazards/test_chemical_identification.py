"""Chemicals catalogue pages and unknown-chemical identification (未知化学品辨识)."""

from __future__ import annotations

import re
from html import unescape
from io import StringIO

import pytest
from django.core.management import call_command

from registry.hazards.identification import Observation, chemical_identify
from registry.hazards.models import Chemical


@pytest.fixture
def catalogue(db) -> None:
    call_command("load_chemicals", stdout=StringIO())


def _names(observation: Observation, n: int = 3) -> list[tuple[str, int]]:
    return [(c.chemical.name, c.score) for c in chemical_identify(observation)[:n]]


def test_yellow_green_pungent_gas_with_cough_is_chlorine(catalogue):
    best = chemical_identify(Observation("gas", "黄绿色", "刺激性", ("咳嗽",)))
    assert (best[0].chemical.name, best[0].score, best[0].matched, best[0].contradicted) == (
        "氯", 4, ["气体", "黄绿色", "刺激性", "咳嗽"], [])
    # the runners-up fit three observations and contradict the colour
    assert [(c.score, c.contradicted) for c in best[1:3]] == [(3, ["黄绿色"]), (3, ["黄绿色"])]


@pytest.mark.parametrize(("seen", "expected"), [
    (Observation("gas", "无色", "臭鸡蛋味", ("意识丧失",)), "硫化氢"),
    (Observation("", "", "苦杏仁味", ("抽搐", "呼吸心跳骤停")), "氰化氢"),
    (Observation("gas", "", "无味", ("头痛头晕", "口唇樱桃红")),
     "煤气（CO，CO和H₂、CH₄的混合物等）"),
    (Observation("gas", "红棕色", "", ("肺水肿",)), "二氧化氮"),
    (Observation("liquid", "", "酒精味", ("视物模糊",)), "甲醇"),
    (Observation("gas", "", "霉干草味", ()), "碳酰氯"),
])
def test_typical_pictures_rank_the_textbook_answer_first(catalogue, seen, expected):
    assert chemical_identify(seen)[0].chemical.name == expected


def test_nothing_observed_or_nothing_fits(catalogue):
    assert chemical_identify(Observation()) == []
    Chemical.objects.update(physical_state="")  # entries without observable data never rank
    assert chemical_identify(Observation("gas")) == []


def test_identify_page(client, world, catalogue):
    client.force_login(world.users["county_b"])
    empty = unescape(client.get("/hazards/chemicals/identify/?state=").content.decode())
    assert "请至少选择一项观察结果" in empty
    page = unescape(client.get("/hazards/chemicals/identify/", {
        "state": "gas", "colour": "黄绿色", "odour": "刺激性", "symptoms": ["咳嗽", "肺水肿"],
    }).content.decode())
    results = page[page.index('id="candidates"'):]
    assert results.index(">氯<") < results.index(">氨<")
    assert "吻合 5 项" in results and "吻合：气体、黄绿色、刺激性、咳嗽、肺水肿" in results
    assert "喷雾状碱液" in results  # chlorine's leak handling is shown with it
    bad = client.get("/hazards/chemicals/identify/", {"symptoms": ["心情不好"]})
    errors = unescape(bad.content.decode()).split('class="errorlist"')[1].split("</ul>")[0]
    assert "心情不好" in errors


def _chemical_links(page: str) -> list[str]:
    return re.findall(r'href="/hazards/chemicals/\d+/"', page)


def test_catalogue_search_and_detail(client, world, catalogue):
    client.force_login(world.users["enterprise"])
    page = client.get("/hazards/chemicals/").content.decode()
    assert len(_chemical_links(page)) == 85
    for query in ("光气", "75-44-5", "1076", "碳酰氯"):
        hits = client.get("/hazards/chemicals/", {"q": query}).content.decode()
        assert ">碳酰氯</a>" in hits and len(_chemical_links(hits)) == 1, query
    assert "没有找到匹配的化学品" in client.get("/hazards/chemicals/?q=不存在").content.decode()
    chlorine = Chemical.objects.get(name="氯")
    detail = client.get(f"/hazards/chemicals/{chlorine.pk}/").content.decode()
    for text in ("液氯、氯气", "7782-50-5", "1017", "黄绿色", "健康危害", "急救措施",
                 "消防措施", "泄漏应急处置", "迅速脱离现场至上风向空气新鲜处", "资料来源"):
        assert text in detail, text
    assert client.get("/hazards/chemicals/999999/").status_code == 404
    client.logout()
    assert client.get(f"/hazards/chemicals/{chlorine.pk}/").status_code == 302
