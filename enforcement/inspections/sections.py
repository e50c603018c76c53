"""The inspections section of the one-enterprise file page (一企一档): the enterprise's
inspections with their state and failed items, each linking its record."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy

from enforcement.inspections.selectors import enterprise_inspections
from registry.enterprises.sections import Contribution, FileRequest, enterprise_section

SHOWN = 20


@enterprise_section(55, gettext_lazy("现场检查"), anchor="inspections",
                    template="enforcement/inspections/_enterprise_section.html")
def inspections_section(file: FileRequest) -> Contribution:
    rows = enterprise_inspections(scope=file.scope, enterprise_id=file.enterprise.pk)[:SHOWN]
    return Contribution(context={"inspections": [
        {"inspection": i, "url": reverse("inspections:inspection", args=[i.pk])}
        for i in rows]})
