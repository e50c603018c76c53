"""Sessions kept on the server: idle timeout, logout that a copied cookie cannot outlive
(pages and the tile fast path), one session per user when set, ended by the security
administrator."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.utils import timezone

from geo.models import Role, SecurityEvent, User, UserSession
from geo.sessions import forget_sessions
from tests.geo.signin import bind_device, post_password, totp_code
from tests.tiles.conftest import tile_of, tile_url
from tests.tiles.test_cache import fast_get

TILE = tile_url("enterprises", *tile_of(118.45, 32.15, 9))


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_idle_session_is_signed_out(world):
    client = signed_in(world.users["county_a"])
    assert client.get("/accounts/tokens/").status_code == 200
    UserSession.objects.update(last_seen=timezone.now() - timedelta(minutes=31))
    forget_sessions()  # half an hour later, this process remembers nothing
    response = client.get("/accounts/tokens/")
    assert response["Location"] == "/accounts/login/?next=/accounts/tokens/"
    assert SESSION_KEY not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "长时间未操作，已自动退出，请重新登录。" in page
    record = UserSession.objects.get()
    assert record.end_reason == "idle" and record.ended is not None
    event = SecurityEvent.objects.get(kind="session_ended")
    assert (event.username, event.detail) == ("county_a", {"reason": "idle"})


def test_activity_is_written_at_most_once_a_minute(world):
    client = signed_in(world.users["county_a"])
    forget_sessions()
    before = UserSession.objects.get().last_seen
    client.get("/accounts/tokens/")
    assert UserSession.objects.get().last_seen == before  # seconds ago: not written
    earlier = timezone.now() - timedelta(minutes=2)
    UserSession.objects.update(last_seen=earlier)
    forget_sessions()
    client.get("/accounts/tokens/")
    assert UserSession.objects.get().last_seen > earlier + timedelta(minutes=1)


def test_a_copied_cookie_does_not_outlive_logout(world):
    client = signed_in(world.users["county_a"])
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    assert client.get(TILE).status_code == 200
    assert fast_get(TILE, HTTP_COOKIE=cookie)[0] == 200  # the fast path knows the session
    client.post("/accounts/logout/")
    replay = Client(HTTP_COOKIE=cookie)
    assert replay.get("/accounts/tokens/").status_code == 302
    assert fast_get(TILE, HTTP_COOKIE=cookie)[0] == 401  # Django's answer, not the cache's
    assert UserSession.objects.get().end_reason == "logout"


def test_a_session_ended_in_another_process_is_refused_here_once_checked(world):
    client = signed_in(world.users["county_a"])
    UserSession.objects.update(ended=timezone.now(), end_reason="revoked")
    forget_sessions()
    assert client.get("/accounts/tokens/").status_code == 302


def test_single_session_ends_the_older_one(world, settings):
    settings.SESSION_SINGLE = True
    first = Client()
    post_password(first, "county_a")
    second = Client()
    post_password(second, "county_a")
    assert second.get("/accounts/tokens/").status_code == 200
    response = first.get("/accounts/tokens/", follow=True)
    assert "该账号已在其他地方登录，本会话已结束。" in response.content.decode()
    assert list(UserSession.objects.order_by("id").values_list("end_reason", flat=True)) \
        == ["replaced", ""]


def test_several_sessions_are_allowed_by_default(world):
    first, second = signed_in(world.users["county_a"]), signed_in(world.users["county_a"])
    assert first.get("/accounts/tokens/").status_code == 200
    assert second.get("/accounts/tokens/").status_code == 200


def test_the_security_administrator_ends_a_session(world):
    target = signed_in(world.users["province"])
    security = User.objects.create_user("security", password="pw-security",
                                        role=Role.SECURITY_ADMIN, is_staff=True)
    device = bind_device(security)
    admin = Client()
    post_password(admin, "security")
    admin.post("/accounts/login/verify/", {"code": totp_code(device)})
    record = UserSession.objects.get(user=world.users["province"])
    response = admin.post("/admin/geo/usersession/", {
        "action": "end", "_selected_action": [record.pk]})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.end_reason == "revoked"
    assert target.get("/accounts/tokens/").status_code == 302
