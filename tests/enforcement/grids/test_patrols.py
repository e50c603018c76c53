"""Patrols: who may start one, the track kept as a line, check-ins accepted only within
the configurable distance (PostGIS on the spheroid, stored), photos checked, the end."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from enforcement.grids import services
from enforcement.grids.models import CheckIn, Patrol, PatrolPhoto
from tests.enforcement.grids.conftest import NOW

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8"
       b"N\x00\x00\x00\x00IEND\xaeB`\x82")
AT_ONE = Point(118.15, 32.12, srid=4326)          # enterprise 1's point
NORTH_100M = Point(118.15, 32.1209, srid=4326)    # 0.0009° of latitude ≈ 99.8 m


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _start(staffed, user="grid_a", cell=None) -> Patrol:
    return services.patrol_start(user=staffed.users[user], cell=cell or staffed.c4a,
                                 point=Point(118.14, 32.11, srid=4326), now=NOW)


def test_who_may_start_a_patrol(staffed):
    for user in ("grid_b", "grid_a2", "county_a", "enterprise", "analyst"):
        with pytest.raises(PermissionDenied):
            _start(staffed, user)
    patrol = _start(staffed)  # grid_a answers for C3a, so for C4a below it
    assert (patrol.division_code, patrol.track) == (staffed.c4a.division_code, None)
    with pytest.raises(ValidationError) as error:
        _start(staffed, cell=staffed.c3a)
    assert error.value.messages == ["您有一次巡查尚未结束"]


def test_track_points_become_a_line(staffed):
    patrol = _start(staffed)
    added = services.patrol_track_add(user=staffed.users["grid_a"], patrol=patrol, points=[
        Point(118.141, 32.111), Point(118.142, 32.112)])
    services.patrol_track_add(user=staffed.users["grid_a"], patrol=patrol,
                              points=[Point(118.143, 32.113)])
    patrol.refresh_from_db()
    assert added == 2
    assert patrol.track.coords == ((118.14, 32.11), (118.141, 32.111), (118.142, 32.112),
                                   (118.143, 32.113))
    with pytest.raises(PermissionDenied):
        services.patrol_track_add(user=staffed.users["grid_a2"], patrol=patrol,
                                  points=[Point(118.0, 32.0)])
    with pytest.raises(ValidationError):
        services.patrol_track_add(user=staffed.users["grid_a"], patrol=patrol,
                                  points=[Point(200.0, 32.0)])


def test_checkin_within_distance_stored_with_photo(world, staffed):
    patrol = _start(staffed)
    photo = SimpleUploadedFile("a.png", PNG, content_type="image/png")
    row = services.checkin_make(user=staffed.users["grid_a"], patrol=patrol,
                                enterprise_id=world.enterprises_a[0].pk, point=NORTH_100M,
                                now=NOW + datetime.timedelta(minutes=5), note="现场整洁",
                                photos=[photo])
    assert row.distance_m == pytest.approx(99.8, abs=0.3)
    assert (row.note, row.division_code) == ("现场整洁", staffed.c4a.division_code)
    assert [p.checkin_id for p in PatrolPhoto.objects.all()] == [row.pk]
    assert PatrolPhoto.objects.get().image.read() == PNG
    patrol.refresh_from_db()
    assert patrol.track.coords[-1] == (118.15, 32.1209)  # the check-in extends the track


def test_checkin_refused_beyond_distance_and_configurable(world, staffed, settings):
    patrol = _start(staffed)
    far = Point(118.15, 32.125, srid=4326)  # ≈ 554 m
    with pytest.raises(ValidationError) as error:
        services.checkin_make(user=staffed.users["grid_a"], patrol=patrol,
                              enterprise_id=world.enterprises_a[0].pk, point=far, now=NOW)
    assert error.value.message_dict == {"geom": ["打卡位置距企业 554 米，超出允许的 300 米"]}
    settings.GRID_CHECKIN_METRES = 50
    with pytest.raises(ValidationError):
        services.checkin_make(user=staffed.users["grid_a"], patrol=patrol,
                              enterprise_id=world.enterprises_a[0].pk, point=NORTH_100M,
                              now=NOW)
    services.checkin_make(user=staffed.users["grid_a"], patrol=patrol,
                          enterprise_id=world.enterprises_a[0].pk, point=AT_ONE, now=NOW)
    assert list(CheckIn.objects.values_list("distance_m", flat=True)) == [0.0]


def test_checkin_refused_outside_scope_bad_photo_and_after_end(world, staffed):
    patrol = _start(staffed)
    grid_a = staffed.users["grid_a"]
    with pytest.raises(ValidationError) as error:  # an enterprise of county B
        services.checkin_make(user=grid_a, patrol=patrol, enterprise_id=world.enterprises_b[0]
                              .pk, point=world.enterprises_b[0].geom, now=NOW)
    assert error.value.message_dict == {"enterprise": ["企业不存在或不在您的辖区"]}
    text = SimpleUploadedFile("a.png", b"not an image", content_type="image/png")
    with pytest.raises(ValidationError) as error:
        services.checkin_make(user=grid_a, patrol=patrol, enterprise_id=world.enterprises_a[0]
                              .pk, point=AT_ONE, now=NOW, photos=[text])
    assert list(error.value.message_dict) == ["photos"]
    assert CheckIn.objects.count() == 0
    ended = services.patrol_end(user=grid_a, patrol=patrol, now=NOW + datetime.timedelta(
        hours=1), point=Point(118.16, 32.13, srid=4326), note="巡查完毕")
    assert (ended.ended_at, ended.note, ended.track.coords) == (
        NOW + datetime.timedelta(hours=1), "巡查完毕", ((118.14, 32.11), (118.16, 32.13)))
    with pytest.raises(ValidationError) as error:
        services.checkin_make(user=grid_a, patrol=patrol, enterprise_id=world.enterprises_a[0]
                              .pk, point=AT_ONE, now=NOW)
    assert error.value.messages == ["该巡查已结束"]
    assert _start(staffed).pk != patrol.pk  # a new round may start once the last ended
