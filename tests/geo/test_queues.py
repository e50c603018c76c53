"""geo.queues, the header's work-queue registry: slices register by name (geo imports none
of them), a key is registered once, and a queue with no rows costs no SQL."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from geo import queues
from geo.models import User


def test_slices_register_their_queues_in_header_order():
    assert [(q.order, q.key) for q in queues.work_queues()] == [
        (1, "incidents_receive"), (2, "incidents_report"),
        (3, "notices_unread"), (4, "commitment_today"), (5, "alarms_acknowledge"),
        (6, "alarms_handle"), (7, "alarms_release"),
        (8, "suppressions_decide"), (9, "duty_swaps"), (10, "enterprise_edits"),
        (15, "licences_expired"),
        (20, "hazard_filings"), (25, "dangers_to_confirm"), (26, "dangers_overdue"),
        (30, "plan_filings"), (40, "hazard_returned"), (45, "dangers_to_work"),
        (45, "risk_unidentified"), (50, "inspections_waiting"), (50, "plan_returned"),
        (55, "grid_claims"), (56, "grid_disputes"), (60, "notices_review")]


def test_a_key_is_registered_once():
    queues.work_queues()
    with pytest.raises(ImproperlyConfigured, match="'hazard_filings' is registered twice"):
        queues.work_queue(99, "重复", key="hazard_filings", url="/")(lambda user: None)


@pytest.mark.django_db
def test_an_empty_row_set_counts_zero_without_sql(monkeypatch, django_assert_num_queries):
    user = User.objects.create_user("nobody", password="pw-nobody")
    empty = queues.Queue(1, "空", "empty", "/", lambda u: User.objects.none())
    monkeypatch.setattr(queues, "work_queues", lambda: [empty])
    with django_assert_num_queries(1):  # the inbox count only
        assert queues.header_counts(user) == queues.HeaderCounts(0, [])
