"""The demo's hidden dangers (data/demo_dangers.py), made through the slice's services for
the demo `enterprise` account's firm: one in each part of the loop, once."""

from __future__ import annotations

from collections import Counter
from io import StringIO

from django.core.management import call_command

from data.demo_dangers import demo_dangers_ensure
from enforcement.dangers.models import HiddenDanger
from enforcement.dangers.selectors import precise_enforcement_candidates
from geo.models import Role, User
from geo.scope import EVERYTHING
from tests.geo.conftest import departments  # noqa: F401  (a fixture, shared)


def test_the_demo_firm_gets_a_danger_in_each_part_of_the_loop(world, departments):  # noqa: F811
    call_command("load_checklists", stdout=StringIO())
    User.objects.create_user("county", password="pw", role=Role.COUNTY,
                             division=world.county_a)
    assert demo_dangers_ensure() == 5
    rows = HiddenDanger.objects.filter(enterprise=world.enterprises_a[0])
    assert Counter(rows.values_list("state", flat=True)) == {
        "closed": 1, "rectifying": 1, "awaiting": 1, "registered": 2}
    major = rows.get(level="major")
    assert (major.supervision, major.photos.get().stage) == ("supervised", "after")
    assert rows.filter(check_record__isnull=False).count() == 1
    assert list(precise_enforcement_candidates(scope=EVERYTHING)) == []  # not overdue
    assert demo_dangers_ensure() == 0
