"""Demo organisations (组织机构) and one account per role, with fixed demo passwords.

The roles that sign in with a second factor (settings.OTP_REQUIRED_ROLES: the system,
security and audit administrators) get an authenticator bound with a secret that
`load_demo` prints, so the demo shows the sign-in a deployment has (docs/security.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

from data.divisions import PARK_NAME
from geo.models import ApiToken, GridCell, Organisation, OrganisationKind, Role, TokenAccess, User
from geo.second_factor import confirmed_device, otp_required, secret_text
from geo.tokens import token_create

TOKEN_NAME = "load_demo"
# username, role, where the account sits (see `_places`)
ACCOUNTS = [
    ("admin", Role.ADMIN, None),
    ("province", Role.PROVINCE, "province"),
    ("city", Role.CITY, "city"),
    ("county", Role.COUNTY, "county"),
    ("park", Role.PARK, "park"),
    ("grid", Role.GRID, "village"),
    ("enterprise", Role.ENTERPRISE, "village"),
    ("analyst", Role.ANALYST, "province"),
    ("agency", Role.AGENCY, "county"),  # linked to a demo agency by data.demo_knowledge
    ("security", Role.SECURITY_ADMIN, None),
    ("auditor", Role.AUDITOR, None),
]
# Who may open the admin: the system administrator, and the security and audit
# administrators for their own pages (三权分立, geo.admin.RoleAdmin).
STAFF_ROLES = {Role.ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR}


def password_for(username: str) -> str:
    return f"demo-{username}"


@dataclass
class Account:
    username: str
    password: str
    role: str
    division: str
    organisation: str
    token: str = ""
    totp_secret: str = ""


def _government(region) -> list[tuple[str, str, str | None]]:
    """(name, division code, parent's division code) of the emergency management
    departments (应急管理厅/局) of province, cities and counties, and the park's
    management committee (管委会). Provinces have a 厅, cities and counties a 局."""
    d = region.divisions
    rows = []
    for level, word in (("province", "应急管理厅"), ("city", "应急管理局"),
                        ("county", "应急管理局")):
        for code, name, parent in d.loc[d["level"] == level,
                                         ["code", "name", "parent_code"]].itertuples(False):
            rows.append((name + word, code, parent))
    park = region.park_code
    rows.append((PARK_NAME + "管理委员会", park, park[:6] + "000000"))
    return rows


def organisations_ensure(region) -> dict[tuple[str, str], int]:
    """Create the government and park-enterprise organisations that are missing;
    return {(name, division code): id} for all of them."""
    prefix = region.province_code[:2]
    known = {(o.name, o.division_id): o.id
             for o in Organisation.objects.filter(division__code__startswith=prefix)}
    for name, code, parent in _government(region):
        if (name, code) not in known:
            parent_id = next((v for (n, c), v in known.items() if c == parent
                              and n.endswith(("应急管理厅", "应急管理局"))), None)
            org = Organisation.objects.bulk_create([Organisation(
                name=name, kind=OrganisationKind.GOVERNMENT, division_id=code,
                parent_id=parent_id)])[0]
            known[(name, code)] = org.id
    park = region.enterprises[region.enterprises["park"]]
    missing = [Organisation(name=n, kind=OrganisationKind.ENTERPRISE, division_id=c)
               for n, c in park[["name", "division_code"]].itertuples(False)
               if (n, c) not in known]
    for org in Organisation.objects.bulk_create(missing):
        known[(org.name, org.division_id)] = org.id
    return known


def link_park_enterprises(region) -> int:
    """Point each park enterprise at its organisation (一企一档 owner scope)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE registry_enterprise e SET organisation_id = o.id FROM geo_organisation o"
            " WHERE e.division_code LIKE %s AND o.division_id = e.division_code"
            " AND o.name = e.name AND o.kind = %s"
            " AND e.organisation_id IS DISTINCT FROM o.id",
            [region.park_code[:9] + "%", OrganisationKind.ENTERPRISE],
        )
        return cursor.rowcount


def _places(region, orgs: dict[tuple[str, str], int]) -> dict[str, tuple[str, int | None]]:
    """Division code and organisation id of each kind of account."""
    park = region.park_code
    first = region.enterprises.iloc[0]  # the park's first major-hazard enterprise
    gov = {code: orgs.get((name, code)) for name, code, _ in _government(region)}
    province, city, county = park[:2] + "0" * 10, park[:4] + "0" * 8, park[:6] + "0" * 6
    return {
        "province": (province, gov[province]), "city": (city, gov[city]),
        "county": (county, gov[county]), "park": (park, gov[park]),
        "village": (first["division_code"], orgs[(first["name"], first["division_code"])]),
    }


def accounts_ensure(region, orgs: dict[tuple[str, str], int]) -> list[Account]:
    """One account per role; re-running resets passwords and replaces the analyst's
    demo token, so nothing is duplicated."""
    places = _places(region, orgs)
    out = []
    for username, role, where in ACCOUNTS:
        code, org_id = places[where] if where else (None, None)
        if role == Role.GRID:
            org_id = places["park"][1]
        if role == Role.AGENCY:
            org_id = _agency_organisation_id()
        user = User.objects.filter(username=username).first() or User(username=username)
        user.role, user.division_id, user.organisation_id = role, code, org_id
        user.is_staff = role in STAFF_ROLES
        user.is_superuser = role == Role.ADMIN
        user.is_active = True
        user.set_password(password_for(username))
        user.save()
        account = Account(username, password_for(username), role, code or "",
                          Organisation.objects.filter(pk=org_id).values_list(
                              "name", flat=True).first() or "")
        if role == Role.ANALYST:
            ApiToken.objects.filter(user=user, name=TOKEN_NAME).delete()
            account.token = token_create(user=user, name=TOKEN_NAME, access=TokenAccess.READ,
                                         days=365)
        if otp_required(user):
            account.totp_secret = secret_text(_demo_device(user))
        if role == Role.GRID:
            cell = GridCell.objects.filter(code="W" + code).first()
            if cell is not None:
                cell.responsible.add(user)
        out.append(account)
    return out


def _demo_device(user: User):
    """The account's bound authenticator; kept across reruns, so an app that already
    holds the secret keeps working."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return confirmed_device(user) or TOTPDevice.objects.create(
        user=user, name="demo", confirmed=True)


def _agency_organisation_id() -> int | None:
    """The first demo agency's organisation, once the agencies exist (a rerun finds it)."""
    return (Organisation.objects.filter(kind=OrganisationKind.AGENCY).order_by("pk")
            .values_list("pk", flat=True).first())


def agency_account_link() -> None:
    """Give the demo agency account its agency, after the agencies are created."""
    User.objects.filter(username="agency", role=Role.AGENCY).update(
        organisation_id=_agency_organisation_id())


def demo_users_delete() -> None:
    """Before the region is replaced: its divisions protect the accounts placed in them."""
    User.objects.filter(username__in=[a[0] for a in ACCOUNTS]).delete()

