"""geo.authority, the one write gate: owners, supervisors over a place, deciders."""

from types import SimpleNamespace

from geo import authority
from geo.models import Organisation, Role, User


def _row(world, county="county_a", organisation_id=None):
    code = getattr(world, county).code[:6] + "001001"
    return SimpleNamespace(division_code=code, organisation_id=organisation_id)


def test_supervisors_supervise_their_jurisdiction_only(world):
    row = _row(world)
    assert [name for name, user in world.users.items() if authority.supervises(user, row)] == [
        "admin", "province", "county_a"]  # analysts read; enterprises own, not supervise
    assert not authority.supervises(world.users["county_b"], row)
    assert authority.may_place(world.users["county_a"], row.division_code)
    assert not authority.may_place(world.users["county_a"], _row(world, "county_b").division_code)


def test_owners_are_users_of_the_owning_organisation(world):
    org = world.users["enterprise"].organisation
    row = _row(world, organisation_id=org.pk)
    assert [name for name, user in world.users.items() if authority.owns(user, row)] == [
        "enterprise"]
    assert not authority.owns(world.users["enterprise"], _row(world))  # no owner at all
    assert authority.may_edit(world.users["enterprise"], row)
    assert not authority.may_edit(world.users["analyst"], row)


def test_nobody_decides_their_own_submission(world):
    office = Organisation.objects.create(name="甲县应急管理局", kind="government",
                                         division=world.county_a)
    officer = User.objects.create_user("officer", role=Role.COUNTY, division=world.county_a,
                                       organisation=office)
    own = _row(world, organisation_id=office.pk)  # the county's own plan
    assert authority.supervises(officer, own) and not authority.may_decide(officer, own)
    assert authority.may_decide(world.users["province"], own)
    assert authority.may_decide(world.users["admin"], own)


def test_inactive_and_anonymous_users_may_do_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    county = world.users["county_a"]
    county.is_active = False
    row = _row(world)
    assert not authority.supervises(county, row)
    assert not authority.owns(AnonymousUser(), row)
    assert not authority.is_supervisor(AnonymousUser())


def test_a_post_is_held_inside_the_owning_organisation_only(world):
    office = Organisation.objects.create(name="甲县应急管理局", kind="government",
                                         division=world.county_a)
    head = User.objects.create_user("head", role=Role.COUNTY, division=world.county_a,
                                    organisation=office, posts=["head"])
    own, other = _row(world, organisation_id=office.pk), _row(world)
    assert authority.holds_post(head, own, "head")
    assert not authority.holds_post(head, own, "legal")
    assert not authority.holds_post(head, other, "head")  # a post is not a jurisdiction
    head.role = Role.GRID  # grid members read only, whatever post their account names
    assert not authority.holds_post(head, own, "head")
