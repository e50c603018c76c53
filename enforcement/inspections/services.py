"""Writes of the inspections slice (plans, draws, on-site inspections) and the hook a case
is opened through; what other slices may call. The work is in `plans`, `draws`, `onsite`
and `cases`; this module names the public ones."""

from enforcement.inspections.cases import (
    CaseRequest,
    case_opener_register,
    case_request,
    inspection_case_open,
)
from enforcement.inspections.draws import (
    draw_audit,
    draw_compute,
    draw_publish,
    draw_replay,
    draw_result,
    draw_run,
    draw_verified,
)
from enforcement.inspections.onsite import (
    inspection_close,
    inspection_record,
    inspection_schedule,
    measure_add,
    rectification_order,
    reinspection_record,
)
from enforcement.inspections.plans import plan_create, plan_targets_choose

__all__ = ["CaseRequest", "case_opener_register", "case_request", "draw_audit", "draw_compute",
           "draw_publish", "draw_replay", "draw_result", "draw_run", "draw_verified",
           "inspection_case_open", "inspection_close", "inspection_record",
           "inspection_schedule", "measure_add", "plan_create", "plan_targets_choose",
           "rectification_order", "reinspection_record"]
