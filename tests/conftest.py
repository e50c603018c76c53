"""Shared fixture world: one province, one city, two counties, enterprises in each,
one user per role. Real PostGIS (pytest-django creates the test database)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.gis.geos import MultiPolygon, Point, Polygon

from geo.credit_code import make_credit_code
from geo.models import Division, Organisation, Role, User
from geo.tokens import token_create
from registry.enterprises.models import Enterprise
from tests import flush

flush.install()  # transactional tests empty only the tables they wrote (tests/flush.py)


def box(x0: float, y0: float, x1: float, y1: float) -> MultiPolygon:
    return MultiPolygon(Polygon.from_bbox((x0, y0, x1, y1)), srid=4326)


@dataclass
class World:
    province: Division
    city: Division
    county_a: Division
    county_b: Division
    enterprises_a: list[Enterprise]
    enterprises_b: list[Enterprise]
    users: dict[str, User]
    tokens: dict[str, str]


def _enterprise(i: int, county: Division, x: float, y: float, risk: int, org=None) -> Enterprise:
    return Enterprise.objects.create(
        name=f"测试化工{i}号有限公司", credit_code=make_credit_code(f"9132010{i:010d}"),
        industry="C2614", division_code=county.code[:6] + "001001", address=f"测试路{i}号",
        risk_level=risk, has_major_hazard=risk <= 2, organisation=org,
        geom=Point(x, y, srid=4326),
    )


def _user(name: str, role: str, division=None, organisation=None) -> User:
    return User.objects.create_user(
        username=name, password="pw-" + name, role=role, division=division,
        organisation=organisation,
    )


@pytest.fixture
def world(db) -> World:
    """Counties A (118.0–118.5 E) and B (118.5–119.0 E) between 32.0 and 32.5 N."""
    province = Division.objects.create(code="320000000000", name="测试省", level="province",
                                       geom=box(118.0, 32.0, 119.0, 32.5))
    city = Division.objects.create(code="320100000000", name="测试市", level="city",
                                   parent=province, geom=box(118.0, 32.0, 119.0, 32.5))
    county_a = Division.objects.create(code="320101000000", name="甲县", level="county",
                                       parent=city, geom=box(118.0, 32.0, 118.5, 32.5))
    county_b = Division.objects.create(code="320102000000", name="乙县", level="county",
                                       parent=city, geom=box(118.5, 32.0, 119.0, 32.5))
    org = Organisation.objects.create(name="测试化工1号有限公司", kind="enterprise",
                                      division=county_a)
    ents_a = [_enterprise(i, county_a, 118.1 + 0.05 * i, 32.1 + 0.02 * i, 1 + i % 4,
                          org if i == 1 else None) for i in range(1, 6)]
    ents_b = [_enterprise(i, county_b, 118.6 + 0.05 * (i - 10), 32.1 + 0.02 * (i - 10),
                          1 + i % 4) for i in range(11, 14)]
    users = {
        "admin": User.objects.create_superuser("admin", password="pw-admin", role=Role.ADMIN),
        "province": _user("province", Role.PROVINCE, province),
        "county_a": _user("county_a", Role.COUNTY, county_a),
        "county_b": _user("county_b", Role.COUNTY, county_b),
        "enterprise": _user("enterprise", Role.ENTERPRISE, county_a, org),
        "analyst": _user("analyst", Role.ANALYST, province),
    }
    tokens = {name: token_create(user=u, name="test") for name, u in users.items()}
    return World(province, city, county_a, county_b, ents_a, ents_b, users, tokens)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The world fixture hashes a password per role; PBKDF2 makes that seconds per test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _forget_process_caches() -> None:
    from django.core.cache import cache as django_cache

    from geo.queues import forget_statements
    from geo.scope import _user_scopes
    from geo.sessions import forget_sessions
    from geo.tokens import forget_tokens
    from layers.ogc.service import forget_apis
    from monitoring.alarms.rules import rules_forget
    from monitoring.risk.cloud import forget_points
    from tiles import cache, fastpath, selectors, versions

    _user_scopes.clear()
    forget_statements()
    rules_forget()
    forget_tokens()
    forget_sessions()
    django_cache.clear()  # the once-a-minute throttles of the security-event log
    cache.reset()
    versions.forget()
    selectors.forget_extents()
    fastpath._sessions.clear()
    forget_apis()  # extents and SITE_URL are baked into the per-process OGC API objects
    forget_points()  # the risk cloud's point sets and states of (day, scope)


@pytest.fixture(autouse=True)
def _fresh_caches(settings, tmp_path):
    """Process-level caches (scopes, tokens, tiles) must not leak between tests, and
    tiles cached by earlier runs must not answer for this one."""
    settings.TILE_CACHE_DIR = tmp_path / "tiles"
    _forget_process_caches()
    yield
    _forget_process_caches()


@pytest.fixture(scope="session", autouse=True)
def _stop_tile_listener(request):
    """A served tile starts the layer-version listener, whose connection to the test
    database would block pytest-django from dropping it: close it first."""
    if any("django_db_setup" in item.fixturenames for item in request.session.items):
        request.getfixturevalue("django_db_setup")
    yield
    from tiles import versions

    versions.stop_listening()


@pytest.fixture(scope="session")
def _deployed_application(django_db_setup, django_db_blocker):
    """geo.wsgi, imported once against the test database: its import warms the worker up
    (URLconf, Dash apps) and then closes the thread's connections, which must not happen
    inside a test's transaction."""
    with django_db_blocker.unblock():
        from geo.wsgi import application
    return application


@pytest.fixture
def wsgi_app(db, _deployed_application):
    """The deployed WSGI application (tile fast path and Dash files in front of Django),
    called in process. As django.test.Client does, the request signals keep the test
    transaction's connection open instead of closing it."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield _deployed_application
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
