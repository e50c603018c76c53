"""The risk grading (风险分级管控) section of the one-enterprise file page, registered (the
registry never imports it): the points by level with links, counts by level, and each
point in its colour on the site map."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy

from enforcement.risk.maps import point_shapes
from enforcement.risk.methods import Level
from enforcement.risk.selectors import risk_points_of
from geo import authority
from registry.enterprises.sections import Contribution, FileRequest, enterprise_section


@enterprise_section(25, gettext_lazy("风险分级管控"), anchor="risk",
                    template="enforcement/risk/_enterprise_section.html")
def risk_section(file: FileRequest) -> Contribution:
    points = list(risk_points_of(file.enterprise.pk, scope=file.scope))
    counts = {level: 0 for level in Level.values}
    for p in points:
        if p.level:
            counts[p.level] += 1
    shapes, dots = point_shapes(points)
    may_create = authority.may_edit(file.user, file.enterprise)
    return Contribution(context={
        "points": points,
        "counts": [(level, label, counts[level]) for level, label in Level.choices],
        "list_url": reverse("risk:control_list", args=[file.enterprise.pk]),
        "new_url": f"{reverse('risk:library')}?enterprise={file.enterprise.pk}"
        if may_create else ""}, shapes=shapes, dots=dots)
