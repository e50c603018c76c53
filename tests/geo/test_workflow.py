"""geo.workflow: the one document counter (real PostGIS). The review mechanism is tested
through its flows: tests/registry/hazards (filing), plans, enterprises (file edits)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from geo.models import NumberFormat
from geo.workflow import document_number_next


# ---- numbers ------------------------------------------------------------------------------
def test_serials_run_per_area_kind_and_year_and_restart_each_year(db):
    def next_(area, year, kind="hazard_filing"):
        return document_number_next(area=area, year=year, kind=kind)

    assert [next_("320101", 2026), next_("320101", 2026), next_("320102", 2026),
            next_("320101", 2027), next_("320101", 2026, "plan_filing")] == [
        "320101-2026-0001", "320101-2026-0002", "320102-2026-0001", "320101-2027-0001",
        "320101-2026-0001"]


def test_an_agency_writes_its_own_format_the_longest_prefix_wins(db):
    NumberFormat.objects.create(kind="inspection_record", area="45", abbreviation="桂",
                                code="检记", template="（{abbr}）应急{code}〔{year}〕{serial}号")
    NumberFormat.objects.create(kind="inspection_record", area="4501", abbreviation="桂南",
                                code="检记", template="（{abbr}）应急{code}〔{year}〕{serial}号")
    assert document_number_next(area="450102", year=2019, kind="inspection_record") == \
        "（桂南）应急检记〔2019〕1号"
    assert document_number_next(area="450300", year=2019, kind="inspection_record") == \
        "（桂）应急检记〔2019〕1号"
    with pytest.raises(ValueError, match="no number format for document kind 'unknown'"):
        document_number_next(area="320101", year=2026, kind="unknown")


@pytest.mark.parametrize("template, message", [
    ("{area}-{year}", "编号格式须包含序号 {serial}"),
    ("{area}-{nope}-{serial}", "编号格式无效：'nope'"),
    ("{serial:04q}", "编号格式无效：Unknown format code 'q' for object of type 'int'"),
])
def test_a_format_is_checked_before_it_is_used(db, template, message):
    with pytest.raises(ValidationError) as caught:
        NumberFormat(kind="x", template=template).full_clean()
    assert caught.value.message_dict == {"template": [message]}


def test_a_rolled_back_number_is_given_back(db):
    with pytest.raises(RuntimeError), transaction.atomic():
        document_number_next(area="320101", year=2026, kind="hazard_filing")
        raise RuntimeError("the document was not stored")
    assert document_number_next(area="320101", year=2026, kind="hazard_filing") == \
        "320101-2026-0001"


@pytest.mark.django_db(transaction=True)
def test_concurrent_callers_never_share_a_number():
    numbers, errors = [], []

    def take():
        try:
            for _i in range(10):
                with transaction.atomic():
                    numbers.append(document_number_next(area="320101", year=2026,
                                                        kind="hazard_filing"))
        except Exception as exc:  # reported below: a thread's failure must fail the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=take) for _i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(numbers) == [f"320101-2026-{n:04d}" for n in range(1, 41)]


def test_administrators_set_formats_and_read_the_counters_in_the_admin(client, world):
    document_number_next(area="320101", year=2026, kind="hazard_filing")
    client.force_login(world.users["admin"])
    response = client.post("/admin/geo/numberformat/add/", {
        "kind": "plan_filing", "area": "3201", "template": "宁应急预备〔{year}〕{serial}号",
        "abbreviation": "", "code": ""})
    assert response.status_code == 302
    assert document_number_next(area="320101", year=2026, kind="plan_filing") == \
        "宁应急预备〔2026〕1号"
    page = client.get("/admin/geo/documentcounter/").content.decode()
    assert "320101" in page and "hazard_filing" in page
    assert client.get("/admin/geo/documentcounter/add/").status_code == 403
