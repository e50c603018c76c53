"""The hidden-danger loop on geo.workflow.Flow (real PostGIS): every legal and illegal
transition, who may take each (the enterprise, its supervisor, another county's supervisor,
an analyst), what each step needs, who is told, and 挂牌督办."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from enforcement.dangers import services
from enforcement.dangers.loop import LOOP, PLAN_FIELDS, SUPERVISION
from enforcement.dangers.models import (
    DangerLevel,
    DangerSource,
    DangerState,
    HiddenDanger,
    Supervision,
    Tone,
)
from geo.models import Notification

S = DangerState
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
PLAN = {name: f"方案{i}" for i, name in enumerate(PLAN_FIELDS, 1)}


def photo(name="after.png", data=PNG):
    return SimpleUploadedFile(name, data, content_type="image/png")


def register(plant, user, **fields):
    return services.danger_register(enterprise=plant, user=user, **{
        "name": "储罐区防火堤破损", "description": "东侧防火堤裂缝约2米", **fields})


def to_rectifying(danger, user, level=DangerLevel.GENERAL):
    danger = services.danger_step(danger=danger, action="grade", user=user, level=level,
                                  manage_type="deadline",
                                  deadline=datetime.date.today() + datetime.timedelta(days=7))
    extra = {"cost": 5000, "assessment": "可能导致泄漏扩散", **PLAN} if level == "major" else {}
    return services.danger_step(danger=danger, action="start", user=user,
                                control_measures="修补防火堤", liable_person="张三", **extra)


def to_awaiting(danger, user, level=DangerLevel.GENERAL):
    danger = to_rectifying(danger, user, level)
    if level == DangerLevel.MAJOR:
        services.danger_photos_add(danger=danger, user=user, stage="after", photos=[photo()])
    return services.danger_step(danger=danger, action="submit", user=user,
                                rectification="已修补并验收")


def inbox(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).order_by("pk")
                .values_list("title", flat=True))


# ---- registering -----------------------------------------------------------------------
def test_the_enterprise_registers_at_its_own_point_and_nobody_is_told(plant, users):
    danger = register(plant, users["enterprise"])
    assert (danger.state, danger.tone, danger.registered_by, danger.division_code,
            danger.organisation_id) == (S.REGISTERED, Tone.UNGRADED, users["enterprise"],
                                        plant.division_code, plant.organisation_id)
    assert danger.geom.coords == plant.geom.coords and danger.source == DangerSource.SELF
    assert list(danger.steps.values_list("action", "state")) == [("register", "registered")]
    assert Notification.objects.count() == 0


def test_a_supervisor_registers_on_inspection_and_the_enterprise_is_told(plant, users):
    danger = register(plant, users["county_a"], source=DangerSource.INSPECTION,
                      geom=Point(118.151, 32.121, srid=4326))
    assert danger.organisation_id == plant.organisation_id
    assert inbox(users["enterprise"]) == ["登记隐患：储罐区防火堤破损"]


@pytest.mark.parametrize("who", ["county_b", "analyst"])
def test_others_may_not_register(plant, users, who):
    with pytest.raises(PermissionDenied):
        register(plant, users[who])
    assert HiddenDanger.objects.count() == 0


def test_register_refuses_a_bad_photo_before_writing(plant, users):
    with pytest.raises(ValidationError) as caught:
        register(plant, users["enterprise"], photos=[photo("x.png", b"GIF89a....")])
    assert list(caught.value.message_dict) == ["photos"]
    assert HiddenDanger.objects.count() == 0


# ---- every (step, state) pair: legal only from its sources ------------------------------
LEVEL_OF = {"accept": "general", "reject": "general", "close": "general",
            "confirm": "major", "refuse": "major", "close_major": "major"}


@pytest.mark.parametrize("action", [a for a in LOOP.steps if a != "register"])
def test_a_step_is_legal_only_from_its_source_states(plant, users, departments, action):
    danger = register(plant, users["enterprise"])
    danger.photos.create(stage="after", image="x.png")
    step = LOOP.step(action)
    actor = users["enterprise"] if step.by == "owner" else users["county_a"]
    reason = "不合格" if step.reason_required else ""
    for state in S.values:
        HiddenDanger.objects.filter(pk=danger.pk).update(
            state=state, level=LEVEL_OF.get(action, "major"), manage_type="deadline",
            deadline=datetime.date(2030, 1, 1), control_measures="m", liable_person="p",
            cost=1, assessment="a", rectification="r", **PLAN)
        danger.refresh_from_db()
        if state in step.sources:
            moved = services.danger_step(danger=danger, action=action, user=actor,
                                         reason=reason)
            assert moved.state == step.target, state
        else:
            with pytest.raises(ValidationError) as caught:
                services.danger_step(danger=danger, action=action, user=actor, reason=reason)
            assert "state" in caught.value.message_dict, state
            assert HiddenDanger.objects.get(pk=danger.pk).state == state


# ---- who may take each step ------------------------------------------------------------
def test_each_user_sees_their_own_steps(plant, users, departments):
    general = register(plant, users["enterprise"])
    assert LOOP.actions(users["enterprise"], general) == ["grade"]
    for who in ("county_a", "county_b", "analyst", "province"):
        assert LOOP.actions(users[who], general) == []
    general = to_awaiting(general, users["enterprise"])
    assert LOOP.actions(users["enterprise"], general) == ["accept", "reject"]
    assert LOOP.actions(users["county_a"], general) == []
    major = to_awaiting(register(plant, users["enterprise"]), users["enterprise"], "major")
    assert LOOP.actions(users["enterprise"], major) == []
    assert LOOP.actions(users["county_a"], major) == ["confirm", "refuse"]
    assert LOOP.actions(users["province"], major) == ["confirm", "refuse"]
    assert LOOP.actions(users["county_b"], major) == []
    assert LOOP.actions(users["analyst"], major) == []


@pytest.mark.parametrize("who", ["county_a", "county_b", "analyst"])
def test_only_the_enterprise_grades_rectifies_and_hands_in(plant, users, departments, who):
    danger = register(plant, users["enterprise"])
    with pytest.raises(PermissionDenied, match="只有本企业用户"):
        services.danger_step(danger=danger, action="grade", user=users[who], level="general",
                             manage_type="immediate")
    danger.refresh_from_db()
    assert (danger.state, danger.level) == (S.REGISTERED, "")  # the fields rolled back


def test_a_general_danger_is_accepted_and_closed_by_the_enterprise(plant, users, departments):
    ent = users["enterprise"]
    danger = to_awaiting(register(plant, ent), ent)
    with pytest.raises(PermissionDenied):
        services.danger_step(danger=danger, action="accept", user=users["county_a"])
    with pytest.raises(ValidationError, match="一般隐患由企业自行验收"):
        services.danger_step(danger=danger, action="confirm", user=users["county_a"])
    danger = services.danger_step(danger=danger, action="accept", user=ent, reason="合格")
    assert (danger.state, danger.accepted_by, danger.acceptance_comment, danger.tone) == (
        S.ACCEPTED, ent, "合格", Tone.DONE)
    danger = services.danger_step(danger=danger, action="close", user=ent)
    assert danger.state == S.CLOSED and danger.closed_at is not None
    assert Notification.objects.filter(recipient__organisation=departments["county_a"]
                                       ).count() == 0  # the enterprise's own business


def test_failed_acceptance_returns_to_rectifying_with_its_reason(plant, users, departments):
    ent = users["enterprise"]
    danger = to_awaiting(register(plant, ent), ent)
    with pytest.raises(ValidationError) as caught:
        services.danger_step(danger=danger, action="reject", user=ent, reason="  ")
    assert caught.value.message_dict == {"acceptance_comment": ["验收不通过时须填写原因"]}
    danger = services.danger_step(danger=danger, action="reject", user=ent, reason="裂缝未封堵")
    assert (danger.state, danger.acceptance_comment) == (S.RECTIFYING, "裂缝未封堵")
    assert list(danger.steps.values_list("action", flat=True)) == [
        "register", "grade", "start", "submit", "reject"]
    danger = services.danger_step(danger=danger, action="submit", user=ent,
                                  rectification="已封堵")
    assert danger.state == S.AWAITING


def test_immediate_rectification_is_due_today_and_major_cannot_be_immediate(plant, users):
    ent = users["enterprise"]
    danger = services.danger_step(danger=register(plant, ent), action="grade", user=ent,
                                  level="general", manage_type="immediate")
    assert (danger.deadline, danger.tone) == (timezone.localdate(), Tone.GENERAL_OPEN)
    other = register(plant, ent)
    with pytest.raises(ValidationError) as caught:
        services.danger_step(danger=other, action="grade", user=ent, level="major",
                             manage_type="immediate")
    assert list(caught.value.message_dict) == ["manage_type"]
    with pytest.raises(ValidationError) as caught:
        services.danger_step(danger=other, action="grade", user=ent)
    assert sorted(caught.value.message_dict) == ["level", "manage_type"]


def test_rectification_needs_the_five_implementations_and_a_major_the_plan(plant, users,
                                                                          departments):
    ent = users["enterprise"]
    danger = services.danger_step(danger=register(plant, ent), action="grade", user=ent,
                                  level="major", manage_type="deadline",
                                  deadline=datetime.date(2030, 1, 1))
    with pytest.raises(ValidationError) as caught:
        services.danger_step(danger=danger, action="start", user=ent,
                             control_measures="修补", liable_person="张三")
    assert sorted(caught.value.message_dict) == sorted(["cost", "assessment", *PLAN_FIELDS])
    assert caught.value.message_dict["plan_goal"] == ["请填写治理的目标和任务"]
    danger = services.danger_step(danger=danger, action="start", user=ent, cost=5000,
                                  control_measures="修补", liable_person="张三",
                                  assessment="可能泄漏", **PLAN)
    assert (danger.state, danger.tone) == (S.RECTIFYING, Tone.MAJOR_OPEN)
    with pytest.raises(ValidationError) as caught:
        services.danger_step(danger=danger, action="submit", user=ent, rectification="已修")
    assert list(caught.value.message_dict) == ["photos"]


def test_a_major_danger_is_reported_and_its_acceptance_is_the_departments(plant, users,
                                                                          departments):
    ent, county = users["enterprise"], users["county_a"]
    danger = to_awaiting(register(plant, ent), ent, "major")
    # grading, the report with the plan and the application reached the department only
    assert inbox(county) == ["定级：储罐区防火堤破损", "开始整改：储罐区防火堤破损",
                             "申请验收：储罐区防火堤破损"]
    report = Notification.objects.get(recipient=county, title__startswith="开始整改")
    assert "危害程度和整改难易程度分析：可能导致泄漏扩散" in report.body
    assert report.link == f"/enforcement/dangers/{danger.pk}/"
    assert inbox(users["county_b"]) == [] and inbox(users["province"]) == []
    with pytest.raises(ValidationError, match="重大隐患须由监管部门验收"):
        services.danger_step(danger=danger, action="accept", user=ent)
    for who in ("county_b", "analyst"):
        with pytest.raises(PermissionDenied, match="只有管辖该企业的监管部门"):
            services.danger_step(danger=danger, action="confirm", user=users[who])
    danger = services.danger_step(danger=danger, action="refuse", user=county, reason="不合格")
    assert danger.state == S.RECTIFYING and inbox(ent) == ["监管部门验收不通过：储罐区防火堤破损"]
    danger = services.danger_step(danger=danger, action="submit", user=ent,
                                  rectification="返工完成")
    danger = services.danger_step(danger=danger, action="confirm", user=county, reason="合格")
    assert (danger.state, danger.accepted_by) == (S.ACCEPTED, county)
    with pytest.raises(ValidationError):
        services.danger_step(danger=danger, action="close", user=ent)
    danger = services.danger_step(danger=danger, action="close_major", user=county)
    assert danger.state == S.CLOSED


# ---- 挂牌督办 ----------------------------------------------------------------------------
def test_the_department_supervises_a_major_danger_with_a_deadline(plant, users, departments):
    ent, county = users["enterprise"], users["county_a"]
    danger = to_rectifying(register(plant, ent), ent, "major")
    due = datetime.date.today() + datetime.timedelta(days=30)
    for who in ("enterprise", "county_b", "analyst"):
        with pytest.raises(PermissionDenied):
            services.danger_supervise(danger=danger, user=users[who], deadline=due)
    assert SUPERVISION.actions(county, danger) == ["supervise"]
    danger = services.danger_supervise(danger=danger, user=county, deadline=due, note="停产整改")
    assert (danger.supervision, danger.supervision_deadline, danger.supervised_by) == (
        Supervision.SUPERVISED, due, departments["county_a"])
    assert inbox(ent) == ["挂牌督办：储罐区防火堤破损"]
    with pytest.raises(ValidationError):
        services.danger_supervise(danger=danger, user=county, deadline=due)
    danger = services.danger_lift(danger=danger, user=county)
    assert danger.supervision == Supervision.LIFTED


def test_a_general_danger_is_not_supervised_and_closing_takes_the_plate_down(plant, users,
                                                                             departments):
    ent, county = users["enterprise"], users["county_a"]
    general = to_rectifying(register(plant, ent), ent)
    assert SUPERVISION.actions(county, general) == []
    with pytest.raises(PermissionDenied):
        services.danger_supervise(danger=general, user=county, deadline=datetime.date.today())
    major = to_awaiting(register(plant, ent), ent, "major")
    services.danger_supervise(danger=major, user=county, deadline=datetime.date(2030, 1, 1))
    major = services.danger_step(danger=major, action="confirm", user=county)
    major = services.danger_step(danger=major, action="close_major", user=county)
    assert (major.state, major.supervision) == (S.CLOSED, Supervision.LIFTED)


# ---- editing and photos ----------------------------------------------------------------
def test_details_are_corrected_only_by_the_enterprise_before_handing_in(plant, users,
                                                                        departments):
    ent = users["enterprise"]
    danger = register(plant, ent)
    danger = services.danger_update(danger=danger, user=ent, cause="巡检不到位",
                                    geom=Point(118.16, 32.13, srid=4326))
    assert danger.cause == "巡检不到位" and danger.geom.coords == (118.16, 32.13)
    with pytest.raises(PermissionDenied):
        services.danger_update(danger=danger, user=users["county_a"], cause="x")
    danger = to_awaiting(danger, ent)
    with pytest.raises(ValidationError):
        services.danger_update(danger=danger, user=ent, cause="y")


def test_photos_by_stage_and_who(plant, users, departments):
    ent = users["enterprise"]
    danger = register(plant, ent)
    with pytest.raises(ValidationError):  # nothing rectified yet
        services.danger_photos_add(danger=danger, user=ent, stage="after", photos=[photo()])
    with pytest.raises(PermissionDenied):
        services.danger_photos_add(danger=danger, user=users["county_b"], stage="before",
                                   photos=[photo()])
    saved = services.danger_photos_add(danger=danger, user=users["county_a"], stage="before",
                                       photos=[photo("a.png"), photo("b.png")])
    assert [p.stage for p in saved] == ["before", "before"]
    assert saved[0].image.name.endswith(".png")


def test_who_may_take_each_step_from_its_source_state(plant, users, departments):
    """For every step, at a state it leaves from and a grade it is open to: the enterprise
    takes the owner's steps, its county's supervisor the department's, and neither another
    county's supervisor nor an analyst takes any."""
    danger = register(plant, users["enterprise"])
    expected = {}
    for action, step in LOOP.steps.items():
        if action == "register":
            continue
        HiddenDanger.objects.filter(pk=danger.pk).update(
            state=sorted(step.sources)[0], level=LEVEL_OF.get(action, "major"))
        danger.refresh_from_db()
        expected[action] = {who: LOOP.may(action, users[who], danger)
                            for who in ("enterprise", "county_a", "county_b", "analyst")}
    owner = {"enterprise": True, "county_a": False, "county_b": False, "analyst": False}
    decider = {"enterprise": False, "county_a": True, "county_b": False, "analyst": False}
    assert expected == {a: owner if LOOP.step(a).by == "owner" else decider
                        for a in LOOP.steps if a != "register"}
