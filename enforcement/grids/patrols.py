"""Patrols (巡查): a grid member starts a round in a cell they answer for, reports track
points, checks in at enterprises (打卡), adds notes and photos, and ends it.

A check-in is accepted only when the reported position lies within
`settings.GRID_CHECKIN_METRES` (default 300 m) of the enterprise's point, the distance
measured by PostGIS on the spheroid (geography) and stored. Every reported position
extends the patrol's track, a line kept in PostGIS (ST_MakeLine appends in one UPDATE)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from enforcement.grids.models import CheckIn, Patrol, PatrolPhoto
from enforcement.grids.people import answers_for
from geo import authority, uploads
from geo.audit import acting_as
from geo.models import GridCell, User
from geo.scope import scope_for_user
from layers.base import registry

CHECKIN_METRES = 300.0   # default; settings.GRID_CHECKIN_METRES overrides it
PHOTO_MAX = 10 * 1024 * 1024
PHOTO_TYPES = (uploads.JPEG, uploads.PNG)
TRACK_MAX = 500          # points in one report (a phone sends every few seconds)


def checkin_metres() -> float:
    return float(getattr(settings, "GRID_CHECKIN_METRES", CHECKIN_METRES))


def patrol_start(*, user: User, cell: GridCell, point: Point, now: datetime.datetime,
                 note: str = "") -> Patrol:
    """Start a round in `cell` at `point`; one open round per person."""
    if not (authority.may_act(user) and answers_for(user, cell)):
        raise PermissionDenied(_("只有该网格的责任人可以开始巡查"))
    patrol = Patrol(cell=cell, user=user, division_code=cell.division_code, started_at=now,
                    start=_point(point), note=(note or "").strip())
    try:
        with transaction.atomic(), acting_as(user.pk):
            patrol.save()
    except IntegrityError as clash:  # the partial unique index: one open round per user
        raise ValidationError(_("您有一次巡查尚未结束")) from clash
    return patrol


def _own_open(user: User, patrol: Patrol) -> Patrol:
    """The patrol, locked, if it is the user's own and still open."""
    patrol = Patrol.objects.select_for_update().get(pk=patrol.pk)
    if not authority.may_act(user) or patrol.user_id != user.pk:
        raise PermissionDenied(_("只能操作本人的巡查"))
    if patrol.ended_at is not None:
        raise ValidationError(_("该巡查已结束"))
    return patrol


def _point(point: Point) -> Point:
    if point is None or not (-180 <= point.x <= 180 and -90 <= point.y <= 90):
        raise ValidationError({"geom": _("位置无效")})
    return Point(point.x, point.y, srid=4326)


def _extend(patrol_id: int, points: list[Point]) -> None:
    """Append `points` to the track in one UPDATE (a line from the start when empty)."""
    coords = ",".join(f"{p.x!r} {p.y!r}" for p in points)
    wkt = f"LINESTRING({coords})" if len(points) > 1 else f"POINT({coords})"
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE enforcement_patrol SET track = ST_MakeLine(COALESCE(track, start),"
            " ST_GeomFromText(%s, 4326)) WHERE id = %s", [wkt, patrol_id])


def patrol_track_add(*, user: User, patrol: Patrol, points: list[Point]) -> int:
    """Positions reported on the way, in order; returns how many were added."""
    checked = [_point(p) for p in points]
    if len(checked) > TRACK_MAX:
        raise ValidationError(_("一次最多上报 %(n)d 个轨迹点") % {"n": TRACK_MAX})
    with transaction.atomic():
        patrol = _own_open(user, patrol)
        if checked:
            _extend(patrol.pk, checked)
    return len(checked)


def _distance(enterprise_id: int, point: Point, scope) -> float | None:
    """Metres from the enterprise's point (one the caller may read) to `point`."""
    layer = registry.get("enterprises")
    where, params = layer.scope_sql(scope, "e")
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT ST_Distance(e.geom::geography, ST_SetSRID(ST_MakePoint(%s, %s), 4326)'
            f'::geography) FROM "{layer.table()}" e WHERE e.id = %s AND {where}',
            [point.x, point.y, enterprise_id, *params])
        found = cursor.fetchone()
    return found[0] if found else None


def checkin_make(*, user: User, patrol: Patrol, enterprise_id: int, point: Point,
                 now: datetime.datetime, note: str = "", photos: list | None = None) -> CheckIn:
    """Check in at an enterprise; refused beyond the check-in distance (the message says
    how far the position was)."""
    point = _point(point)
    checked = _photos(photos)
    with transaction.atomic(), acting_as(user.pk):
        patrol = _own_open(user, patrol)
        distance = _distance(enterprise_id, point, scope_for_user(user))
        if distance is None:
            raise ValidationError({"enterprise": _("企业不存在或不在您的辖区")})
        limit = checkin_metres()
        if distance > limit:
            raise ValidationError({"geom": _("打卡位置距企业 %(d).0f 米，超出允许的 %(m).0f 米")
                                   % {"d": distance, "m": limit}})
        checkin = CheckIn.objects.create(
            patrol=patrol, enterprise_id=enterprise_id, at=now, geom=point,
            distance_m=round(distance, 1), note=(note or "").strip(),
            division_code=patrol.division_code)
        _extend(patrol.pk, [point])
        _photos_save(patrol, checkin, checked)
    return checkin


def patrol_photo_add(*, user: User, patrol: Patrol, photos: list) -> int:
    """Photos of the round itself (not of one check-in)."""
    checked = _photos(photos)
    with transaction.atomic():
        patrol = _own_open(user, patrol)
        _photos_save(patrol, None, checked)
    return len(checked)


def patrol_end(*, user: User, patrol: Patrol, now: datetime.datetime,
               point: Point | None = None, note: str | None = None) -> Patrol:
    """End the round, at `point` if given (the last point of the track)."""
    with transaction.atomic(), acting_as(user.pk):
        patrol = _own_open(user, patrol)
        if point is not None:
            _extend(patrol.pk, [_point(point)])
            patrol.refresh_from_db(fields=["track"])
        patrol.ended_at = now
        if note is not None:
            patrol.note = note.strip()
        patrol.save(update_fields=["ended_at", "note"])
    return patrol


def _photos(files: list | None) -> list[tuple[str, ContentFile]]:
    """Every photo checked (type from content, size) before anything is written."""
    out = []
    try:
        for file in files or []:
            data = uploads.upload_read(file, max_bytes=PHOTO_MAX)
            kind = uploads.upload_type(data, PHOTO_TYPES, names="JPEG、PNG")
            out.append((f"patrol{kind.suffix}", ContentFile(data)))
    except ValidationError as error:
        raise ValidationError({"photos": error.messages}) from None
    return out


def _photos_save(patrol: Patrol, checkin: CheckIn | None, checked: list) -> None:
    for name, data in checked:
        PatrolPhoto(patrol=patrol, checkin=checkin).image.save(name, data, save=True)
