"""The security-event log: append-only through Django and underneath it, read by the
audit administrator only; refusals and exports are in it with address and user agent."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client

from geo.models import Role, SecurityEvent, User
from geo.security_log import security_event
from tests.geo.signin import bind_device, post_password, totp_code

UA = "QGIS/3.34"


def staff(role: str, name: str) -> Client:
    """A staff account of `role`, signed in through every step (it needs a code)."""
    user = User.objects.create_user(name, password=f"pw-{name}", role=role, is_staff=True)
    device = bind_device(user)
    client = Client()
    post_password(client, name)
    client.post("/accounts/login/verify/", {"code": totp_code(device)})
    return client


@pytest.fixture
def event(world):
    return security_event(None, "login", user=world.users["county_a"])


def test_an_event_cannot_be_changed_or_deleted_through_django(event):
    event.username = "someone-else"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        SecurityEvent.objects.filter(pk=event.pk).update(username="x")
    with pytest.raises(PermissionError):
        SecurityEvent.objects.all().delete()
    assert SecurityEvent.objects.get(pk=event.pk).username == "county_a"


@pytest.mark.parametrize("sql", ["UPDATE geo_securityevent SET username = 'x'",
                                 "DELETE FROM geo_securityevent"])
def test_nor_underneath_django(event, sql):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute(sql)
    assert SecurityEvent.objects.get(pk=event.pk).username == "county_a"


def test_a_deleted_user_keeps_their_events(world, event):
    world.users["county_a"].delete()
    assert SecurityEvent.objects.get(pk=event.pk).username == "county_a"


def test_the_audit_administrator_reads_the_log_and_changes_nothing(world, event):
    auditor = staff(Role.AUDITOR, "auditor")
    listing = auditor.get("/admin/geo/securityevent/")
    assert listing.status_code == 200
    assert listing.context["cl"].result_count == SecurityEvent.objects.count()
    detail = auditor.get(f"/admin/geo/securityevent/{event.pk}/change/")
    assert detail.status_code == 200 and 'name="_save"' not in detail.content.decode()
    assert auditor.post(f"/admin/geo/securityevent/{event.pk}/change/",
                        {"username": "x"}).status_code == 403
    assert auditor.post(f"/admin/geo/securityevent/{event.pk}/delete/",
                        {"post": "yes"}).status_code == 403
    assert auditor.get("/admin/geo/auditentry/").status_code == 200
    # and reads nothing else: no other admin page, public scope only
    assert auditor.get("/admin/geo/user/").status_code == 403
    assert auditor.get("/admin/registry/enterprise/").status_code == 403


@pytest.mark.parametrize("role", [Role.ADMIN, Role.SECURITY_ADMIN])
def test_other_administrators_do_not_read_the_logs(world, role):
    client = staff(role, "other")
    if role == Role.ADMIN:
        User.objects.filter(username="other").update(is_superuser=True)
    assert client.get("/admin/geo/securityevent/").status_code == 403
    assert client.get("/admin/geo/auditentry/").status_code == 403


def test_a_refusal_is_logged_with_address_and_user_agent(world):
    client = staff(Role.AUDITOR, "auditor")
    assert client.get("/admin/geo/user/", HTTP_USER_AGENT=UA,
                      REMOTE_ADDR="198.51.100.5").status_code == 403
    event = SecurityEvent.objects.get(kind="permission_denied")
    assert (event.username, event.address, event.user_agent, event.path, event.detail) == (
        "auditor", "198.51.100.5", UA, "/admin/geo/user/", {"method": "GET"})


def test_an_export_is_logged(world):
    key = world.tokens["county_a"]
    response = Client().get("/layers/enterprises/export.csv", HTTP_AUTHORIZATION=f"Token {key}",
                            HTTP_USER_AGENT=UA)
    assert response.status_code == 200
    event = SecurityEvent.objects.get(kind="export")
    assert (event.username, event.address, event.user_agent, event.path) == (
        "county_a", "127.0.0.1", UA, "/layers/enterprises/export.csv")
    assert event.detail == {"layer": "enterprises", "format": "csv", "rows": 5,
                            "scope": "p320101", "query": ""}


def test_the_filtered_enterprise_export_is_logged_with_its_filter(world):
    client = Client()
    client.force_login(world.users["province"])
    assert client.get("/enterprises/export.geojson?risk_level=1").status_code == 200
    event = SecurityEvent.objects.get(kind="export")
    assert (event.username, event.detail["layer"], event.detail["format"],
            event.detail["query"]) == ("province", "enterprises", "geojson", "risk_level=1")


def test_throttle_keys_are_valid_for_any_cache_backend(db):
    """A bad token's prefix is client text; memcached refuses it in a key (found by the
    REST API's schemathesis run as CacheKeyWarning)."""
    import warnings

    from geo.security_log import once_a_minute

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert once_a_minute("bad-token:a b\x07\U00103bfd")
        assert not once_a_minute("bad-token:a b\x07\U00103bfd")
        assert once_a_minute("bad-token:a b\x07")
