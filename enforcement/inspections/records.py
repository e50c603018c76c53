"""Reads of past inspections the draws need (an inspector's own past targets)."""

from __future__ import annotations

from enforcement.inspections.models import Inspection


def inspectors_of_recent_inspections(enterprise_ids: set[int],
                                     window: int) -> dict[int, set[int]]:
    """Per enterprise, the inspectors of its last `window` inspections (done or planned)."""
    rows = (Inspection.objects.filter(enterprise_id__in=enterprise_ids)
            .order_by("enterprise_id", "-scheduled_on", "-pk").values_list("enterprise_id", "pk"))
    kept: dict[int, list[int]] = {}
    for enterprise, inspection in rows:
        if len(kept.setdefault(enterprise, [])) < window:
            kept[enterprise].append(inspection)
    by_inspection = {i: e for e, ids in kept.items() for i in ids}
    found: dict[int, set[int]] = {}
    through = Inspection.inspectors.through.objects.filter(inspection_id__in=by_inspection)
    for inspection, inspector in through.values_list("inspection_id", "inspector_id"):
        found.setdefault(by_inspection[inspection], set()).add(inspector)
    return found
