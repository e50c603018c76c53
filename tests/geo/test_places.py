"""geo.places: owned rows copy their owner's place and organisation, and follow it."""

import datetime

from geo.models import Organisation
from geo.places import owned_copy, owner_moved
from registry.agencies.models import Agency, AgencyProject
from registry.hazards.services import hazard_source_create
from registry.licences.services import licence_create
from registry.plans.models import EmergencyPlan
from tests.conftest import box


def _owned_rows(world):
    ent = world.enterprises_a[0]
    source = hazard_source_create(enterprise=ent, name="罐区", kind="tank_farm",
                                  geom=box(ent.geom.x, ent.geom.y, ent.geom.x + 0.001,
                                           ent.geom.y + 0.001))
    licence = licence_create(enterprise=ent, kind="safety_production", number="(苏)WH安许证字1",
                             issuer="测试省应急管理厅", valid_from=datetime.date(2025, 1, 1),
                             valid_to=datetime.date(2028, 1, 1))
    plan = EmergencyPlan(title="综合应急预案", kind="comprehensive", enterprise=ent)
    owned_copy(plan)
    plan.save()
    agency_org = Organisation.objects.create(name="评价所", kind="agency", division=world.county_b)
    agency = Agency.objects.create(name="评价所", kind="safety_evaluation", credit_code="X1",
                                   qualification_number="APJ-1", organisation=agency_org,
                                   division_code=world.county_b.code, geom=ent.geom)
    project = AgencyProject(agency=agency, enterprise=ent, name="现状评价",
                            project_type="status_evaluation", started=datetime.date(2025, 3, 1))
    owned_copy(project)
    project.save()
    return ent, [source, licence, plan, project], agency_org


def test_owned_rows_copy_the_owner(world):
    ent, rows, agency_org = _owned_rows(world)
    assert [(r.division_code, r.organisation_id) for r in rows] == [
        (ent.division_code, ent.organisation_id)] * 3 + [(ent.division_code, agency_org.pk)]


def test_owned_rows_follow_their_owner(world):
    ent, rows, agency_org = _owned_rows(world)
    ent.division_code = "320102001001"
    ent.save()
    owner_moved(ent)
    moved = [type(r).objects.values_list("division_code", "organisation_id").get(pk=r.pk)
             for r in rows]
    assert moved == [("320102001001", ent.organisation_id)] * 3 + [
        ("320102001001", agency_org.pk)]  # a project stays the agency's

