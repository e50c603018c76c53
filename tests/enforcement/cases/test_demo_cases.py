"""The demo county's cases: one per stage, taken there through the flow; idempotent."""

from __future__ import annotations

from data.demo_cases import STOPS, demo_cases_ensure
from enforcement.cases.flow import STEPS
from enforcement.cases.models import Case
from enforcement.credit.models import Investigation, Listing
from geo.models import Organisation


def test_the_demo_cases_of_a_county(world):
    Organisation.objects.create(name="甲县应急管理局", kind="government",
                                division=world.county_a)
    assert demo_cases_ensure(world.county_a.code) == 5  # the county's five enterprises
    states = list(Case.objects.order_by("pk").values_list("state", flat=True))
    assert states == ["proposed", *(STEPS[a].target for a in STOPS[1:5])]
    assert Listing.objects.get().state == "published" and Investigation.objects.count() == 1
    assert demo_cases_ensure(world.county_a.code) == 0
