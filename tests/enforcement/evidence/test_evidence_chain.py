"""The evidence log: appended with SHA-256 and GPS/time, hash-chained, refused UPDATE and
DELETE by the table's trigger, and every kind of tampering named by evidence_verify."""

from __future__ import annotations

import datetime
import hashlib
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.utils import ProgrammingError

from enforcement.evidence.chain import GENESIS, entry_hash
from enforcement.evidence.models import EvidenceEntry
from enforcement.evidence.services import evidence_add, evidence_chain_verify
from geo.models import User
from tests.enforcement.evidence.conftest import jpeg, jpeg_with_exif, mp3, mp4

TAKEN = datetime.datetime(2026, 5, 20, 10, 30, 15, tzinfo=datetime.UTC)


@pytest.fixture
def chain(world):
    user, enterprise = world.users["county_a"], world.enterprises_a[0]
    return [evidence_add(source=enterprise, user=user, file=jpeg(), taken_at=TAKEN,
                         longitude=118.1234567, latitude=32.1234567, accuracy=5.0,
                         note="储罐区东侧"),
            evidence_add(source=enterprise, user=user, file=mp3(), note="询问录音"),
            evidence_add(source=enterprise, user=user, file=mp4())]


def _sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _as_owner(statement: str, params=()) -> None:
    """What only the table's owner can do: lift the trigger, change a row, restore it.
    (The test's transaction first checks its deferred foreign keys, or ALTER refuses.)"""
    _sql("SET CONSTRAINTS ALL IMMEDIATE")
    _sql("ALTER TABLE enforcement_evidenceentry DISABLE TRIGGER "
         "enforcement_evidenceentry_append_only")
    _sql(statement, params)
    _sql("ALTER TABLE enforcement_evidenceentry ENABLE TRIGGER "
         "enforcement_evidenceentry_append_only")


def test_entries_keep_their_file_hash_place_and_time_and_chain_up(chain, world):
    first, second, third = chain
    assert [(e.seq, e.kind, e.media_type) for e in chain] == [
        (1, "photo", "image/jpeg"), (2, "audio", "audio/mpeg"), (3, "video", "video/mp4")]
    with first.file.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == first.sha256
    stored = EvidenceEntry.objects.get(seq=1)
    assert (stored.location.x, stored.location.y, stored.accuracy, stored.taken_at) == (
        118.1234567, 32.1234567, 5.0, TAKEN)
    assert stored.source == world.enterprises_a[0] and stored.name == "现场照片.jpg"
    assert stored.division_code == world.enterprises_a[0].division_code
    assert [e.prev_hash for e in chain] == [GENESIS, first.hash, second.hash]
    assert entry_hash(stored, GENESIS) == first.hash  # what was hashed is what is stored
    report = evidence_chain_verify()
    assert (report.intact, report.entries, report.head) == (True, 3, third.hash)


def test_a_photo_without_form_position_or_time_takes_its_exif(world):
    entry = evidence_add(source=world.enterprises_a[0], user=world.users["county_a"],
                         file=jpeg_with_exif())
    assert (entry.location.x, entry.location.y) == (118.1234567, 32.1234567)
    assert entry.taken_at == datetime.datetime(2026, 5, 20, 10, 30, 15, tzinfo=datetime.UTC)
    given = evidence_add(source=world.enterprises_a[0], user=world.users["county_a"],
                         file=jpeg_with_exif(), taken_at=TAKEN, longitude=118.2, latitude=32.2)
    assert (given.location.x, given.location.y, given.taken_at) == (118.2, 32.2, TAKEN)
    assert evidence_chain_verify().intact


def test_the_table_refuses_update_and_delete(chain):
    for statement in ("UPDATE enforcement_evidenceentry SET note = 'x' WHERE seq = 1",
                      "DELETE FROM enforcement_evidenceentry WHERE seq = 3"):
        with pytest.raises(ProgrammingError, match="append-only"), transaction.atomic():
            _sql(statement)
    with pytest.raises(PermissionError):
        EvidenceEntry.objects.filter(seq=1).update(note="x")
    with pytest.raises(PermissionError):
        EvidenceEntry.objects.filter(seq=1).delete()
    with pytest.raises(PermissionError):
        chain[0].save()
    assert evidence_chain_verify().intact


def test_a_changed_file_is_named(chain, capsys):
    with open(chain[1].file.path, "r+b") as handle:  # one byte of the recording
        handle.seek(20)
        handle.write(b"\x01")
    report = evidence_chain_verify()
    assert (report.bad_seq, report.entries, report.reason) == (
        2, 1, "证据文件的 SHA-256 不符：文件被改动")
    with pytest.raises(CommandError, match="第 2 条证据校验失败：证据文件的 SHA-256 不符"):
        call_command("evidence_verify")
    call_command("evidence_verify", "--no-files")  # the rows alone are intact
    assert "证据链完整：3 条" in capsys.readouterr().out


def test_a_missing_file_is_named(chain):
    chain[0].file.storage.delete(chain[0].file.name)
    assert (evidence_chain_verify().bad_seq, evidence_chain_verify().reason) == (
        1, "证据文件缺失")


@pytest.mark.parametrize("statement, params, seq, reason", [
    ("UPDATE enforcement_evidenceentry SET note = %s WHERE seq = 2", ["改过的说明"], 2,
     "记录内容与哈希不符：记录被改动"),
    ("UPDATE enforcement_evidenceentry SET taken_at = taken_at + interval '1 hour'"
     " WHERE seq = 1", [], 1, "记录内容与哈希不符：记录被改动"),
    ("UPDATE enforcement_evidenceentry SET sha256 = %s WHERE seq = 3", ["0" * 64], 3,
     "记录内容与哈希不符：记录被改动"),
    ("UPDATE enforcement_evidenceentry SET prev_hash = %s WHERE seq = 2", ["1" * 64], 2,
     "前一条哈希不符：链被改动"),
    ("DELETE FROM enforcement_evidenceentry WHERE seq = 2", [], 2,
     "缺少证据记录（下一条为第 3 条）"),
    ("DELETE FROM enforcement_evidenceentry WHERE seq = 3", [], 3,
     "链尾缺少 1 条证据（已登记 3 条）"),
])
def test_an_edited_or_deleted_row_is_named(chain, statement, params, seq, reason):
    _as_owner(statement, params)
    report = evidence_chain_verify()
    assert (report.bad_seq, report.reason) == (seq, reason)
    with pytest.raises(CommandError, match=f"第 {seq} 条证据校验失败"):
        call_command("evidence_verify")


def test_a_rewritten_row_with_its_own_hash_recomputed_breaks_the_next_link(chain):
    forged = EvidenceEntry.objects.get(seq=1)
    forged.note = "改过的说明"
    _as_owner("UPDATE enforcement_evidenceentry SET note = %s, hash = %s WHERE seq = 1",
              [forged.note, entry_hash(forged, GENESIS)])
    assert (evidence_chain_verify().bad_seq, evidence_chain_verify().reason) == (
        2, "前一条哈希不符：链被改动")


def test_only_supervisors_over_the_source_add_checked_files(world):
    enterprise = world.enterprises_a[0]
    for user in ("county_b", "enterprise", "analyst"):
        with pytest.raises(PermissionDenied):
            evidence_add(source=enterprise, user=world.users[user], file=jpeg())
    with pytest.raises(ValidationError, match="仅接受 JPEG"):
        evidence_add(source=enterprise, user=world.users["county_a"],
                     file=SimpleUploadedFile("x.jpg", b"<html>not a photo</html>"))
    with pytest.raises(ValidationError, match="定位无效"):
        evidence_add(source=enterprise, user=world.users["county_a"], file=jpeg(),
                     longitude=118.1, latitude=None)
    assert EvidenceEntry.objects.count() == 0
    assert evidence_chain_verify().intact  # a refused upload takes no number


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_make_one_unbroken_chain(world):
    user_id, enterprise = world.users["county_a"].pk, world.enterprises_a[0]
    start, errors = threading.Barrier(4), []

    def work(i: int) -> None:
        try:
            user = User.objects.get(pk=user_id)
            start.wait()
            for j in range(3):
                evidence_add(source=enterprise, user=user, file=jpeg(f"#{i}{j}0000"))
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    assert list(EvidenceEntry.objects.values_list("seq", flat=True)) == list(range(1, 13))
    report = evidence_chain_verify()
    assert (report.intact, report.entries) == (True, 12)


@pytest.mark.parametrize("head, kind, media_type", [
    (b"\x00\x00\x00\x14ftypqt  ", "video", "video/quicktime"),
    (b"\x00\x00\x00\x20ftypM4A ", "audio", "audio/mp4"),
    (b"RIFF\x24\x00\x00\x00WAVEfmt ", "audio", "audio/wav"),
    (b"\x1aE\xdf\xa3\x9fB\x86\x81", "video", "video/webm"),
    (b"#!AMR\n", "audio", "audio/amr"),
])
def test_phone_recordings_are_told_by_their_content(world, head, kind, media_type):
    entry = evidence_add(source=world.enterprises_a[0], user=world.users["county_a"],
                         file=SimpleUploadedFile("recording.bin", head + b"\x00" * 32))
    assert (entry.kind, entry.media_type) == (kind, media_type)
