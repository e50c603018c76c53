"""`manage.py load_demo` against real PostGIS: nesting, counts, accounts, idempotency."""

from __future__ import annotations

import base64
from decimal import Decimal
from io import StringIO

import pytest
import shapely
from django.contrib.auth import SESSION_KEY
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP

from data.accounts import ACCOUNTS, password_for
from data.demo_resources import MODELS
from data.region import generate_region
from geo.models import ApiToken, Division, GridCell, Organisation, Role, User
from geo.scope import EVERYTHING, scope_for_user
from geo.tokens import token_user_id
from registry.enterprises.models import Enterprise
from registry.licences.models import Licence
from registry.licences.selectors import licences_expiring
from registry.resources.models import WarehouseItem

PARK = "390221400"  # the park's 9-digit town prefix for the default seed


@pytest.fixture
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def printed_secrets(out: str) -> dict[str, str]:
    """username -> the TOTP secret printed under it."""
    lines = out.splitlines()
    return {lines[i - 1].split()[0]: line.split("TOTP secret: ")[1].split()[0]
            for i, line in enumerate(lines) if "TOTP secret: " in line}


def sign_in(username: str, secret: str | None) -> bool:
    """Through the login form, as a person with the printed password (and secret) would."""
    client = Client()
    response = client.post("/accounts/login/", {"username": username,
                                                "password": password_for(username)})
    if secret is not None:
        assert response["Location"] == "/accounts/login/verify/"
        key = base64.b32decode(secret + "=" * (-len(secret) % 8))
        response = client.post("/accounts/login/verify/", {"code": f"{TOTP(key).token():06d}"})
    return response.status_code == 302 and SESSION_KEY in client.session


def load(*args) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {"divisions": Division.objects.count(), "grid": GridCell.objects.count(),
            "enterprises": Enterprise.objects.count(),
            "organisations": Organisation.objects.count(), "users": User.objects.count(),
            "tokens": ApiToken.objects.count()}


# Rows of each emergency-resource layer (and the warehouses' stock lines) for the default seed.
RESOURCES = {"fire_stations": 35, "medical_facilities": 106, "emergency_organisations": 17,
             "warehouses": 17, "experts": 19, "rescue_teams": 30, "shelters": 87,
             "warehouse_items": 186}
# Licences by kind outside the park (hazchem producers, mines, storage), for the default seed;
# standardisation certificates follow the files' grades.
LICENCES_OUTSIDE = {"chemical_registration": 138, "chemical_trading": 25,
                    "safety_production": 157}


def resource_counts() -> dict[str, int]:
    return {**{layer: model.objects.count() for layer, model in MODELS.items()},
            "warehouse_items": WarehouseItem.objects.count()}


def licence_counts(*, outside_park: bool) -> dict[str, int]:
    rows = Licence.objects.exclude(division_code__startswith=PARK) if outside_park \
        else Licence.objects.all()
    return dict(rows.values_list("kind").annotate(n=Count("id")).order_by("kind"))


def scalar(sql: str, params=()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_running_twice_reuses_everything(fast_passwords):
    first_out = load()
    first = counts()
    resources, licences = resource_counts(), licence_counts(outside_park=False)
    out = load()
    assert "already loaded: reused it" in out
    assert counts() == first
    assert printed_secrets(out) == printed_secrets(first_out)  # the apps keep working
    assert ApiToken.objects.filter(user__username="analyst").count() == 1
    assert "major hazard sources in the park: 0 created" in out
    assert "licences outside the park: 0 created" in out
    assert "emergency resources created: 0 (fire_stations 0, medical_facilities 0," in out
    assert (resource_counts(), licence_counts(outside_park=False)) == (resources, licences)


@pytest.mark.django_db
def test_a_different_region_needs_replace(fast_passwords):
    load()
    # the demo accounts plus the staff the duty and case demos make: none left over after
    users = counts()["users"]
    with pytest.raises(CommandError, match="use --replace"):
        load("--seed", "7")
    out = load("--seed", "7", "--replace")
    assert "replaced" in out
    other = generate_region(7)
    assert counts() == {"divisions": 688, "grid": len(other.grid), "enterprises": 1240,
                        "organisations": 59, "users": users, "tokens": 1}
    assert len(other.grid) != 2480  # really another region, not the first one kept
    assert Enterprise.objects.filter(
        credit_code__in=other.enterprises["credit_code"].tolist()).count() == 1240
    # the first region's resources went with it: only the other one's are left
    assert resource_counts() == {**{k: len(f) for k, f in other.resources.frames.items()},
                                 "warehouse_items": len(other.resources.stock)}
    assert set(MODELS["shelters"].objects.values_list("name", flat=True)) == set(
        other.resources.frames["shelters"]["name"])


@pytest.mark.django_db
def test_scale_path_at_a_tiny_scale(fast_passwords):
    """The bulk path (COPY, indexes rebuilt after) on the small tree: the province-sized
    tree is the same code with larger counts, and takes a minute to build and load."""
    indexes = "SELECT count(*) FROM pg_indexes WHERE tablename = 'registry_enterprise'"
    before = scalar(indexes)
    out = load("--scale", "5000", "--divisions", "small")
    assert "rows/s" in out
    assert Enterprise.objects.count() == 5040
    assert Division.objects.count() == 688
    assert scalar(indexes) == before >= 10  # every index dropped for COPY came back
    assert scalar("SELECT count(*) FROM registry_enterprise e JOIN geo_division d"
                  " ON d.code = e.division_code WHERE ST_Covers(d.geom, e.geom)") == 5040
    park_code = User.objects.get(username="park").division_id
    park = Enterprise.objects.filter(division_code__startswith=park_code[:9])
    assert park.count() == 40 and park.filter(has_major_hazard=True).count() == 9
    assert Enterprise.objects.values("credit_code").distinct().count() == 5040
    # replacing deletes first, which queues foreign-key checks the index rebuild must flush
    assert "replaced" in load("--scale", "5000", "--divisions", "small", "--replace")
    assert Enterprise.objects.count() == 5040
    assert scalar(indexes) == before >= 10  # every index dropped for COPY came back


# ---- the loaded region: one load (tests/data/conftest.py) for the tests that read it --
@pytest.mark.django_db
class TestTheLoadedRegion:
    def test_loaded_region_nests_and_matches_the_generator(self, loaded):
        region = generate_region()
        stored_counts = counts()
        # the demo accounts, and the staff the duty and case demos make in the bureaus
        assert stored_counts.pop("users") == len(ACCOUNTS) + User.objects.exclude(
            username__in=[a[0] for a in ACCOUNTS]).filter(
            organisation__kind="government").count()
        assert stored_counts == {"divisions": 688, "grid": 2480, "enterprises": 1240,
                                 "organisations": 59, "tokens": 1}  # 57 + 2 agencies
        stored = dict(Division.objects.values_list("code", "geom"))
        assert list(stored) == region.divisions["code"].tolist()
        assert shapely.equals_exact(shapely.from_wkb([bytes(g.wkb) for g in stored.values()]),
                                    region.divisions["geom"].to_numpy(), 0).all()
        # every child inside its parent (1e-7° ≈ 1 cm of tolerance), every enterprise in its
        # village
        assert scalar("SELECT count(*) FROM geo_division c JOIN geo_division p"
                      " ON p.code = c.parent_id"
                      " WHERE NOT ST_Covers(ST_Buffer(p.geom, 1e-7), c.geom)") == 0
        assert scalar("SELECT count(*) FROM geo_gridcell c JOIN geo_gridcell p"
                      " ON p.id = c.parent_id"
                      " WHERE NOT ST_Covers(ST_Buffer(p.geom, 1e-7), c.geom)") == 0
        assert scalar("SELECT count(*) FROM registry_enterprise e JOIN geo_division d"
                      " ON d.code = e.division_code WHERE d.level = 'village'"
                      " AND ST_Covers(d.geom, e.geom)") == 1240
        park = Enterprise.objects.filter(division_code__startswith=PARK)
        assert park.count() == 40 and park.filter(has_major_hazard=True).count() == 9
        assert park.filter(organisation__isnull=False).count() == 40
        assert Licence.objects.filter(division_code__startswith=PARK).count() == 40  # one each
        assert set(GridCell.objects.values_list("level", flat=True).distinct()) == {1, 2, 3, 4}

    def test_one_account_per_role_that_can_sign_in(self, loaded):
        out = loaded
        users = {u.username: u for u in User.objects.select_related("division", "organisation")
                 .filter(username__in=[a[0] for a in ACCOUNTS])}
        assert sorted(u.role for u in users.values()) == sorted(r for _, r, _ in ACCOUNTS)
        assert set(Role.values) == {u.role for u in users.values()}
        assert users["admin"].is_superuser
        assert users["agency"].organisation.kind == "agency"  # linked once the agencies exist
        assert users["county"].division_id == PARK[:6] + "000000"
        assert users["park"].division_id == PARK + "000"
        assert users["park"].role == Role.PARK
        enterprise = Enterprise.objects.get(organisation=users["enterprise"].organisation)
        assert enterprise.division_code.startswith(PARK) and enterprise.has_major_hazard
        assert scope_for_user(users["park"]).prefix == PARK
        assert scope_for_user(users["province"]).prefix == "39"
        secrets = printed_secrets(out)
        assert sorted(secrets) == ["admin", "auditor", "security"]
        for username, _, _ in ACCOUNTS:
            assert f"{username:<11} {password_for(username)}" in out
            assert sign_in(username, secrets.get(username)), username
        token = out.split("API token: ")[1].split()[0]
        assert token_user_id(token) == users["analyst"].pk
        assert ApiToken.objects.get(user=users["analyst"]).access == "read"
        assert users["grid"].grid_cells.count() == 1

    def test_park_major_hazard_sources_are_graded_by_gb18218(self, loaded):
        from registry.hazards.models import HazardSource

        assert "major hazard sources in the park: 9 created" in loaded
        sources = HazardSource.objects.order_by("enterprise__credit_code")
        assert sources.count() == 9
        assert all(s.division_code.startswith(PARK) and s.is_major for s in sources)
        # chlorine 30 t with 60 people exposed is reference case T3: S 6, R 36, level 3
        first = sources[0]
        assert (first.s_value, first.r_value, first.level) == (6, 36, 3)
        assert sorted(s.level for s in sources) == [1, 3, 3, 3, 3, 3, 3, 4, 4]

    def test_every_resource_layer_is_filled_in_its_villages(self, loaded):
        out = loaded
        assert resource_counts() == RESOURCES
        assert ("emergency resources created: 311 (fire_stations 35, medical_facilities 106,"
                " emergency_organisations 17, warehouses 17, experts 19, rescue_teams 30,"
                " shelters 87)") in out
        for model in MODELS.values():  # each in the village whose code it carries
            assert scalar(f"SELECT count(*) FROM {model._meta.db_table} r JOIN geo_division d"
                          " ON d.code = r.division_code WHERE d.level = 'village'"
                          " AND ST_Covers(d.geom, r.geom)") == model.objects.count()
        shelters = MODELS["shelters"].objects
        assert dict(shelters.values_list("kind").annotate(n=Count("id")).order_by("kind")) \
            == {"indoor": 12, "outdoor": 75}
        assert shelters.filter(name__endswith="中心广场应急避难场所").count() == 71  # every town
        assert all(s.area_m2 == s.capacity * (2 if s.kind == "indoor" else Decimal("1.5"))
                   for s in shelters.exclude(name__endswith="中心公园应急避难场所"))
        park = MODELS["warehouses"].objects.get(name="沿江化工园区危险化学品应急物资储备库")
        assert list(park.items.order_by("item").values_list("item", flat=True)[:3]) == [
            "可燃气体检测仪", "吸附棉", "围油栏"]
        foam = park.items.get(item="泡沫灭火剂")
        assert (foam.quantity, foam.unit, (foam.expiry_date - timezone.localdate()).days) == (
            60, "吨", 2922)  # 96 months of shelf life from today

    def test_rescue_teams_stand_by_the_chemical_park(self, loaded):
        near = ("SELECT count(*) FROM registry_rescueteam t JOIN geo_division d"
                " ON d.code = %s WHERE ST_DWithin(t.geom::geography, d.geom::geography, %s)")
        assert scalar(near, [PARK + "000", 0]) == 10   # the park's own team and 9 plant brigades
        assert scalar(near, [PARK + "000", 1000]) == 11  # and the provincial base at its gate
        assert scalar(near, [PARK + "000", 5000]) == 12  # and the county's team

    def test_nearest_resources_of_a_park_plant_are_no_longer_empty(self, loaded):
        plant = Enterprise.objects.get(organisation__user__username="enterprise")
        client = Client()
        client.force_login(User.objects.get(username="county"))
        got = client.get("/api/resources/nearest", {
            "lon": plant.geom.x, "lat": plant.geom.y, "n": 3, "radius": 10000}).json()
        assert [(r["layer"], r["name"]) for r in got["results"]] == [
            ("rescue_teams", f"{plant.name}专职消防队"),
            ("rescue_teams", "光恒精细化工有限责任公司专职消防队"),
            ("rescue_teams", "维远化工有限公司专职消防队")]
        client.force_login(User.objects.get(username="enterprise"))  # public layers only
        got = client.get("/api/resources/nearest", {
            "lon": plant.geom.x, "lat": plant.geom.y, "n": 3, "radius": 10000}).json()
        assert [(r["layer"], r["name"]) for r in got["results"]] == [
            ("fire_stations", "沿江化工园区特勤消防站"),
            ("shelters", "沿江化工园区应急疏散安置点（牛青乡）")]

    def test_enterprises_outside_the_park_hold_the_licences_their_trade_needs(self, loaded):
        graded = Enterprise.objects.exclude(division_code__startswith=PARK).filter(
            standardisation_grade__in=["2", "3"])
        assert licence_counts(outside_park=True) == {**LICENCES_OUTSIDE,
                                                     "standardisation": graded.count()}
        assert graded.count() > 300
        producers = Enterprise.objects.exclude(division_code__startswith=PARK).filter(
            industry__regex=r"^C2[56]")
        assert producers.count() == 138 and producers.filter(licences__kind="safety_production",
                                                             licences__number__contains="WH安许证字"
                                                             ).count() == 138
        assert graded.filter(standardisation_valid_to__isnull=True).count() == 0
        stages = {lic.warning_stage for lic in licences_expiring(
            scope=EVERYTHING, today=timezone.localdate(), warned_only=True)}
        assert stages == {"expired", "7", "30", "90"}  # the warnings page has every stage

