"""The daily safety commitment (安全风险研判与承诺公告, reference §4): one card per
enterprise per day, filed by the enterprise and signed by its principal (主要负责人)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from geo.models import Audited
from geo.places import Owned

# The fixed wording of the card (reference §4, the same in five or more implementations).
PLEDGE = _("今天我公司已进行安全风险研判，各项安全风险防控措施已落实到位，我承诺所有生产装置"
           "处于安全运行状态，罐区、仓库等重大危险源安全风险得到有效管控。")

# The card's counts, in the order of the card's sentence.
COUNT_FIELDS = ("units_total", "units_running", "units_stopped", "units_overhaul",
                "hot_work_special", "hot_work_first", "hot_work_second", "confined_space")
FLAG_FIELDS = ("trial_production", "start_stop", "hazards_safe")


def _count(label) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(label, default=0)


class Commitment(Audited, Owned):
    """承诺公告: the card's minimum fields, the signatory and when it was filed.

    A filed card is not corrected: the reference describes no correction, and a board at
    the main gate that changes after the deadline would defeat the commitment."""

    enterprise = models.ForeignKey("registry.Enterprise", models.CASCADE,
                                   related_name="commitments", verbose_name=_("企业"))
    day = models.DateField(_("承诺日期"))
    units_total = _count(_("生产装置总数（套）"))
    units_running = _count(_("运行（套）"))
    units_stopped = _count(_("停产（套）"))
    units_overhaul = _count(_("检修（套）"))
    hot_work_special = _count(_("特殊动火作业（处）"))
    hot_work_first = _count(_("一级动火作业（处）"))
    hot_work_second = _count(_("二级动火作业（处）"))
    confined_space = _count(_("进入受限空间作业（处）"))
    trial_production = models.BooleanField(_("是否处于试生产"))
    start_stop = models.BooleanField(_("是否处于开停车状态"))
    # the card's overall judgement: "罐区、仓库等重大危险源是否处于安全状态"
    hazards_safe = models.BooleanField(_("重大危险源是否处于安全状态"))
    principal = models.CharField(_("主要负责人"), max_length=50)
    filed_at = models.DateTimeField(_("承诺时间"))
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                 related_name="+", verbose_name=_("填报人"))
    # set once when a "safe" card met that day's HH alarm or red/orange warning
    flagged_at = models.DateTimeField(_("研判不符标记时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("安全承诺")
        verbose_name_plural = _("安全承诺")
        ordering = ["-day", "enterprise_id"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "day"],
                                    name="commitment_one_per_enterprise_day"),
            models.CheckConstraint(
                condition=models.Q(units_total=models.F("units_running")
                                   + models.F("units_stopped") + models.F("units_overhaul")),
                name="commitment_units_add_up",
                violation_error_message=_("运行、停产、检修套数之和应等于生产装置总数")),
        ]
        indexes = [models.Index(fields=["day", "division_code"])]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.day}"
