"""双随机一公开: draw N targets from the target library and pair each with inspectors by
rule, reproducibly.

`draw_compute` is a pure function of the recorded inputs: `random.Random(seed)` samples the
targets from the candidates (ids in ascending order), then for each picked target shuffles
the inspectors not in conflict with it and takes the least-loaded ones (the shuffle
breaks ties, so work spreads evenly and randomly). `draw_run` records the inputs with the
result; `draw_replay` computes the result again from the row alone.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Iterable
from dataclasses import replace

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement.inspections.models import (
    Draw,
    DrawAssignment,
    DrawTarget,
    Plan,
    PlanTarget,
    TargetSource,
)
from enforcement.inspections.plans import area_prefix
from enforcement.inspections.records import (
    inspectors_of_recent_draws,
    inspectors_of_recent_inspections,
)
from enforcement.library.selectors import (
    TargetFilter,
    inspectors_active,
    targets_by_ids,
    targets_matching,
)
from geo import authority
from geo.audit import acting_as
from geo.scope import scope_for_user_id

Result = list[tuple[int, list[int]]]  # (target id, [inspector ids, lead first]) in pick order
SEED_BITS = 62


def draw_compute(*, seed: int, candidates: list[int], pool: list[int],
                 excluded: dict[int, Iterable[int]], count: int, per_target: int) -> Result:
    """The draw's result from its inputs alone. Raises ValidationError when a picked target
    has fewer than `per_target` inspectors free of conflict."""
    rng = random.Random(seed)
    picked = rng.sample(sorted(candidates), min(count, len(candidates)))
    load = dict.fromkeys(pool, 0)
    result: Result = []
    for target in picked:
        barred = set(excluded.get(target, ()))
        free = [i for i in sorted(pool) if i not in barred]
        if len(free) < per_target:
            raise ValidationError(_("可回避后的执法人员不足：对象 %(t)s 需要 %(n)d 名") % {
                "t": target, "n": per_target})
        rng.shuffle(free)
        free.sort(key=load.__getitem__)  # stable: random order among equal loads
        chosen = free[:per_target]
        for inspector in chosen:
            load[inspector] += 1
        result.append((target, chosen))
    return result


def draw_replay(draw: Draw) -> Result:
    """The result computed again from what the draw recorded (an audit)."""
    return draw_compute(seed=draw.seed, candidates=list(draw.candidates), pool=list(draw.pool),
                        excluded=_excluded_in(draw.excluded), count=draw.target_count,
                        per_target=draw.inspectors_per_target)


def draw_result(draw: Draw) -> Result:
    """The result as stored."""
    picks = draw.picks.order_by("position").prefetch_related("assignments")
    return [(p.target_id, [a.inspector_id for a in sorted(p.assignments.all(),
                                                          key=lambda a: a.position)])
            for p in picks]


def draw_verified(draw: Draw) -> bool:
    """Whether the stored result is what the recorded inputs give."""
    return draw_result(draw) == draw_replay(draw)


def draw_audit(draw: Draw) -> dict:
    """Everything a draw was computed from and its result, for anyone to recompute: Python's
    `random.Random(seed)`, `sample(sorted(candidates), target_count)`, then per picked
    target the conflict-free pool sorted, shuffled, stably sorted by load, the first
    `inspectors_per_target` taken (`draw_compute`)."""
    return {"draw": draw.pk, "title": draw.title, "drawn_at": draw.drawn_at.isoformat(),
            "seed": draw.seed, "target_count": draw.target_count,
            "inspectors_per_target": draw.inspectors_per_target,
            "conflict_window": draw.conflict_window, "criteria": draw.criteria,
            "candidates": list(draw.candidates), "pool": list(draw.pool),
            "excluded": draw.excluded,
            "result": [{"target": t, "inspectors": i} for t, i in draw_result(draw)],
            "verified": draw_verified(draw)}


def _excluded_in(stored: dict) -> dict[int, list[int]]:
    return {int(target): [int(i) for i in ids] for target, ids in stored.items()}


# ---- conflicts (回避) -------------------------------------------------------------------------
def draw_conflicts(target_ids: list[int], *, window: int) -> dict[int, list[int]]:
    """Per target, the inspectors paired with its enterprise in its last `window` draws or
    who inspected it in its last `window` inspections (an inspector's own past targets)."""
    if window <= 0 or not target_ids:
        return {}
    enterprises = {t.pk: t.enterprise_id for t in targets_by_ids(target_ids).values()}
    recent = inspectors_of_recent_draws(set(enterprises.values()), window)
    inspected = inspectors_of_recent_inspections(set(enterprises.values()), window)
    conflicts = {}
    for target, enterprise in enterprises.items():
        barred = recent.get(enterprise, set()) | inspected.get(enterprise, set())
        if barred:
            conflicts[target] = sorted(barred)
    return conflicts


# ---- the write -------------------------------------------------------------------------------
def draw_run(*, user, title: str, where: TargetFilter, count: int, per_target: int = 2,
             conflict_window: int = 3, plan: Plan | None = None, specialty: str = "",
             seed: int | None = None) -> Draw:
    """Draw for the user's area (or `where.prefix` inside it), record inputs and result, and
    put the picked enterprises into `plan` if given. Supervisors only."""
    area = _draw_area(user, where, plan)
    where = replace(where, prefix=where.prefix or area_prefix(area))  # a plan's area bounds it
    if per_target < 2:
        raise ValidationError({"inspectors_per_target": _("每个检查对象至少配2名执法人员")})
    if count < 1:
        raise ValidationError({"target_count": _("抽取对象数至少为1")})
    scope = scope_for_user_id(user.pk)
    candidates = list(targets_matching(scope=scope, where=where).values_list("pk", flat=True))
    if not candidates:
        raise ValidationError(_("没有符合条件的检查对象"))
    pool = list(inspectors_active(scope=scope, prefix=area_prefix(area), specialty=specialty,
                                  today=timezone.localdate()).values_list("pk", flat=True))
    excluded = draw_conflicts(candidates, window=conflict_window)
    seed = secrets.randbits(SEED_BITS) if seed is None else seed
    result = draw_compute(seed=seed, candidates=candidates, pool=pool, excluded=excluded,
                          count=count, per_target=per_target)
    draw = Draw(title=title.strip() or _("双随机抽查"), plan=plan, organisation=user.organisation,
                criteria={**where.as_dict(), "specialty": specialty}, target_count=count,
                inspectors_per_target=per_target, conflict_window=conflict_window, seed=seed,
                candidates=candidates, pool=pool,
                excluded={str(k): v for k, v in excluded.items()}, drawn_at=timezone.now(),
                drawn_by=user, division_code=area)
    with transaction.atomic(), acting_as(user.pk):
        draw.save()
        _store(draw, result, plan)
    return draw


def _store(draw: Draw, result: Result, plan: Plan | None) -> None:
    targets = targets_by_ids([t for t, _ in result])
    for position, (target, inspectors) in enumerate(result, 1):
        pick = DrawTarget.objects.create(draw=draw, position=position, target_id=target,
                                         enterprise_id=targets[target].enterprise_id)
        DrawAssignment.objects.bulk_create(
            DrawAssignment(pick=pick, position=n, inspector_id=i)
            for n, i in enumerate(inspectors, 1))
        if plan is not None:
            PlanTarget.objects.get_or_create(
                plan=plan, enterprise_id=targets[target].enterprise_id,
                defaults={"source": TargetSource.DRAW, "draw": draw,
                          "division_code": targets[target].division_code})


def _draw_area(user, where: TargetFilter, plan: Plan | None) -> str:
    """The 12-digit code the draw belongs to: the filter's division, else the plan's, else
    the user's own area; refused outside the user's jurisdiction."""
    if where.prefix:
        code = where.prefix.ljust(12, "0")
    elif plan is not None:
        code = plan.division_code
    else:
        code = user.division_id or ""
    if not authority.may_place(user, code) or (plan is not None
                                                and not authority.supervises(user, plan)):
        raise PermissionDenied(_("只能在本辖区内抽查"))
    if plan is not None and not code.startswith(area_prefix(plan.division_code)):
        raise ValidationError(_("抽查范围超出执法计划的辖区"))
    return code


def draw_publish(*, user, draw: Draw) -> Draw:
    """公开: the draw's targets and inspectors go on the public page."""
    if not authority.supervises(user, draw):
        raise PermissionDenied(_("只能公示本辖区的抽查结果"))
    if draw.published_at is None:
        with transaction.atomic(), acting_as(user.pk):
            draw.published_at = timezone.now()
            draw.save(update_fields=["published_at"])
    return draw
