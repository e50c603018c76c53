"""The document pages: list, preview, DOCX, PDF, the signature pad and the case file,
each only in the caller's scope (a supervisor of county B, the enterprise and the public
reach none of county A's documents)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from enforcement.documents.services import document_issue
from tests.enforcement.documents.conftest import png


@pytest.fixture
def record(world, agencies):
    return document_issue(kind="inspection_record", source=world.enterprises_a[0],
                          user=world.users["county_a"],
                          fields={"content": "储罐区未设置可燃气体报警装置"})


def _pages(document) -> list[str]:
    base = f"/enforcement/documents/{document.pk}/"
    return [base, base + "docx/", base + "pdf/", base + "sign/party/",
            f"/enforcement/documents/casefile/?documents={document.pk}"]


def test_the_issuing_county_reads_every_page(client, world, record):
    client.force_login(world.users["county_a"])
    listing = client.get("/enforcement/documents/").content.decode()
    assert record.number in listing and "现场检查记录" in listing
    preview = client.get(f"/enforcement/documents/{record.pk}/").content.decode()
    assert record.number in preview and "储罐区未设置可燃气体报警装置" in preview
    docx = client.get(f"/enforcement/documents/{record.pk}/docx/")
    assert docx["Content-Type"].endswith("wordprocessingml.document")
    assert b"".join(docx.streaming_content).startswith(b"PK")
    pdf = client.get(f"/enforcement/documents/{record.pk}/pdf/")
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")
    assert client.get(f"/enforcement/documents/{record.pk}/sign/party/").status_code == 200
    casefile = client.get(f"/enforcement/documents/casefile/?documents={record.pk}")
    assert casefile.status_code == 200 and casefile.content.startswith(b"%PDF-")
    client.force_login(world.users["province"])  # the province over it reads it too
    assert client.get(f"/enforcement/documents/{record.pk}/").status_code == 200


@pytest.mark.parametrize("who", ["county_b", "enterprise", "analyst_elsewhere", None])
def test_nobody_outside_the_scope_reaches_a_document(client, world, record, who):
    if who == "analyst_elsewhere":
        from geo.models import Role, User

        client.force_login(User.objects.create_user("x", role=Role.ANALYST,
                                                    division=world.county_b))
    elif who:
        client.force_login(world.users[who])
    for url in _pages(record):
        assert client.get(url).status_code in ((302,) if who is None else (404,)), url
    response = client.post(_pages(record)[3], {"image": SimpleUploadedFile("s.png", png())})
    assert response.status_code in ((302,) if who is None else (404,))
    if who:
        assert record.number not in client.get("/enforcement/documents/").content.decode()
    assert record.signatures.count() == 0


def test_the_signature_pad_posts_a_png_and_the_document_carries_it(client, world, record):
    client.force_login(world.users["county_a"])
    page = client.get(f"/enforcement/documents/{record.pk}/sign/party/").content.decode()
    assert 'id="signature-pad"' in page and "enforcement/documents/signature.js" in page
    refused = client.post(f"/enforcement/documents/{record.pk}/sign/party/",
                          {"image": SimpleUploadedFile("s.png", b"<svg></svg>")})
    assert refused.status_code == 400 and "仅接受 PNG" in refused.json()["error"]
    saved = client.post(f"/enforcement/documents/{record.pk}/sign/party/",
                        {"image": SimpleUploadedFile("s.png", png())})
    assert saved.json() == {"next": f"/enforcement/documents/{record.pk}/"}
    assert list(record.signatures.values_list("role", flat=True)) == ["party"]
    preview = client.get(f"/enforcement/documents/{record.pk}/").content.decode()
    assert 'src="data:image/png;base64,' in preview
    assert f"/enforcement/documents/{record.pk}/sign/inspector/" in preview  # still to sign
    assert f"/enforcement/documents/{record.pk}/sign/party/" not in preview
    assert client.get(f"/enforcement/documents/{record.pk}/sign/nobody/").status_code == 404


def test_a_reader_in_scope_who_supervises_nothing_cannot_sign(client, world, record):
    client.force_login(world.users["analyst"])
    assert client.get(f"/enforcement/documents/{record.pk}/").status_code == 200
    refused = client.post(f"/enforcement/documents/{record.pk}/sign/party/",
                          {"image": SimpleUploadedFile("s.png", png())})
    assert refused.status_code == 403 and record.signatures.count() == 0
