"""Agencies for the shared world: county A's and county B's emergency management bureaus
(应急管理局) with their county supervisors as members, so they may issue documents."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from geo.models import NumberFormat, Organisation


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Issued files go to the test's own folder, not the site's media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def agencies(world) -> dict[str, Organisation]:
    found = {}
    for key, county in (("a", world.county_a), ("b", world.county_b)):
        agency = Organisation.objects.create(name=f"{county.name}应急管理局", kind="government",
                                             division=county)
        user = world.users[f"county_{key}"]
        user.organisation = agency
        user.save(update_fields=["organisation"])
        found[key] = agency
    # The province's abbreviation comes with the migration; a transactional test elsewhere
    # may have flushed it, so make sure it is there.
    NumberFormat.objects.get_or_create(kind="*", area="32", defaults={
        "abbreviation": "苏", "template": "（{abbr}）应急{code}〔{year}〕{line}{serial}号"})
    return found


def png(width: int = 120, height: int = 50) -> bytes:
    """A drawn signature: black strokes on white."""
    image = Image.new("RGB", (width, height), "white")
    for x in range(10, width - 10):
        image.putpixel((x, height // 2 + (x % 7) - 3), (0, 0, 0))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
