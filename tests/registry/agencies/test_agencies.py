"""Intermediary agencies (中介机构): validation, the agency's own scope, supervisors by
division, projects scoped by their client's place, pinned queries."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.test import Client

from geo.credit_code import make_credit_code
from geo.models import Role, User
from registry.agencies.models import Agency
from registry.agencies.services import (
    agency_create,
    agency_problem_add,
    agency_project_create,
)

D = datetime.date


def _agency(world, n: int, county, kind: str = "safety_evaluation") -> Agency:
    return agency_create(name=f"测试评价机构{n}", kind=kind,
                         credit_code=make_credit_code(f"91320100MA00000{n:02d}"),
                         qualification_number=f"APJ-{n}", division_code=county.code[:6] + "001001",
                         geom=Point(118.2 if county == world.county_a else 118.7, 32.2, srid=4326),
                         valid_from=D(2024, 1, 1), valid_to=D(2028, 12, 31))


@pytest.fixture
def agencies(world):
    """Agency 1 in county A with projects for an A and a B enterprise; agency 2 in B."""
    one, two = _agency(world, 1, world.county_a), _agency(world, 2, world.county_b,
                                                         "standardisation_review")
    p_a = agency_project_create(agency=one, enterprise=world.enterprises_a[0], name="甲县现状评价",
                                project_type="status_evaluation", started=D(2025, 3, 1),
                                finished=D(2025, 4, 1), conclusion="基本符合")
    p_b = agency_project_create(agency=one, enterprise=world.enterprises_b[0], name="乙县预评价",
                                project_type="pre_evaluation", started=D(2025, 5, 1))
    agency_problem_add(project=p_a, description="报警器未检定", severity="general", rectified=True)
    agency_problem_add(project=p_a, description="未设安全仪表系统", severity="major")
    agency_problem_add(project=p_b, description="安全距离不足", severity="major")
    user = User.objects.create_user("agency1", password="pw", role=Role.AGENCY,
                                    division=world.county_a, organisation=one.organisation)
    return {"one": one, "two": two, "p_a": p_a, "p_b": p_b, "user": user}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _listed(client) -> list[str]:
    response = client.get("/agencies/")
    assert response.status_code == 200
    return [a.name for a in response.context["page"].object_list]


def test_agency_gets_an_agency_organisation_and_projects_copy_the_client_place(world, agencies):
    one = agencies["one"]
    assert (one.organisation.kind, one.organisation.name, one.organisation.division_id) == (
        "agency", "测试评价机构1", "320101000000")
    p_b = agencies["p_b"]
    assert (p_b.division_code, p_b.organisation_id) == (
        world.enterprises_b[0].division_code, one.organisation_id)


@pytest.mark.parametrize(("field", "kwargs", "message"), [
    ("credit_code", {"credit_code": "91320100MA0000001X"}, "校验"),
    ("credit_code", {"credit_code": "123"}, "统一社会信用代码应为18位"),
    ("valid_to", {"valid_from": D(2025, 1, 1), "valid_to": D(2024, 1, 1)}, "资质有效期至"),
    ("kind", {"kind": "bogus"}, "bogus"),
])
def test_bad_input_names_the_field(world, field, kwargs, message):
    args = {"name": "坏机构", "kind": "safety_evaluation",
            "credit_code": make_credit_code("91320100MA0000099"), "qualification_number": "A-1",
            "division_code": "320101001001", "geom": Point(118.2, 32.2, srid=4326)} | kwargs
    with pytest.raises(ValidationError) as error:
        agency_create(**args)
    assert field in error.value.message_dict
    assert message in " ".join(error.value.message_dict[field])
    assert not Agency.objects.exists()


def test_project_dates_are_checked(world, agencies):
    with pytest.raises(ValidationError) as error:
        agency_project_create(agency=agencies["one"], enterprise=world.enterprises_a[1],
                              name="倒序", project_type="other", started=D(2025, 5, 1),
                              finished=D(2025, 4, 1))
    assert list(error.value.message_dict) == ["finished"]


def test_agency_user_sees_only_its_own_agency_and_all_its_projects(world, agencies):
    client = _client(agencies["user"])
    assert _listed(client) == ["测试评价机构1"]
    detail = client.get(f"/agencies/{agencies['one'].pk}/")
    assert [p.name for p in detail.context["projects"]] == ["乙县预评价", "甲县现状评价"]
    assert client.get(f"/agencies/{agencies['two'].pk}/").status_code == 404


def test_supervisors_see_agencies_and_projects_in_their_division(world, agencies):
    county_a, county_b = _client(world.users["county_a"]), _client(world.users["county_b"])
    assert _listed(county_a) == ["测试评价机构1"]
    assert _listed(county_b) == ["测试评价机构2"]
    assert _listed(_client(world.users["province"])) == ["测试评价机构1", "测试评价机构2"]
    detail = county_a.get(f"/agencies/{agencies['one'].pk}/")
    assert [p.name for p in detail.context["projects"]] == ["甲县现状评价"]  # not B's client
    page = detail.content.decode()
    assert "未设安全仪表系统" in page and "安全距离不足" not in page
    assert county_b.get(f"/agencies/{agencies['one'].pk}/").status_code == 404
    row = county_a.get("/agencies/").context["page"].object_list[0]
    assert (row.project_count, row.open_problems) == (1, 1)
    row = _client(agencies["user"]).get("/agencies/").context["page"].object_list[0]
    assert (row.project_count, row.open_problems) == (2, 2)


def test_enterprise_user_sees_no_agency(world, agencies):
    client = _client(world.users["enterprise"])
    assert _listed(client) == []
    assert client.get(f"/agencies/{agencies['one'].pk}/").status_code == 404


@pytest.mark.parametrize("path", ["/agencies/", "/agencies/1/"])
def test_pages_need_login(world, path):
    response = Client().get(path)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_kind_filter(world, agencies):
    response = _client(world.users["province"]).get("/agencies/?kind=standardisation_review")
    assert [a.name for a in response.context["page"].object_list] == ["测试评价机构2"]


def test_queries_are_pinned(world, agencies, django_assert_max_num_queries):
    for n in range(3, 23):
        agency = _agency(world, n, world.county_a)
        project = agency_project_create(agency=agency, enterprise=world.enterprises_a[1],
                                        name=f"项目{n}", project_type="other",
                                        started=D(2025, 1, 1))
        agency_problem_add(project=project, description="问题")
    client = _client(world.users["province"])
    client.get("/agencies/")
    with django_assert_max_num_queries(4):  # session, user, the pager count, agencies with counts
        response = client.get("/agencies/")
    assert response.content.decode().count('class="agency-row"') == 22
    client.get(f"/agencies/{agencies['one'].pk}/")
    with django_assert_max_num_queries(5):  # session, user, agency, projects, problems
        client.get(f"/agencies/{agencies['one'].pk}/")


def test_agencies_layer_is_scoped_on_the_ogc_api(world, agencies):
    def names(client):
        body = client.get("/ogc/collections/agencies/items?f=json").json()
        return sorted(f["properties"]["name"] for f in body["features"])

    assert names(_client(world.users["county_a"])) == ["测试评价机构1"]
    assert names(_client(agencies["user"])) == ["测试评价机构1"]
    assert names(_client(world.users["county_b"])) == ["测试评价机构2"]
    assert Client().get("/ogc/collections/agencies/items?f=json").status_code == 404


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "shp", "csv", "xlsx"])
def test_agencies_export_is_scoped_in_every_format(world, agencies, fmt):
    response = Client().get(f"/layers/agencies/export.{fmt}",
                            HTTP_AUTHORIZATION=f"Token {world.tokens['county_b']}")
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    if fmt in ("csv", "geojson"):
        text = body.decode("utf-8-sig")
        assert "测试评价机构2" in text and "测试评价机构1" not in text
    assert Client().get(f"/layers/agencies/export.{fmt}").status_code == 401
