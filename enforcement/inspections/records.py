"""Reads of the past the draws need (an inspector's own past targets): who was drawn for
or inspected an enterprise in its last few draws or inspections."""

from __future__ import annotations

from collections.abc import Iterable

from enforcement.inspections.models import DrawAssignment, DrawTarget, Inspection


def last_per_key(pairs: Iterable[tuple[int, int]], window: int) -> dict[int, int]:
    """From (key, row) pairs sorted newest first within each key, row -> key for the first
    `window` rows of each key."""
    kept: dict[int, list[int]] = {}
    for key, row in pairs:
        if len(kept.setdefault(key, [])) < window:
            kept[key].append(row)
    return {row: key for key, rows in kept.items() for row in rows}


def inspectors_of_recent_draws(enterprise_ids: set[int], window: int) -> dict[int, set[int]]:
    """Per enterprise, the inspectors paired with it in its last `window` draws."""
    by_pick = last_per_key(
        DrawTarget.objects.filter(enterprise_id__in=enterprise_ids)
        .order_by("enterprise_id", "-draw__drawn_at", "-draw_id")
        .values_list("enterprise_id", "pk"), window)
    found: dict[int, set[int]] = {}
    for pick, inspector in DrawAssignment.objects.filter(pick_id__in=by_pick).values_list(
            "pick_id", "inspector_id"):
        found.setdefault(by_pick[pick], set()).add(inspector)
    return found


def inspectors_of_recent_inspections(enterprise_ids: set[int],
                                     window: int) -> dict[int, set[int]]:
    """Per enterprise, the inspectors of its last `window` inspections (done or planned)."""
    by_inspection = last_per_key(
        Inspection.objects.filter(enterprise_id__in=enterprise_ids)
        .order_by("enterprise_id", "-scheduled_on", "-pk").values_list("enterprise_id", "pk"),
        window)
    found: dict[int, set[int]] = {}
    through = Inspection.inspectors.through.objects.filter(inspection_id__in=by_inspection)
    for inspection, inspector in through.values_list("inspection_id", "inspector_id"):
        found.setdefault(by_inspection[inspection], set()).add(inspector)
    return found
