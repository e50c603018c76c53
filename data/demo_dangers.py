"""The demo's hidden dangers (隐患排查治理): the demo `enterprise` account's firm has one
danger in each part of the loop — a general one closed, a general one overdue, a major one
handed in for acceptance under 挂牌督办 by the `county` account, one just registered — and a
weekly check task on the starter A list with a record whose finding became a danger. Made
through the slice's services (the loop, the gate, the messages), so the demo shows what a
user would have done. Idempotent: nothing is made for a firm that already has dangers."""

from __future__ import annotations

import datetime
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from enforcement.dangers import checks, services
from enforcement.dangers.check_models import Checklist, ChecklistItem
from enforcement.dangers.models import HiddenDanger
from geo.models import Role, User
from registry.enterprises.models import Enterprise

PLAN = {"plan_goal": "消除液氯储罐安全阀失效隐患，恢复超压保护",
        "plan_methods": "更换安全阀并校验，增设压力高高联锁",
        "plan_funding": "专项资金8万元，备件已到货",
        "plan_organisation": "设备部牵头，安全部配合",
        "plan_schedule": "30日内完成，期间降压运行",
        "plan_safety": "降低储存量，现场配备应急器材与专人监护"}


def _photo(width: int = 64, height: int = 48) -> SimpleUploadedFile:
    """A small plain PNG, written with the standard library (no imaging dependency)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    rows = b"".join(b"\0" + bytes((90, 160, 90)) * width for _row in range(height))
    png = (b"\x89PNG\r\n\x1a\n"
           + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
    return SimpleUploadedFile("after.png", png, content_type="image/png")


def demo_dangers_ensure() -> int:
    """Make the demo firm's dangers and check task; returns how many dangers were made."""
    owner = User.objects.filter(role=Role.ENTERPRISE, username="enterprise").first()
    county = User.objects.filter(role=Role.COUNTY, username="county").first()
    firm = Enterprise.objects.filter(organisation_id=getattr(owner, "organisation_id", None)
                                     ).first()
    if owner is None or county is None or firm is None or \
            HiddenDanger.objects.filter(enterprise=firm).exists():
        return 0
    today = timezone.localdate()

    def new(name: str, description: str, **fields) -> HiddenDanger:
        return services.danger_register(enterprise=firm, user=owner, name=name,
                                        description=description, **fields)

    def step(danger, action, user=owner, **fields):
        return services.danger_step(danger=danger, action=action, user=user, **fields)

    closed = new("消防通道堆放杂物", "仓库东侧消防通道堆放包装桶", category="fire")
    closed = step(closed, "grade", level="general", manage_type="immediate")
    closed = step(closed, "start", control_measures="清理杂物，划定禁放区", liable_person="王强")
    closed = step(closed, "submit", rectification="已清理并设置禁放标识")
    step(step(closed, "accept", reason="现场复核合格"), "close")
    late = new("配电室挡鼠板缺失", "1号配电室门口未设挡鼠板", category="electrical")
    late = step(late, "grade", level="general", manage_type="deadline",
                deadline=today - datetime.timedelta(days=5))
    step(late, "start", control_measures="加装挡鼠板", liable_person="刘伟")
    major = new("液氯储罐安全阀失效", "2号液氯储罐安全阀校验过期且起跳压力偏高",
                category="chemicals", cause="未按期送检")
    major = step(major, "grade", level="major", manage_type="deadline",
                 deadline=today + datetime.timedelta(days=20))
    services.danger_supervise(danger=major, user=county,
                              deadline=today + datetime.timedelta(days=30), note="限期治理")
    major = step(major, "start", control_measures="更换安全阀", liable_person="张建国",
                 cost=80000, assessment="超压时不能泄放，可能导致储罐破裂、液氯泄漏", **PLAN)
    services.danger_photos_add(danger=major, user=owner, stage="after", photos=[_photo()])
    step(major, "submit", rectification="已更换安全阀并完成校验，申请验收")
    new("安全警示标志褪色", "罐区入口安全警示标志褪色难以辨认", category="workplace")
    _check_task(firm, owner, today)
    return HiddenDanger.objects.filter(enterprise=firm).count()


def _check_task(firm: Enterprise, owner: User, today: datetime.date) -> None:
    checklist = Checklist.objects.filter(category="A").first()
    if checklist is None:
        return
    task = checks.check_task_create(enterprise=firm, user=owner, checklist=checklist,
                                    name="每周重大隐患判定排查", frequency="weekly",
                                    starts_on=today - datetime.timedelta(days=7),
                                    assignee="安全部")
    items = {i.code: i for i in ChecklistItem.objects.filter(checklist=checklist, level=2)}
    checks.check_record_save(task=task, user=owner, note="周检", results=[
        (items["A1.1"], "ok", ""), (items["A1.12"], "found", "罐区2号可燃气体报警器无响应"),
        (items["A1.15"], "ok", "")])


def demo_dangers_delete(cursor, prefix: str) -> None:
    """Raw-SQL removal of the hidden dangers, check tasks and records under `prefix`
    (before the warnings, enterprises and organisations they point at go)."""
    like = [prefix + "%"]
    cursor.execute("DELETE FROM enforcement_checkresult r USING enforcement_checkrecord c"
                   " WHERE r.record_id = c.id AND c.division_code LIKE %s", like)
    for table in ("enforcement_hiddendangerstep", "enforcement_hiddendangerphoto"):
        cursor.execute(f"DELETE FROM {table} s USING enforcement_hiddendanger d"  # noqa: S608
                       " WHERE s.danger_id = d.id AND d.division_code LIKE %s", like)
    for table in ("enforcement_hiddendanger", "enforcement_checkrecord",
                  "enforcement_checktask"):
        cursor.execute(f"DELETE FROM {table} WHERE division_code LIKE %s", like)  # noqa: S608
