"""Writes of evidence: append one entry to the chain; and the chain's verification (a
read, but the one the verify command and the auditors call)."""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement.evidence.chain import GENESIS, ChainReport, entry_hash, file_sha256
from enforcement.evidence.exif import photo_place_time
from enforcement.evidence.models import EvidenceEntry, EvidenceKind
from geo import authority, uploads
from geo.models import DocumentCounter
from geo.workflow import document_number_next, number_format_register

MAX_BYTES = 200 * 1024 * 1024  # a few minutes of phone video
KIND_OF_TYPE = {uploads.JPEG: EvidenceKind.PHOTO, uploads.PNG: EvidenceKind.PHOTO,
                uploads.MP3: EvidenceKind.AUDIO, uploads.M4A: EvidenceKind.AUDIO,
                uploads.WAV: EvidenceKind.AUDIO, uploads.AMR: EvidenceKind.AUDIO,
                uploads.MP4: EvidenceKind.VIDEO, uploads.MOV: EvidenceKind.VIDEO,
                uploads.WEBM: EvidenceKind.VIDEO}
TYPE_NAMES = "JPEG、PNG、MP3、M4A、WAV、AMR、MP4、MOV、WebM"
# The chain's sequence comes from the one counter (geo.workflow): its row stays locked
# until the appending transaction commits, which also keeps two appends from taking the
# same previous entry, and a rollback gives the number back (no gap). One chain, so one
# area and no year.
CHAIN_AREA, CHAIN_KIND, CHAIN_YEAR = "evidence", "evidence_entry", 0
number_format_register(CHAIN_KIND, template="{serial}")


def evidence_add(*, source: Model, user, file, taken_at: datetime | None = None,
                 longitude: float | None = None, latitude: float | None = None,
                 accuracy: float | None = None, note: str = "") -> EvidenceEntry:
    """Append a photo, recording or video about `source` (an inspection, a case, an
    enterprise: anything with a division code) recorded by a supervisor over it. A JPEG's
    EXIF position and time fill what the caller left out."""
    if not authority.supervises(user, source):
        raise PermissionDenied(_("您无权为该对象登记证据"))
    data = uploads.upload_read(file, max_bytes=MAX_BYTES)
    found = uploads.upload_type(data, tuple(KIND_OF_TYPE), names=TYPE_NAMES)
    if found == uploads.JPEG and (taken_at is None or (longitude is None and latitude is None)):
        exif_lon, exif_lat, exif_taken = photo_place_time(data)
        taken_at = taken_at or exif_taken
        if longitude is None and latitude is None:
            longitude, latitude = exif_lon, exif_lat
    location = _point(longitude, latitude)
    if taken_at is not None and timezone.is_naive(taken_at):
        taken_at = timezone.make_aware(taken_at)  # a device's local time, in the site's zone
    sha256 = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        seq = int(document_number_next(area=CHAIN_AREA, year=CHAIN_YEAR, kind=CHAIN_KIND))
        prev = GENESIS if seq == 1 else EvidenceEntry.objects.filter(seq=seq - 1).values_list(
            "hash", flat=True).first()
        if prev is None:
            raise RuntimeError(f"evidence chain broken before entry {seq}: run evidence_verify")
        entry = EvidenceEntry(
            seq=seq, kind=KIND_OF_TYPE[found], division_code=source.division_code,
            source_type=ContentType.objects.get_for_model(source), source_id=source.pk,
            name=str(getattr(file, "name", ""))[:200], media_type=found.media_type,
            size=len(data), sha256=sha256, taken_at=taken_at, location=location,
            accuracy=accuracy, note=note[:500], recorded_by=user, prev_hash=prev,
            recorded_at=timezone.now())
        entry.file.save(f"{seq:08d}-{sha256[:16]}{found.suffix}", ContentFile(data),
                        save=False)
        entry.hash = entry_hash(entry, prev)
        entry.save()
    return entry


def _point(longitude: float | None, latitude: float | None) -> Point | None:
    if longitude is None and latitude is None:
        return None
    if longitude is None or latitude is None or not (-180 <= longitude <= 180) \
            or not (-90 <= latitude <= 90):
        raise ValidationError(_("定位无效：经度须在 -180～180、纬度须在 -90～90 之间"))
    return Point(longitude, latitude, srid=4326)


def evidence_chain_verify(*, files: bool = True) -> ChainReport:
    """Walk the chain in order and name the first bad entry: a gap (a deleted row), a
    previous hash that does not match, an entry whose metadata no longer gives its hash,
    a file that is gone or whose SHA-256 changed; and entries missing at the end (the
    counter knows how many were appended)."""
    prev, seq = GENESIS, 0
    entries = EvidenceEntry.objects.select_related("source_type").order_by("seq")
    for entry in entries.iterator(chunk_size=500):
        problem = _entry_problem(entry, expected_seq=seq + 1, prev=prev, files=files)
        if problem:
            return ChainReport(entries=seq, head=prev, bad_seq=seq + 1, reason=problem)
        prev, seq = entry.hash, entry.seq
    appended = DocumentCounter.objects.filter(area=CHAIN_AREA, kind=CHAIN_KIND,
                                              year=CHAIN_YEAR).values_list("last", flat=True)
    last = appended.first() or 0
    if last > seq:
        return ChainReport(entries=seq, head=prev, bad_seq=seq + 1,
                           reason=_("链尾缺少 %(n)d 条证据（已登记 %(last)d 条）")
                           % {"n": last - seq, "last": last})
    return ChainReport(entries=seq, head=prev)


def _entry_problem(entry: EvidenceEntry, *, expected_seq: int, prev: str,
                   files: bool) -> str:
    if entry.seq != expected_seq:
        return _("缺少证据记录（下一条为第 %(seq)d 条）") % {"seq": entry.seq}
    if entry.prev_hash != prev:
        return _("前一条哈希不符：链被改动")
    if entry_hash(entry, entry.prev_hash) != entry.hash:
        return _("记录内容与哈希不符：记录被改动")
    if files:
        found = file_sha256(entry.file)
        if found is None:
            return _("证据文件缺失")
        if found != entry.sha256:
            return _("证据文件的 SHA-256 不符：文件被改动")
    return ""
