"""geo.workflow.Flow: a state machine of more than one step on one state column, the
mechanism under every Review (real PostGIS). A three-step loop on a notice: the writer
submits, a supervisor starts checking, then publishes or returns; the writer reopens a
returned notice."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from geo.notices import services
from geo.notices.models import Notice
from geo.workflow import DECIDER, OWNER, Flow, Step

CHECKING = "submitted"  # reuse the notice's states: draft → submitted → published | returned


class LoopFlow(Flow):
    model = Notice
    steps = {
        "send": Step(frozenset({"draft"}), CHECKING, OWNER, "送审"),
        "publish": Step(frozenset({CHECKING}), "published", DECIDER, "发布"),
        "return": Step(frozenset({CHECKING}), "returned", DECIDER, "退回",
                       reason_required=True),
        "reopen": Step(frozenset({"returned"}), "draft", OWNER, "重新编辑"),
    }
    refusals = {OWNER: "只有撰写单位可以", DECIDER: "只有上级可以"}
    reason_field = "return_reason"
    reason_required = "请填写退回原因"

    def __init__(self) -> None:
        self.taken: list[tuple[str, str]] = []

    def record(self, action, row, user, reason):
        self.taken.append((action, row.state))


@pytest.fixture
def notice(world, departments) -> Notice:
    return services.notice_save(user=world.users["county_a"], title="汛期通知", body="正文",
                                areas=[], roles=[], public=False)


def test_steps_move_the_row_and_each_side_sees_its_own_actions(world, notice):
    flow, writer, province = LoopFlow(), world.users["county_a"], world.users["province"]
    assert flow.actions(writer, notice) == ["send"] and flow.actions(province, notice) == []
    notice = flow.take("send", notice, user=writer)  # the row as saved
    assert flow.actions(province, notice) == ["publish", "return"]
    assert flow.actions(writer, notice) == []
    notice = flow.take("return", notice, user=province, reason="补充附件")
    notice = flow.take("reopen", notice, user=writer)
    assert notice.state == "draft" and flow.taken == [
        ("send", "submitted"), ("return", "returned"), ("reopen", "draft")]


def test_wrong_side_wrong_state_missing_reason_and_unknown_step_are_refused(world, notice):
    flow, writer, province = LoopFlow(), world.users["county_a"], world.users["province"]
    with pytest.raises(PermissionDenied, match="只有上级可以"):
        flow.take("publish", notice, user=writer)
    with pytest.raises(ValidationError) as caught:
        flow.take("publish", notice, user=province)
    assert caught.value.message_dict == {"state": ["当前状态（草稿）不能发布"]}
    flow.take("send", notice, user=writer)
    with pytest.raises(ValidationError) as caught:
        flow.take("return", notice, user=province, reason="  ")
    assert caught.value.message_dict == {"return_reason": ["请填写退回原因"]}
    with pytest.raises(ValueError, match="no step 'close'"):
        flow.take("close", notice, user=province)
    notice.refresh_from_db()
    assert notice.state == "submitted" and flow.taken == [("send", "submitted")]


def test_allowed_widens_a_step_to_others(world, notice):
    class AnyoneSends(LoopFlow):
        def allowed(self, step, user, row):
            return step.by == OWNER or super().allowed(step, user, row)

    flow = AnyoneSends()
    flow.take("send", notice, user=world.users["analyst"])
    assert Notice.objects.get(pk=notice.pk).state == "submitted"
