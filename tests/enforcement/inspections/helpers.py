"""Helpers of the inspection tests: a PNG photo and a scheduled inspection."""

from __future__ import annotations

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from enforcement.inspections.services import inspection_schedule
from enforcement.library.models import CheckItem

DAY = datetime.date(2026, 12, 4)
CODES = ["WHP-GL-08", "WHP-ZD-02", "WHP-ZD-12"]


def png(name: str = "p.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def items() -> list[CheckItem]:
    return list(CheckItem.objects.filter(code__in=CODES).order_by("code"))


def schedule(world, staff, *, enterprise=None, inspectors=None, plan=None, user=None):
    enterprise = enterprise or world.enterprises_a[0]
    return inspection_schedule(
        user=user or world.users["county_a"], enterprise_id=enterprise.pk, scheduled_on=DAY,
        inspector_ids=[i.pk for i in (inspectors or staff.a[:2])],
        item_ids=[i.pk for i in items()], purpose="年度检查", scheme="查资料、看现场",
        plan=plan)


def findings(failed: dict[str, str] | None = None, photo=None) -> list[dict]:
    failed = failed or {}
    return [{"item_id": i.pk, "result": "fail" if i.code in failed else "pass",
             "description": failed.get(i.code, ""),
             "photo": photo if i.code in failed else None} for i in items()]
