"""The four-colour plant map (风险四色图): zones take the colour of their highest risk, the
layer, the A3 PDF (with a placed floor plan beneath, legend, north arrow, date), the risk
notification cards with their QR link, and scope through all of it."""

import io
import subprocess

import pytest
from django.contrib.gis.geos import Point, Polygon
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from enforcement.risk import services, zones
from enforcement.risk.cards import card_target, card_token
from enforcement.risk.models import RiskZone
from registry.floorplans.services import floor_plan_georeference, floor_plan_upload


def square(ent, dx=0.0, side=0.002):
    x, y = ent.geom.x + dx, ent.geom.y
    poly = Polygon.from_bbox((x - 0.0001, y - 0.0001, x + side, y + side))
    poly.srid = 4326
    return poly


@pytest.fixture
def graded(world, ent, make_point):
    """Two graded points in zone 储罐区 (一般 and 较大), none in zone 办公区."""
    admin = world.users["admin"]
    tank = make_point(name="液氯储罐区")
    pump = make_point(name="液氯泵", kind="equipment",
                      geom=Point(ent.geom.x + 0.001, ent.geom.y + 0.001, srid=4326))
    services.risk_point_assess(user=admin, point=tank, stage="final", method="LEC",
                               factors={"L": 1, "E": 10, "C": 7})     # 70: 一般
    services.control_measure_add(user=admin, point=pump, kind="emergency",
                                 text="泄漏时佩戴空气呼吸器关闭阀门")
    services.risk_point_assess(user=admin, point=pump, stage="final", method="LS",
                               factors={"L": 3, "S": 5})              # 15: 较大
    zone = zones.risk_zone_create(user=admin, enterprise=ent, name="储罐区", geom=square(ent))
    office = zones.risk_zone_create(user=admin, enterprise=ent, name="办公区",
                                    geom=square(ent, dx=0.01))
    return tank, pump, zone, office


def test_zone_takes_the_highest_risk_and_follows_changes(world, graded):
    tank, pump, zone, office = graded
    assert (zone.level, office.level) == (2, None)
    services.risk_point_assess(user=world.users["admin"], point=tank, stage="adjusted",
                               method="LS", factors={"L": 5, "S": 5}, reason="增加储量")
    zone.refresh_from_db()
    assert zone.level == 1
    services.risk_point_delete(user=world.users["admin"], point=tank)
    services.risk_point_update(user=world.users["admin"], point=pump,
                               geom=Point(office.geom.centroid.x, office.geom.centroid.y,
                                          srid=4326))
    assert dict(RiskZone.objects.values_list("name", "level")) == {"储罐区": None, "办公区": 2}


def test_zone_writes_need_the_owner_and_a_polygon(world, ent):
    with pytest.raises(services.PermissionDenied):
        zones.risk_zone_create(user=world.users["county_b"], enterprise=ent, name="x",
                               geom=square(ent))
    with pytest.raises(services.ValidationError):
        zones.risk_zone_create(user=world.users["admin"], enterprise=ent, name="x",
                               geom=Point(ent.geom.x, ent.geom.y, srid=4326))


def test_zones_layer_and_page_in_scope(client, world, ent, graded):
    client.force_login(world.users["county_a"])
    items = client.get("/ogc/collections/risk_zones/items?f=json").json()
    assert {f["properties"]["name"]: f["properties"]["level"]
            for f in items["features"]} == {"办公区": None, "储罐区": 2}
    page = client.get(reverse("risk:zones", args=[ent.pk]))
    assert page.status_code == 200 and "储罐区" in page.content.decode()
    client.force_login(world.users["county_b"])
    assert client.get("/ogc/collections/risk_zones/items?f=json").json()["features"] == []
    assert client.get(reverse("risk:zones", args=[ent.pk])).status_code == 404
    assert client.get(reverse("risk:plant_map_pdf", args=[ent.pk])).status_code == 404
    assert client.get(reverse("risk:zone_card", args=[graded[2].pk])).status_code == 404


def test_zone_drawn_through_the_page(client, world, ent):
    client.force_login(world.users["enterprise"])
    outline = square(ent).geojson
    done = client.post(reverse("risk:zones", args=[ent.pk]),
                       {"name": "装卸区", "outline": outline, "floor_plan": ""})
    assert done.status_code == 302 and RiskZone.objects.filter(name="装卸区").exists()
    client.force_login(world.users["analyst"])
    assert client.post(reverse("risk:zones", args=[ent.pk]),
                       {"name": "x", "outline": outline}).status_code == 403


def _pdf_text(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True,
                          check=True).stdout.decode()


@pytest.fixture
def placed_plan(world, ent, settings, tmp_path):
    """A 400×300 plan, north-up, 0.5 m a pixel, its corner at the enterprise."""
    settings.MEDIA_ROOT = tmp_path / "media"
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), (30, 120, 200)).save(buffer, "PNG")
    plan = floor_plan_upload(enterprise=ent, name="一号厂区",
                             file=SimpleUploadedFile("plan.png", buffer.getvalue()))
    x, y = ent.geom.x - 0.0005, ent.geom.y + 0.0025
    step = 0.5 / 111320  # degrees a pixel, near enough for a picture
    points = [{"col": c, "row": r, "lon": x + c * step * 1.18, "lat": y - r * step}
              for c, r in ((0, 0), (400, 0), (0, 300))]
    return floor_plan_georeference(plan=plan, control_points=points)


def test_a3_plant_map_pdf(client, world, ent, graded, placed_plan):
    client.force_login(world.users["enterprise"])
    page = client.get(reverse("risk:plant_map", args=[ent.pk])).content.decode()
    assert "<svg" in page and "data:image/png;base64," in page  # the plan beneath
    answer = client.get(reverse("risk:plant_map_pdf", args=[ent.pk]))
    assert answer["Content-Type"] == "application/pdf"
    text = _pdf_text(answer.content)
    for words in ("安全风险四色分布图", "图例", "重大风险（红）", "低风险（蓝）", "储罐区",
                  "制图日期", "N"):
        assert words in text, words
    # A3 landscape: 420 × 297 mm = 1190.55 × 841.89 pt
    info = subprocess.run(["pdfinfo", "-"], input=answer.content, capture_output=True,
                          check=True).stdout.decode()
    assert "1190.55 x 841.89 pts" in info


def test_cards_with_a_qr_link_that_opens_on_a_phone(client, world, ent, graded):
    tank, pump, zone, office = graded
    client.force_login(world.users["enterprise"])
    page = client.get(reverse("risk:zone_card", args=[zone.pk])).content.decode()
    assert "风险告知卡" in page and "液氯泵" in page and "泄漏时佩戴空气呼吸器关闭阀门" in page
    assert "<svg" in page  # the QR code, made here
    text = _pdf_text(client.get(reverse("risk:zone_card_pdf", args=[zone.pk])).content)
    assert "风险告知卡" in text and "较大风险（橙）" in text and "扫码查看告知卡" in text
    assert "液氯储罐区" in _pdf_text(
        client.get(reverse("risk:point_card_pdf", args=[tank.pk])).content)
    token = card_token("z", zone.pk)
    assert card_target(token) == ("z", zone.pk) and card_target(token + "x") is None
    phone = client.__class__()  # nobody signed in: the signed link is the permission
    opened = phone.get(reverse("risk:card_public", args=[token]))
    assert opened.status_code == 200 and "液氯泵" in opened.content.decode()
    forged = f"z{office.pk}:" + token.split(":")[1]
    assert phone.get(reverse("risk:card_public", args=[forged])).status_code == 404
