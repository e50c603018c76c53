"""The evidence pages: an object's evidence (list and upload, from a phone) and a file's
download, only in the caller's scope."""

from __future__ import annotations

import pytest

from enforcement.evidence.models import EvidenceEntry
from enforcement.evidence.services import evidence_add
from tests.enforcement.evidence.conftest import jpeg


def _page(enterprise) -> str:
    return f"/enforcement/evidence/registry.enterprise/{enterprise.pk}/"


def test_an_inspector_uploads_with_time_and_position_and_reads_it_back(client, world):
    enterprise = world.enterprises_a[0]
    client.force_login(world.users["county_a"])
    page = client.get(_page(enterprise)).content.decode()
    assert 'id="evidence-form"' in page and "enforcement/evidence/evidence.js" in page
    response = client.post(_page(enterprise), {
        "file": jpeg(), "taken_at": "2026-05-20 10:30:15", "longitude": "118.1234567",
        "latitude": "32.1234567", "accuracy": "8", "note": "储罐区东侧"})
    assert response.status_code == 302
    entry = EvidenceEntry.objects.get()
    assert (entry.seq, entry.note, entry.accuracy, round(entry.location.x, 7)) == (
        1, "储罐区东侧", 8.0, 118.1234567)
    listing = client.get(_page(enterprise)).content.decode()
    assert "储罐区东侧" in listing and "118.123457, 32.123457" in listing
    download = client.get(f"/enforcement/evidence/file/{entry.pk}/")
    assert download["Content-Type"] == "image/jpeg"
    assert b"".join(download.streaming_content).startswith(b"\xff\xd8\xff")
    refused = client.post(_page(enterprise), {"file": jpeg(), "longitude": "200",
                                              "latitude": "32"})
    assert refused.status_code == 200 and EvidenceEntry.objects.count() == 1


@pytest.mark.parametrize("who", ["county_b", "enterprise", None])
def test_nobody_outside_the_scope_reaches_the_evidence(client, world, who):
    enterprise = world.enterprises_a[0]
    entry = evidence_add(source=enterprise, user=world.users["county_a"], file=jpeg())
    if who:
        client.force_login(world.users[who])
    expected = 302 if who is None else 404
    assert client.get(_page(enterprise)).status_code == expected
    assert client.post(_page(enterprise), {"file": jpeg()}).status_code == expected
    assert client.get(f"/enforcement/evidence/file/{entry.pk}/").status_code == expected
    assert EvidenceEntry.objects.count() == 1


def test_objects_without_a_place_take_no_evidence(client, world):
    client.force_login(world.users["admin"])
    assert client.get(f"/enforcement/evidence/geo.user/{world.users['admin'].pk}/"
                      ).status_code == 404
    assert client.get("/enforcement/evidence/nope.nothing/1/").status_code == 404


def test_a_reader_in_scope_who_supervises_nothing_sees_but_adds_nothing(client, world):
    enterprise = world.enterprises_a[0]
    client.force_login(world.users["analyst"])  # the province's analyst reads county A
    page = client.get(_page(enterprise)).content.decode()
    assert 'id="evidence-form"' not in page
    assert client.post(_page(enterprise), {"file": jpeg()}).status_code == 403
    assert EvidenceEntry.objects.count() == 0
