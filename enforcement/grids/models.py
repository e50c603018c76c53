"""Responsibility grids (责任体系网格化).

The four government grid levels are `geo.GridCell` (1 county … 4 smallest, the
`grid_cells` layer). This slice adds what hangs on them:
- `GridMember`: the responsible people of a cell with their duty (网格长 / 网格员 /
  专职安全员), kept as dated rows (an ended row is history), maintained by the supervisors
  over the cell; the cell's `responsible` users (alarm routing reads them) follow the open
  rows;
- `EnterpriseZone` and `ZoneMember`: an enterprise's own internal grid (企业网格) of zones
  and its people, owned by the enterprise;
- `GridAssignment` (网格划分) and its steps: each enterprise in the smallest cell that
  contains its point, and the ownership confirmation (确权) on it;
- `Patrol` (巡查) with its track (a line), `CheckIn` (打卡) at enterprises and photos.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from geo.models import Audited
from geo.places import Owned, Placed


class Duty(models.TextChoices):
    HEAD = "head", _("网格长")
    MEMBER = "member", _("网格员")
    SAFETY_OFFICER = "safety_officer", _("专职安全员")


class Responsible(models.Model):
    """A person responsible for a grid from `started` to `ended` (open while None). The
    person may have an account (`user`, who then acts in the grid: confirms, patrols)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name=_("账号"))
    name = models.CharField(_("姓名"), max_length=50)
    duty = models.CharField(_("职责"), max_length=16, choices=Duty.choices)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    started = models.DateField(_("任职日期"))
    ended = models.DateField(_("离任日期"), null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.name}（{self.get_duty_display()}）"


def term_order(name: str) -> models.CheckConstraint:
    """A term ends on or after its start (or is open)."""
    return models.CheckConstraint(condition=models.Q(ended__isnull=True)
                                  | models.Q(ended__gte=models.F("started")), name=name)


class GridMember(Audited, Responsible, Placed):
    """网格责任人 of a government cell; the division code is the cell's."""

    cell = models.ForeignKey("geo.GridCell", models.CASCADE, related_name="members",
                             verbose_name=_("网格"))

    class Meta:
        verbose_name = _("网格责任人")
        verbose_name_plural = _("网格责任人")
        ordering = ["cell_id", "ended", "duty", "name"]
        constraints = [
            term_order("grid_member_ended_after_started"),
            models.UniqueConstraint(fields=["cell", "user", "duty"],
                                    condition=models.Q(ended__isnull=True, user__isnull=False),
                                    name="grid_member_one_open_duty"),
        ]


class EnterpriseZone(Audited, Owned):
    """A zone of an enterprise's own grid (企业网格: 厂区 → 车间 → 班组区域), drawn on
    its site (optional shape), owned by the enterprise."""

    enterprise = models.ForeignKey("registry.Enterprise", models.CASCADE,
                                   related_name="grid_zones", verbose_name=_("企业"))
    name = models.CharField(_("网格名称"), max_length=100)
    parent = models.ForeignKey("self", models.CASCADE, null=True, blank=True,
                               related_name="children", verbose_name=_("上级网格"))
    geom = models.MultiPolygonField(_("范围"), srid=4326, null=True, blank=True)

    class Meta:
        verbose_name = _("企业网格")
        verbose_name_plural = _("企业网格")
        ordering = ["enterprise_id", "name"]

    def __str__(self) -> str:
        return self.name


class ZoneMember(Audited, Responsible, Owned):
    """网格责任人 of an enterprise zone (owned, like the zone, by the enterprise)."""

    enterprise = models.ForeignKey("registry.Enterprise", models.CASCADE, related_name="+",
                                   verbose_name=_("企业"))
    zone = models.ForeignKey(EnterpriseZone, models.CASCADE, related_name="members",
                             verbose_name=_("企业网格"))

    class Meta:
        verbose_name = _("企业网格责任人")
        verbose_name_plural = _("企业网格责任人")
        ordering = ["zone_id", "ended", "duty", "name"]
        constraints = [term_order("zone_member_ended_after_started")]


class ClaimState(models.TextChoices):
    """确权: the grid's people say whether an assigned enterprise is theirs."""

    PENDING = "pending", _("待确权")
    CONFIRMED = "confirmed", _("已确权")
    DISPUTED = "disputed", _("有异议")


class GridAssignment(Audited, Owned):
    """An enterprise's grid (网格划分): the smallest cell containing its point, found by
    `services.grid_assign` and kept in step on every run, unless the county decided a
    dispute by naming another cell (`pinned`). One row per enterprise. Owned so the
    enterprise reads its own; the division code is the enterprise's."""

    enterprise = models.OneToOneField("registry.Enterprise", models.CASCADE,
                                      related_name="grid_assignment", verbose_name=_("企业"))
    cell = models.ForeignKey("geo.GridCell", models.CASCADE, related_name="assignments",
                             verbose_name=_("网格"))
    state = models.CharField(_("确权状态"), max_length=12, choices=ClaimState.choices,
                             default=ClaimState.PENDING, db_index=True)
    pinned = models.BooleanField(_("县级指定"), default=False,
                                 help_text=_("由县级裁定指定的网格，不随位置重新划分"))
    assigned_at = models.DateTimeField(_("划分时间"))
    reason = models.CharField(_("异议理由"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("网格划分")
        verbose_name_plural = _("网格划分")
        ordering = ["cell_id", "enterprise_id"]

    def __str__(self) -> str:
        return f"{self.enterprise} → {self.cell}"


class ClaimAction(models.TextChoices):
    ASSIGN = "assign", _("划入网格")
    CONFIRM = "confirm", _("确认归属")
    DISPUTE = "dispute", _("提出异议")
    UPHOLD = "uphold", _("维持划分")
    REASSIGN = "reassign", _("改划网格")


class AssignmentStep(models.Model):
    """The history of one enterprise's assignment and its 确权 (beside the audit log)."""

    assignment = models.ForeignKey(GridAssignment, models.CASCADE, related_name="steps",
                                   verbose_name=_("网格划分"))
    action = models.CharField(_("操作"), max_length=10, choices=ClaimAction.choices)
    cell = models.ForeignKey("geo.GridCell", models.CASCADE, related_name="+",
                             verbose_name=_("网格"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                             related_name="+", verbose_name=_("操作人"))
    reason = models.CharField(_("理由"), max_length=300, blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("确权记录")
        verbose_name_plural = _("确权记录")
        ordering = ["assignment_id", "at", "pk"]


class Patrol(Audited, Placed):
    """巡查: a grid member's round in one cell, from start to end; `track` is the line of
    the positions reported on the way (the start, every track point, every check-in)."""

    cell = models.ForeignKey("geo.GridCell", models.CASCADE, related_name="patrols",
                             verbose_name=_("网格"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                             verbose_name=_("巡查人"))
    started_at = models.DateTimeField(_("开始时间"), db_index=True)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    start = models.PointField(_("起点"), srid=4326)
    track = models.LineStringField(_("巡查轨迹"), srid=4326, null=True, blank=True)
    note = models.TextField(_("巡查情况"), blank=True)

    class Meta:
        verbose_name = _("网格巡查")
        verbose_name_plural = _("网格巡查")
        ordering = ["-started_at"]
        constraints = [models.UniqueConstraint(fields=["user"],
                                               condition=models.Q(ended_at__isnull=True),
                                               name="patrol_one_open_per_user")]

    def __str__(self) -> str:
        return f"{self.cell} {self.started_at:%Y-%m-%d %H:%M}"


class CheckIn(Audited, Placed):
    """打卡: a patrol's visit to an enterprise, accepted only within the check-in distance
    of the enterprise's point; the distance (metres, PostGIS on the spheroid) is kept."""

    patrol = models.ForeignKey(Patrol, models.CASCADE, related_name="checkins",
                               verbose_name=_("巡查"))
    enterprise = models.ForeignKey("registry.Enterprise", models.CASCADE, related_name="+",
                                   verbose_name=_("企业"))
    at = models.DateTimeField(_("打卡时间"))
    geom = models.PointField(_("打卡位置"), srid=4326)
    distance_m = models.FloatField(_("距企业距离（米）"))
    note = models.TextField(_("检查情况"), blank=True)

    class Meta:
        verbose_name = _("巡查打卡")
        verbose_name_plural = _("巡查打卡")
        ordering = ["patrol_id", "at"]


class PatrolPhoto(models.Model):
    """A photo of a patrol, of one check-in or of the round itself."""

    patrol = models.ForeignKey(Patrol, models.CASCADE, related_name="photos",
                               verbose_name=_("巡查"))
    checkin = models.ForeignKey(CheckIn, models.CASCADE, null=True, blank=True,
                                related_name="photos", verbose_name=_("打卡"))
    image = models.FileField(_("照片"), upload_to="grids/%Y/%m/")
    at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("巡查照片")
        verbose_name_plural = _("巡查照片")
        ordering = ["patrol_id", "pk"]
