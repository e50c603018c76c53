"""Knowledge base (知识库): laws and regulations (法律法规) and accident cases (事故案例).

Imported by `registry.models`; search lives in `registry.knowledge.selectors`. Title and
text columns carry GIN trigram indexes (pg_trgm), which index Chinese as well as Latin
text, so search needs no external service.
"""

from __future__ import annotations

from django.contrib.gis.db import models
from django.contrib.postgres.indexes import GinIndex
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from geo.places import Placed


def _trigram(table: str, *columns: str) -> list[GinIndex]:
    return [GinIndex(fields=[c], opclasses=["gin_trgm_ops"], name=f"{table}_{c}_trgm")
            for c in columns]


class LawLevel(models.TextChoices):
    LAW = "law", _("法律")
    ADMINISTRATIVE_REGULATION = "administrative_regulation", _("行政法规")
    DEPARTMENTAL_RULE = "departmental_rule", _("部门规章")
    LOCAL_REGULATION = "local_regulation", _("地方性法规")
    STANDARD = "standard", _("标准")


class LawStatus(models.TextChoices):
    IN_FORCE = "in_force", _("现行有效")
    REPEALED = "repealed", _("已废止")


class Regulation(models.Model):
    """A law, regulation, rule or standard (法律法规)."""

    title = models.CharField(_("标题"), max_length=300)
    issuer = models.CharField(_("发布机关"), max_length=200)
    document_number = models.CharField(_("文号"), max_length=100, blank=True)
    level = models.CharField(_("效力级别"), max_length=32, choices=LawLevel.choices)
    issued = models.DateField(_("发布日期"))
    effective = models.DateField(_("施行日期"), null=True, blank=True)
    status = models.CharField(_("时效性"), max_length=16, choices=LawStatus.choices,
                              default=LawStatus.IN_FORCE)
    text = models.TextField(_("全文"), blank=True)
    text_is_summary = models.BooleanField(_("正文为摘要"), default=False,
                                          help_text=_("正文仅为摘要时请以官方文本为准"))

    class Meta:
        verbose_name = _("法律法规")
        verbose_name_plural = _("法律法规")
        ordering = ["-issued", "title"]
        indexes = _trigram("regulation", "title", "text")

    def __str__(self) -> str:
        return self.title


class AccidentType(models.TextChoices):
    """Accident categories of GB 6441-1986 (企业职工伤亡事故分类)."""

    STRUCK_BY_OBJECT = "struck_by_object", _("物体打击")
    VEHICLE = "vehicle", _("车辆伤害")
    MACHINERY = "machinery", _("机械伤害")
    LIFTING = "lifting", _("起重伤害")
    ELECTRIC_SHOCK = "electric_shock", _("触电")
    DROWNING = "drowning", _("淹溺")
    BURN = "burn", _("灼烫")
    FIRE = "fire", _("火灾")
    FALL = "fall", _("高处坠落")
    COLLAPSE = "collapse", _("坍塌")
    ROOF_FALL = "roof_fall", _("冒顶片帮")
    FLOODING = "flooding", _("透水")
    BLASTING = "blasting", _("放炮")
    EXPLOSIVE = "explosive", _("火药爆炸")
    GAS_EXPLOSION = "gas_explosion", _("瓦斯爆炸")
    BOILER_EXPLOSION = "boiler_explosion", _("锅炉爆炸")
    VESSEL_EXPLOSION = "vessel_explosion", _("容器爆炸")
    OTHER_EXPLOSION = "other_explosion", _("其他爆炸")
    POISONING = "poisoning", _("中毒和窒息")
    OTHER = "other", _("其他伤害")


class AccidentCase(Placed):
    """Accident case (事故案例) compiled from a published investigation report."""

    title = models.CharField(_("标题"), max_length=300)
    occurred = models.DateField(_("发生日期"), db_index=True)
    place = models.CharField(_("发生地点"), max_length=300)
    accident_type = models.CharField(_("事故类型"), max_length=32,
                                     choices=AccidentType.choices)
    deaths = models.PositiveIntegerField(_("死亡人数"), default=0)
    injuries = models.PositiveIntegerField(_("受伤人数"), default=0)
    direct_loss = models.DecimalField(_("直接经济损失（万元）"), max_digits=14,
                                      decimal_places=2, null=True, blank=True,
                                      validators=[MinValueValidator(0)])
    cause = models.TextField(_("事故原因"), blank=True)
    lessons = models.TextField(_("教训与防范措施"), blank=True)
    summary = models.TextField(_("事故概要"), blank=True)
    fictional = models.BooleanField(_("虚构示例"), default=False,
                                    help_text=_("演示用虚构案例，非真实事故"))
    geom = models.PointField(_("位置"), srid=4326, spatial_index=True)

    class Meta:
        verbose_name = _("事故案例")
        verbose_name_plural = _("事故案例")
        ordering = ["-occurred", "title"]
        indexes = _trigram("accidentcase", "title", "summary", "cause")

    def __str__(self) -> str:
        return self.title
