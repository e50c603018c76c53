"""Knowledge base (知识库): trigram search for Chinese (typos, partial titles), the
substring path for one- and two-character queries, counts per kind, the public
accident-case layer, and the demo loader."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

from data.demo_knowledge import CASES, FICTIONAL, LAWS, TEMPLATES, demo_knowledge_ensure
from geo.scope import EVERYTHING, PUBLIC
from registry.knowledge.models import AccidentCase, Regulation
from registry.knowledge.selectors import knowledge_search
from registry.plans.models import EmergencyPlan, PlanTemplate


@pytest.fixture
def knowledge(world) -> dict[str, int]:
    """The demo knowledge base; world's enterprise A1 (with an organisation) is the 'park'."""
    return demo_knowledge_ensure(world.enterprises_a[0].division_code)


def _titles(rows) -> list[str]:
    return [row.title for row in rows]


def test_demo_loader_is_complete_and_idempotent(world, knowledge):
    assert knowledge == {"templates": len(TEMPLATES), "laws": len(LAWS),
                         "cases": len(CASES) + 1, "agencies": 0, "plans": 1}
    # one park enterprise: one fictional case in the park, the real ones at their places
    fictional = AccidentCase.objects.get(fictional=True)
    assert fictional.title == FICTIONAL[0][0]
    assert fictional.geom == world.enterprises_a[0].geom
    assert not AccidentCase.objects.filter(fictional=False,
                                           division_code__startswith="3201").exists()
    assert Regulation.objects.filter(text_is_summary=False).count() == 0
    plan = EmergencyPlan.objects.get()
    assert plan.outline == PlanTemplate.objects.get(title="危险化学品企业综合应急预案").outline
    again = demo_knowledge_ensure(world.enterprises_a[0].division_code)
    assert again == {"templates": 0, "laws": 0, "cases": 0, "agencies": 0, "plans": 0}


@pytest.mark.parametrize(("query", "first"), [
    ("危险化学品安全管理条列", "危险化学品安全管理条例（2013年修订）"),  # typo: 列 for 例
    ("中华人民共和国安全生产发", "中华人民共和国安全生产法（2021年修正）"),  # typo: 发 for 法
    ("安全生产法", "中华人民共和国安全生产法（2021年修正）"),  # part of a longer title
    ("应急条例", "生产安全事故应急条例"),                    # partial, not contiguous in others
    ("预案编制导则", "生产经营单位生产安全事故应急预案编制导则（GB/T 29639-2020）"),
    ("gb 18218", "危险化学品重大危险源辨识（GB 18218-2018）"),  # Latin, any case
])
def test_trigram_search_finds_the_law(knowledge, query, first):
    results = knowledge_search(query=query, scope=PUBLIC)
    assert results.mode == "trigram"
    assert results.laws[0].title == first
    assert results.counts["laws"] == len(results.laws)


def test_typo_ranks_the_current_version_above_unrelated_laws(knowledge):
    laws = knowledge_search(query="危险化学品安全管理条列", scope=PUBLIC).laws
    # equal similarity: the newer (current) version first
    assert _titles(laws[:2]) == ["危险化学品安全管理条例（2013年修订）",
                                 "危险化学品安全管理条例（2002年）"]
    assert laws[0].rank > laws[2].rank
    assert round(laws[0].rank, 3) == round(10 / 12, 3)  # 10 of the query's 12 trigrams


def test_two_character_words_take_the_substring_path(knowledge):
    # pg_trgm pads words with blanks: a 2-character query shares no trigram with a
    # longer run of Chinese, so word similarity alone would find nothing.
    with connection.cursor() as cursor:
        cursor.execute("SELECT word_similarity('应急', '生产安全事故应急条例')")
        assert cursor.fetchone()[0] == 0
    results = knowledge_search(query="应急", scope=PUBLIC)
    assert results.mode == "substring"
    with_word = sorted(t for t, *_ in LAWS if "应急" in t)
    assert sorted(_titles(results.laws[:len(with_word)])) == with_word  # title matches first
    assert all("应急" in (law.title + law.text) for law in results.laws)
    assert results.counts["laws"] == Regulation.objects.filter(text__contains="应急").union(
        Regulation.objects.filter(title__contains="应急")).count()
    explosions = knowledge_search(query="爆炸", scope=PUBLIC)
    # every real case but 张家口 (爆燃, deflagration) mentions 爆炸; 闪爆 does not match
    assert sorted(_titles(explosions.cases)) == sorted(c[0] for c in CASES if "张家口" not in c[0])
    assert "张家口" not in "".join(_titles(explosions.cases))
    assert all("爆炸" in case.title for case in explosions.cases[:6])  # title matches first


def test_one_character_and_wildcards(knowledge):
    assert knowledge_search(query="法", scope=PUBLIC).counts["laws"] >= 4
    for query in ("%", "_", "\\"):
        assert knowledge_search(query=query, scope=PUBLIC).counts == {"laws": 0, "cases": 0}
    assert knowledge_search(query="   ", scope=PUBLIC).mode == ""


def test_blank_separated_terms_must_all_match(knowledge):
    both = knowledge_search(query="预案 备案", scope=PUBLIC)
    assert _titles(both.laws) == ["生产安全事故应急预案管理办法（2019年修正）",
                                  "生产安全事故应急条例"]
    assert knowledge_search(query="粉尘 爆炸", scope=PUBLIC).counts == {"laws": 0, "cases": 1}


def test_trigram_filter_uses_the_gin_index(knowledge):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN SELECT id FROM registry_regulation WHERE %s <%% title "
                       "OR title ILIKE %s", ["安全生产法", "%安全生产法%"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "regulation_title_trgm" in plan


def test_search_page_counts_per_kind_for_anyone(world, knowledge):
    for client in (Client(), _logged_in(world, "county_b")):
        response = client.get("/knowledge/", {"q": "爆炸"})
        assert response.status_code == 200
        results = response.context["results"]
        assert results.counts == {"laws": 1, "cases": 7}
        page = response.content.decode()
        assert "法律法规 1 条，事故案例 7 个" in page
        assert page.count('class="case"') == 7
    assert Client().get("/knowledge/").status_code == 200


def test_detail_pages(world, knowledge):
    law = Regulation.objects.get(title="生产安全事故应急条例")
    page = Client().get(f"/knowledge/laws/{law.pk}/").content.decode()
    assert "国务院令第708号" in page and "以下为摘要" in page
    case = AccidentCase.objects.get(title__startswith="天津港")
    response = Client().get(f"/knowledge/cases/{case.pk}/")
    assert response.status_code == 200
    assert "死亡 165 人，受伤 798 人" in response.content.decode()
    assert Client().get("/knowledge/laws/999999/").status_code == 404
    assert Client().get("/knowledge/cases/999999/").status_code == 404


def test_accident_cases_are_a_public_layer(world, knowledge):
    body = Client().get("/ogc/collections/accident_cases/items?f=json&limit=100").json()
    assert body["numberMatched"] == AccidentCase.objects.count()
    tianjin = next(f for f in body["features"] if f["properties"]["title"].startswith("天津港"))
    assert tianjin["properties"]["division_code"] == "120116000000"
    assert [round(c, 2) for c in tianjin["geometry"]["coordinates"]] == [117.74, 39.04]
    assert knowledge_search(query="8·12", scope=PUBLIC).cases[0].title.startswith("天津港")
    assert knowledge_search(query="8·12", scope=EVERYTHING).counts["cases"] == \
        knowledge_search(query="8·12", scope=PUBLIC).counts["cases"]


def test_search_query_count(world, knowledge, django_assert_max_num_queries):
    client = Client()
    client.get("/knowledge/", {"q": "安全生产"})
    with django_assert_max_num_queries(8):  # savepoint, threshold, 2 lists, 2 counts, release
        client.get("/knowledge/", {"q": "安全生产"})


def _logged_in(world, name: str) -> Client:
    client = Client()
    client.force_login(world.users[name])
    return client


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "shp", "csv", "xlsx"])
def test_accident_cases_export_anonymously_in_every_format(world, knowledge, fmt):
    response = Client().get(f"/layers/accident_cases/export.{fmt}")
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert len(body) > 100
    if fmt == "csv":
        lines = body.decode("utf-8-sig").strip().splitlines()
        assert len(lines) == 1 + AccidentCase.objects.count()
        assert "686600.00" in body.decode("utf-8-sig")  # 天津港: 68.66亿元 in 万元
