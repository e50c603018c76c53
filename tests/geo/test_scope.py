from geo.scope import EVERYTHING, PUBLIC, Scope, scope_for_user
from layers.base import registry


def test_scope_per_role(world):
    u = world.users
    assert scope_for_user(u["admin"]) == EVERYTHING
    assert scope_for_user(u["province"]) == Scope(prefix="32")
    assert scope_for_user(u["county_a"]) == Scope(prefix="320101")
    assert scope_for_user(u["enterprise"]) == Scope(organisation_id=u["enterprise"].organisation_id)
    assert scope_for_user(None) == PUBLIC


def test_layer_queryset_applies_scope(world):
    enterprises = registry.get("enterprises")
    names = lambda user: sorted(enterprises.queryset(scope_for_user(user)).values_list(  # noqa: E731
        "name", flat=True))
    assert len(names(world.users["province"])) == 8
    assert names(world.users["county_a"]) == sorted(e.name for e in world.enterprises_a)
    assert names(world.users["county_b"]) == sorted(e.name for e in world.enterprises_b)
    assert names(world.users["enterprise"]) == ["测试化工1号有限公司"]
    assert names(None) == []


def test_public_layer_is_public(world):
    divisions = registry.get("divisions")
    assert divisions.queryset(PUBLIC).count() == 4


def test_scope_sql_matches_orm(world):
    from django.db import connection

    enterprises = registry.get("enterprises")
    for user in world.users.values():
        scope = scope_for_user(user)
        where, params = enterprises.scope_sql(scope)
        with connection.cursor() as cur:
            cur.execute(f"SELECT count(*) FROM {enterprises.table()} t WHERE {where}", params)
            assert cur.fetchone()[0] == enterprises.queryset(scope).count()


def test_allows_division_for_writes():
    assert Scope(prefix="320101").allows_division("320101001001")
    assert not Scope(prefix="320101").allows_division("320102001001")
    assert not Scope(prefix="320101").allows_division(None)
    assert EVERYTHING.allows_division("110000000000")
    assert not Scope(organisation_id=3).allows_division("320101001001")
    assert not PUBLIC.allows_division("320101001001")


def test_agency_users_see_their_own_organisation(world):
    from geo.models import Organisation, Role, User
    from geo.scope import scope_for_user

    agency = Organisation.objects.create(name="测试安全评价有限公司", kind="agency",
                                         division=world.county_a)
    user = User.objects.create_user("agency", role=Role.AGENCY, division=world.county_a,
                                    organisation=agency)
    assert scope_for_user(user).key == f"o{agency.pk}"
    no_org = User.objects.create_user("agency2", role=Role.AGENCY, division=world.county_a)
    assert scope_for_user(no_org).key == "public"
