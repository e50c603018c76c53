"""The demo's risk grading: points from the library, graded, logged, zoned; idempotent."""

from data.demo_risk_grading import demo_risk_grading_ensure
from enforcement.risk.models import ControlCheck, RiskPoint, RiskZone


def test_demo_points_for_major_hazard_enterprises(world, library):
    majors = [e for e in world.enterprises_a if e.has_major_hazard]
    assert demo_risk_grading_ensure("320101001001") == 3 * len(majors)
    assert demo_risk_grading_ensure("320101001001") == 0
    assert set(RiskPoint.objects.values_list("enterprise", flat=True)) == {e.pk for e in majors}
    assert not RiskPoint.objects.filter(level__isnull=True).exists()
    assert ControlCheck.objects.count() == 3 * len(majors)
    for zone in RiskZone.objects.all():  # each zone the colour of its highest point
        assert zone.level == min(RiskPoint.objects.filter(enterprise=zone.enterprise)
                                 .values_list("level", flat=True))
