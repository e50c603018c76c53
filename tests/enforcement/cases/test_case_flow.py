"""The case procedure on geo.workflow.Flow: every legal and illegal step, who may take
it, and the checks of the steps (real PostGIS)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from enforcement.cases import services
from enforcement.cases.flow import FLOW, STEPS
from enforcement.cases.models import Case, CaseState, CaseStep, SourceKind
from geo.models import Organisation

S = CaseState
ACTOR = {"file": "head", "submit_review": "handler", "pass_review": "legal",
         "return_review": "legal", "notify": "handler", "state": "handler",
         "request_hearing": "handler", "hear": "handler", "decide": "head",
         "execute": "handler", "close": "head", "cancel": "head", "transfer": "head"}
# the happy path: action taken from each state
PATH = [("file", S.PROPOSED), ("submit_review", S.INVESTIGATING),
        ("pass_review", S.REVIEWING), ("notify", S.REVIEWED), ("state", S.NOTIFIED),
        ("decide", S.HEARD), ("execute", S.DECIDED), ("close", S.EXECUTED)]


def ready(case: Case, office, violation, fine="20000") -> Case:
    return services.case_update(
        case=case, user=office.handler, facts="两名电工无证从事电工作业",
        evidence=["现场检查记录", "询问笔录"], violation=violation, circumstance="general",
        penalties=["fine"], fine=Decimal(fine))


def take(case, office, action, reason="意见", **changes) -> Case:
    return services.case_advance(case=case, user=getattr(office, ACTOR[action]),
                                 action=action, reason=reason, **changes)


def walk(case: Case, office, violation, until: str) -> Case:
    """Take the happy path until the case is in state `until`."""
    for action, _source in PATH:
        if case.state == until:
            break
        if action == "submit_review":
            ready(case, office, violation)
        case = take(case, office, action)
    assert case.state == until
    return case


def test_a_case_sits_at_the_party_and_is_owned_by_the_agency(world, offices, case):
    a, enterprise = offices["a"], world.enterprises_a[0]
    assert (case.state, case.division_code, case.organisation_id, case.party_name,
            case.industry, case.source_kind) == (
        S.PROPOSED, enterprise.division_code, a.agency.pk, enterprise.name, "C2614",
        SourceKind.OTHER)
    assert [(m.user_id, m.lead) for m in case.members.all()] == [
        (a.handler.pk, True), (a.second.pk, False)]


def test_the_source_is_kept_as_content_type_and_id(world, offices):
    a, complaint = offices["a"], world.enterprises_a[2]  # any row stands for a source
    case = services.case_open(user=a.handler, agency=a.agency, cause="举报", source=complaint,
                              source_kind=SourceKind.COMPLAINT, members=[a.handler],
                              enterprise=world.enterprises_a[2])
    assert (case.source_type, case.source_id, case.source_kind) == (
        ContentType.objects.get_for_model(complaint), complaint.pk, SourceKind.COMPLAINT)


def test_only_the_agency_over_the_party_opens_a_case(world, offices):
    a, b = offices["a"], offices["b"]
    with pytest.raises(PermissionDenied):  # county B's officer, county A's enterprise
        services.case_open(user=b.handler, agency=b.agency, cause="x",
                           enterprise=world.enterprises_a[0])
    with pytest.raises(PermissionDenied):  # not a member of the agency named
        services.case_open(user=world.users["county_a"], agency=a.agency, cause="x",
                           enterprise=world.enterprises_a[0])
    with pytest.raises(ValidationError) as caught:  # a transfer to the wrong county
        services.case_open(user=None, agency=a.agency, cause="x",
                           enterprise=world.enterprises_b[0])
    assert caught.value.message_dict == {"organisation": ["当事人不在承办机关的管辖区域内"]}
    with pytest.raises(ValidationError) as caught:
        services.case_open(user=a.handler, agency=a.agency, cause="x",
                           members=[offices["b"].handler], enterprise=world.enterprises_a[0])
    assert caught.value.message_dict == {"members": ["b_handler不是承办或联合执法单位的执法人员"]}
    assert not Case.objects.exists()


def test_a_person_is_a_party_by_name_and_place(world, offices):
    a = offices["a"]
    case = services.case_open(user=a.handler, agency=a.agency, cause="无证作业",
                              person={"name": "张三", "id_number": "320101199001011234",
                                      "division_code": world.county_a.code[:6] + "001002",
                                      "point": (118.2, 32.2)})
    assert (case.party_kind, case.party_name, case.enterprise_id, case.geom.coords) == (
        "person", "张三", None, (118.2, 32.2))
    with pytest.raises(ValidationError) as caught:
        services.case_open(user=a.handler, agency=a.agency, cause="x", person={"name": "李四"})
    assert list(caught.value.message_dict) == ["party_name"]


def test_the_happy_path_dates_and_steps(offices, violation, case):
    a = offices["a"]
    case = walk(case, a, violation, S.CLOSED)
    assert all((case.filed_at, case.notified_at, case.decided_at, case.executed_at,
                case.closed_at))
    assert case.statement_due - case.notified_at == datetime.timedelta(days=5)
    assert list(CaseStep.objects.filter(case=case).values_list("action", "state", "user")) == [
        (action, STEPS[action].target, getattr(a, ACTOR[action]).pk) for action, _ in PATH]


@pytest.mark.parametrize(("action", "state"), [
    *PATH, ("return_review", S.REVIEWING), ("request_hearing", S.NOTIFIED),
    ("hear", S.HEARING), ("cancel", S.PROPOSED), ("cancel", S.REVIEWED),
    ("transfer", S.INVESTIGATING)])
def test_who_may_take_each_step(world, offices, violation, case, action, state):
    a, b = offices["a"], offices["b"]
    if state == S.HEARING:
        case = walk(case, a, violation, S.NOTIFIED)
        Case.objects.filter(pk=case.pk).update(fine=Decimal("50000"))
        case = take(Case.objects.get(pk=case.pk), a, "request_hearing")
    else:
        case = walk(case, a, violation, state)
    people = {"head": a.head, "legal": a.legal, "handler": a.handler, "second": a.second,
              "clerk": a.clerk, "b_head": b.head, "b_legal": b.legal, "b_handler": b.handler,
              **{n: world.users[n] for n in ("admin", "province", "county_a", "enterprise")}}
    allowed = [name for name, user in people.items() if FLOW.may(action, user, case)]
    expected = {"head": ["head"], "legal": ["legal"], "handler": ["handler", "second"]}
    assert allowed == expected[ACTOR[action]]
    for name in set(people) - set(allowed):
        with pytest.raises(PermissionDenied):
            FLOW.take(action, case, user=people[name], reason="意见")


@pytest.mark.parametrize("until", [state for _, state in PATH] + [S.CLOSED])
def test_every_step_out_of_its_states_is_refused(offices, violation, case, until):
    a = offices["a"]
    case = walk(case, a, violation, until)
    for action, step in STEPS.items():
        if case.state in step.sources or action == "transfer":
            continue
        with pytest.raises(ValidationError) as caught:
            take(case, a, action)
        assert list(caught.value.message_dict) == ["state"], action
    assert Case.objects.get(pk=case.pk).state == until


def test_filing_needs_two_officers_and_a_refusal_names_who_may(world, offices):
    a = offices["a"]
    case = services.case_open(user=a.handler, agency=a.agency, cause="x",
                              members=[a.handler], enterprise=world.enterprises_a[0])
    with pytest.raises(PermissionDenied, match="只有承办机关负责人可以审批此环节"):
        services.case_advance(case=case, user=a.handler, action="file")
    with pytest.raises(ValidationError) as caught:
        take(case, a, "file")
    assert caught.value.message_dict == {"members": ["执法人员不得少于两人"]}
    services.case_members_add(case=case, user=a.head, members=[a.clerk])
    assert take(case, a, "file").state == S.INVESTIGATING


def test_the_legal_reviewer_may_not_review_a_case_they_handle(offices, violation, case):
    a = offices["a"]
    services.case_members_add(case=case, user=a.head, members=[a.legal])
    case = walk(case, a, violation, S.REVIEWING)
    with pytest.raises(PermissionDenied, match="非本案承办人"):
        take(case, a, "pass_review")


def test_review_needs_the_facts_and_a_return_needs_its_reason(offices, violation, case):
    a = offices["a"]
    case = take(case, a, "file")
    with pytest.raises(ValidationError) as caught:
        take(case, a, "submit_review")
    assert set(caught.value.message_dict) == {"facts", "evidence", "legal_basis",
                                              "penalty_basis"}
    ready(case, a, violation)
    case = take(case, a, "submit_review")
    with pytest.raises(ValidationError) as caught:
        take(case, a, "return_review", reason=" ")
    assert caught.value.message_dict == {"reason": ["请填写意见或理由"]}
    case = take(case, a, "return_review", reason="证据不足，补充询问笔录")
    assert (case.state, case.review_opinion) == (S.INVESTIGATING, "证据不足，补充询问笔录")


def test_a_hearing_only_when_the_penalty_qualifies_and_in_time(offices, violation, case):
    a = offices["a"]
    case = walk(case, a, violation, S.NOTIFIED)  # 20 000 yuan: below 50 000
    with pytest.raises(ValidationError) as caught:
        take(case, a, "request_hearing")
    assert list(caught.value.message_dict) == ["hearing_requested"]
    Case.objects.filter(pk=case.pk).update(penalties=["fine", "suspension"],
                                           statement_due=timezone.now()
                                           - datetime.timedelta(minutes=1))
    with pytest.raises(ValidationError, match="已超过申请听证的期限"):
        take(Case.objects.get(pk=case.pk), a, "request_hearing")
    Case.objects.filter(pk=case.pk).update(statement_due=timezone.now()
                                           + datetime.timedelta(days=1))
    case = take(Case.objects.get(pk=case.pk), a, "request_hearing")
    assert (case.state, case.hearing_requested) == (S.HEARING, True)
    case = take(case, a, "hear", reason="听证会已举行，当事人对事实无异议")
    assert case.state == S.HEARD


def test_the_fine_threshold_of_a_hearing_is_its_edge(settings, offices, violation, case):
    a = offices["a"]
    settings.CASE_HEARING_FINE = {"enterprise": 20000}
    case = walk(case, a, violation, S.NOTIFIED)  # exactly 20 000
    assert take(case, a, "request_hearing").state == S.HEARING


def test_the_head_decides_without_a_statement_only_after_its_period(offices, violation,
                                                                    case):
    a = offices["a"]
    case = walk(case, a, violation, S.NOTIFIED)
    with pytest.raises(ValidationError, match="陈述申辩期限未满"):
        take(case, a, "decide")
    Case.objects.filter(pk=case.pk).update(statement_due=timezone.now()
                                           - datetime.timedelta(seconds=1))
    assert take(Case.objects.get(pk=case.pk), a, "decide").state == S.DECIDED


def test_cancel_before_the_decision_only_with_a_reason(offices, violation, case):
    a = offices["a"]
    case = walk(case, a, violation, S.INVESTIGATING)
    with pytest.raises(ValidationError):
        take(case, a, "cancel", reason="")
    case = take(case, a, "cancel", reason="违法事实不能成立")
    assert (case.state, case.ended_reason) == (S.CANCELLED, "违法事实不能成立")


def test_joint_enforcement_brings_another_agency_and_its_officers(world, offices, case):
    a = offices["a"]
    market = Organisation.objects.create(name="甲县市场监督管理局", kind="government",
                                         division=world.county_a)
    officer = type(a.clerk).objects.create_user("market", role="county_supervisor",
                                                division=world.county_a,
                                                organisation=market)
    with pytest.raises(PermissionDenied):
        services.case_agency_join(case=case, user=a.handler, agency=market, members=[officer])
    with pytest.raises(ValidationError) as caught:
        services.case_agency_join(case=case, user=a.head, agency=a.agency, members=[a.clerk])
    assert list(caught.value.message_dict) == ["agencies"]
    services.case_agency_join(case=case, user=a.head, agency=market, members=[officer])
    case = take(case, a, "file")
    assert FLOW.may("submit_review", officer, case)  # the joint agency's officer handles
    assert not FLOW.may("close", officer, case)


def test_a_transfer_to_another_agency_opens_its_case(world, offices, case):
    a = offices["a"]
    fire = Organisation.objects.create(name="甲县消防救援大队", kind="government",
                                       division=world.county_a)
    with pytest.raises(ValidationError) as caught:
        services.case_transfer(case=case, user=a.head, to="agency", reason="属消防管辖")
    assert list(caught.value.message_dict) == ["organisation"]
    transfer = services.case_transfer(case=case, user=a.head, to="agency", agency=fire,
                                      reason="属消防管辖")
    received = Case.objects.get(organisation=fire)
    assert (Case.objects.get(pk=case.pk).state, transfer.receiver, received.state,
            received.source_kind, received.source_id, received.members.count()) == (
        S.TRANSFERRED, "甲县消防救援大队", S.PROPOSED, SourceKind.TRANSFER, case.pk, 0)


def test_a_suspected_crime_goes_to_the_police_with_its_reason(offices, case):
    a = offices["a"]
    with pytest.raises(ValidationError) as caught:
        services.case_transfer(case=case, user=a.head, to="police", reason="涉嫌重大责任事故罪")
    assert list(caught.value.message_dict) == ["receiver"]
    with pytest.raises(PermissionDenied):
        services.case_transfer(case=case, user=a.handler, to="police", reason="x",
                               receiver="甲县公安局")
    transfer = services.case_transfer(case=case, user=a.head, to="police",
                                      receiver="甲县公安局", reason="涉嫌重大责任事故罪")
    assert (transfer.to, transfer.organisation_id, transfer.reason) == (
        "police", None, "涉嫌重大责任事故罪")
    assert Case.objects.count() == 1


def test_only_handlers_edit_and_only_while_investigating(offices, violation, case):
    a, b = offices["a"], offices["b"]
    with pytest.raises(PermissionDenied):
        services.case_update(case=case, user=b.handler, facts="x")
    with pytest.raises(PermissionDenied):
        services.case_update(case=case, user=a.head, facts="x")
    case = walk(case, a, violation, S.REVIEWING)
    with pytest.raises(ValidationError):
        services.case_update(case=case, user=a.handler, facts="x")
    assert (case.legal_basis, case.penalty_basis) == (violation.legal_basis,
                                                      violation.penalty_basis)
