"""The national classification of emergencies (突发公共事件分类) and their levels, as data.

《国家突发公共事件总体应急预案》§1.3 sorts emergencies into four categories — natural
disasters (自然灾害), accidents (事故灾难), public-health events (公共卫生事件) and
social-security events (社会安全事件) — each with the sub-types the plan names ("主要包括…");
the accidents' first sub-type (工矿商贸等企业的各类安全事故) is split into the kinds a
work-safety bureau receives. §1.3 also grades every emergency into four levels, Ⅰ 特别重大
(red) to Ⅳ 一般 (blue), the numbers the four colours of the map use.

The codes are ours (category digit + sub-type digit), stable: rows store the sub-type.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    NATURAL = "1", _("自然灾害")
    ACCIDENT = "2", _("事故灾难")
    HEALTH = "3", _("公共卫生事件")
    SOCIAL = "4", _("社会安全事件")


class Kind(models.TextChoices):
    """Sub-types; the first digit is the category."""

    FLOOD_DROUGHT = "11", _("水旱灾害")
    METEOROLOGICAL = "12", _("气象灾害")
    EARTHQUAKE = "13", _("地震灾害")
    GEOLOGICAL = "14", _("地质灾害")
    MARINE = "15", _("海洋灾害")
    BIOLOGICAL = "16", _("生物灾害")
    FOREST_FIRE = "17", _("森林草原火灾")
    CHEMICAL = "21", _("危险化学品事故")
    MINE = "22", _("矿山事故")
    INDUSTRY_TRADE = "23", _("工贸企业生产安全事故")
    CONSTRUCTION = "24", _("建筑施工事故")
    FIRE = "25", _("火灾事故")
    TRAFFIC = "26", _("交通运输事故")
    PUBLIC_FACILITY = "27", _("公共设施和设备事故")
    POLLUTION = "28", _("环境污染和生态破坏事件")
    EPIDEMIC = "31", _("传染病疫情")
    UNKNOWN_DISEASE = "32", _("群体性不明原因疾病")
    FOOD_OCCUPATIONAL = "33", _("食品安全和职业危害")
    ANIMAL_EPIDEMIC = "34", _("动物疫情")
    OTHER_HEALTH = "35", _("其他严重影响公众健康和生命安全的事件")
    TERRORISM = "41", _("恐怖袭击事件")
    ECONOMIC = "42", _("经济安全事件")
    FOREIGN = "43", _("涉外突发事件")
    MASS = "44", _("群体性事件")


class Level(models.IntegerChoices):
    """§1.3: Ⅰ级（特别重大）… Ⅳ级（一般）; 1–4 as the four colours (red … blue)."""

    EXTRAORDINARY = 1, _("特别重大")
    MAJOR = 2, _("重大")
    LARGER = 3, _("较大")
    ORDINARY = 4, _("一般")


def category_of(kind: str) -> str:
    return kind[:1]


def kinds_by_category() -> list[tuple[str, list[tuple[str, str]]]]:
    """(category label, [(kind, label), …]) for grouped choices."""
    return [(str(label), [(k, str(k.label)) for k in Kind if category_of(k) == value])
            for value, label in Category.choices]
