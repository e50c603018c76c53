from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from geo.models import ApiToken, SecurityEvent
from geo.tokens import token_create


def test_token_is_stored_hashed(world):
    key = world.tokens["county_a"]
    token = ApiToken.objects.get(user=world.users["county_a"])
    assert token.prefix == key[:8]
    assert key not in token.digest


def test_bad_token_is_401(world):
    response = Client().get("/layers/", HTTP_AUTHORIZATION="Token not-a-token")
    assert response.status_code == 401
    assert Client().get("/layers/", HTTP_AUTHORIZATION="Bearer nope").status_code == 401
    assert Client().get("/layers/?token=nope").status_code == 401


def test_token_in_header_and_query_authenticate(world):
    key = world.tokens["county_a"]
    for response in (Client().get("/layers/", HTTP_AUTHORIZATION=f"Token {key}"),
                     Client().get("/layers/", HTTP_AUTHORIZATION=f"Bearer {key}"),
                     Client().get("/layers/", HTTP_AUTHORIZATION=f"bearer {key}"),
                     Client().get(f"/layers/?token={key}")):
        assert response.status_code == 200
        counts = {row["layer"].id: row["count"] for row in response.context["layers"]}
        assert counts["enterprises"] == 5


def test_token_page_creates_a_token(world):
    client = Client()
    client.force_login(world.users["analyst"])
    response = client.post("/accounts/tokens/", {"name": "QGIS"})
    assert response.status_code == 200
    key = response.context["new_key"]
    assert ApiToken.objects.filter(user=world.users["analyst"], name="QGIS").count() == 1
    assert Client().get("/layers/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200


# ---- expiry, scope, last use, revocation -------------------------------------------------

def test_token_page_makes_read_only_tokens_with_an_expiry_by_default(world):
    client = Client()
    client.force_login(world.users["analyst"])
    before = timezone.now()
    response = client.post("/accounts/tokens/", {"name": "QGIS", "access": "read", "days": "90"})
    token = ApiToken.objects.get(user=world.users["analyst"], name="QGIS")
    assert token.access == "read"
    assert before + timedelta(days=90) <= token.expires <= timezone.now() + timedelta(days=90)
    html = response.content.decode()
    assert '<option value="read" selected>只读</option>' in html
    assert '<option value="90" selected>90 天有效</option>' in html
    event = SecurityEvent.objects.get(kind="token_created")
    assert event.detail == {"token": token.prefix, "access": "read", "days": 90}


@pytest.mark.parametrize("data", [{"access": "admin", "days": "90"},
                                  {"access": "read", "days": "9999"},
                                  {"access": "read", "days": "abc"}])
def test_token_page_refuses_unknown_choices(world, data):
    client = Client()
    client.force_login(world.users["analyst"])
    response = client.post("/accounts/tokens/", {"name": "x", **data})
    assert response.status_code == 400
    assert "请选择令牌的权限范围和有效期。" in response.content.decode()
    assert ApiToken.objects.filter(name="x").count() == 0


def test_expired_token_is_401(world):
    key = world.tokens["county_a"]
    ApiToken.objects.filter(user=world.users["county_a"]).update(
        expires=timezone.now() - timedelta(seconds=1))
    assert Client().get("/layers/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401


def test_revoked_token_is_401_at_once_and_logged(world):
    key = world.tokens["county_a"]
    assert Client().get("/layers/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    client = Client()
    client.force_login(world.users["county_a"])
    token = ApiToken.objects.get(user=world.users["county_a"])
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/")["Location"] == "/accounts/tokens/"
    token.refresh_from_db()
    assert token.revoked is not None
    assert Client().get("/layers/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401
    assert "已吊销" in client.get("/accounts/tokens/").content.decode()
    event = SecurityEvent.objects.get(kind="token_revoked")
    assert (event.username, event.detail) == ("county_a",
                                             {"token": token.prefix, "owner": "county_a"})
    rejected = SecurityEvent.objects.get(kind="token_rejected")
    assert rejected.detail == {"token": key[:8]}


def test_nobody_revokes_another_users_token(world):
    client = Client()
    client.force_login(world.users["county_b"])
    token = ApiToken.objects.get(user=world.users["county_a"])
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked is None


def test_last_use_is_written_at_most_once_a_minute(world):
    key = world.tokens["county_a"]
    token = ApiToken.objects.get(user=world.users["county_a"])
    assert token.last_used is None
    with CaptureQueriesContext(connection) as first:
        Client().get("/layers/", HTTP_AUTHORIZATION=f"Token {key}")
    used = ApiToken.objects.get(pk=token.pk).last_used
    assert used is not None
    with CaptureQueriesContext(connection) as second:
        Client().get("/layers/", HTTP_AUTHORIZATION=f"Token {key}")
    assert ApiToken.objects.get(pk=token.pk).last_used == used
    writes = [q for q in first.captured_queries if q["sql"].startswith(("UPDATE", "INSERT"))]
    assert len(writes) == 2  # last_used and the token-use event
    assert not [q for q in second.captured_queries
                if q["sql"].startswith(("UPDATE", "INSERT"))]
    event = SecurityEvent.objects.get(kind="token_used")
    assert (event.username, event.detail, event.path) == ("county_a", {"token": key[:8]},
                                                          "/layers/")


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_read_only_token_changes_nothing_anywhere(world, method):
    key = token_create(user=world.users["admin"], name="ro", access="read")
    for path in ("/floorplans/", "/accounts/tokens/", "/layers/", "/admin/geo/user/"):
        response = getattr(Client(), method)(path, HTTP_AUTHORIZATION=f"Token {key}")
        assert response.status_code == 403, path
        assert response.json() == {"detail": "只读令牌不能修改数据"}
    assert Client().get("/layers/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    denied = SecurityEvent.objects.filter(kind="permission_denied")
    assert denied.count() == 4
    assert denied.first().detail == {"method": method.upper(), "reason": "read-only token"}


def test_a_read_write_token_may_write(world):
    key = token_create(user=world.users["analyst"], name="rw", access="write")
    response = Client().post("/accounts/tokens/", {"name": "made-by-token", "access": "read",
                                                   "days": "30"},
                             HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    assert ApiToken.objects.filter(name="made-by-token").count() == 1
