from django.test import Client

from geo.models import AuditEntry


def test_orm_changes_are_audited_with_fields(world):
    enterprise = world.enterprises_a[0]
    enterprise.name = "改名化工有限公司"
    enterprise.save()
    entry = AuditEntry.objects.filter(model="registry.enterprise", action="update").get()
    assert entry.object_pk == str(enterprise.pk)
    assert entry.changes["name"] == ["测试化工1号有限公司", "改名化工有限公司"]
    assert "updated" in entry.changes  # auto_now moves on every save


def test_admin_change_is_attributed_to_the_user(world):
    client = Client()
    client.force_login(world.users["admin"])
    enterprise = world.enterprises_b[0]
    url = f"/admin/registry/enterprise/{enterprise.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "organisation"}
    data.update(name="管理员改名公司", geom=enterprise.geom.json)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = AuditEntry.objects.filter(action="update").get()
    assert entry.user == world.users["admin"]
    assert entry.changes["name"] == [enterprise.name, "管理员改名公司"]


def test_admin_list_is_scoped(world):
    world.users["county_b"].is_staff = True
    world.users["county_b"].is_superuser = False
    world.users["county_b"].save()
    from django.contrib.auth.models import Permission

    world.users["county_b"].user_permissions.add(
        Permission.objects.get(codename="view_enterprise"))
    client = Client()
    client.force_login(world.users["county_b"])
    response = client.get("/admin/registry/enterprise/")
    assert response.status_code == 200
    shown = sorted(str(e) for e in response.context["cl"].result_list)
    assert shown == sorted(e.name for e in world.enterprises_b)


def test_token_requests_do_not_load_the_user(client, world):
    """The audit middleware takes a token caller's id from the token (no user query)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    auth = {"HTTP_AUTHORIZATION": f"Token {world.tokens['county_a']}"}
    path = "/ogc/collections/enterprises/items?limit=5"
    assert client.get(path, **auth).status_code == 200  # fills the token and scope caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path, **auth).status_code == 200
    assert not [q["sql"] for q in queries.captured_queries if '"geo_user"' in q["sql"]]
