"""The major hazard sources (重大危险源) section of the one-enterprise file page: a table
linking each source's file, and its outline on the site map in the four colours."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from layers.maps import Shape, level_colour
from registry.enterprises.sections import Contribution, FileRequest, enterprise_section
from registry.hazards.selectors import enterprise_hazard_sources


@enterprise_section(20, gettext_lazy("重大危险源"), anchor="hazards",
                    template="registry/hazards/_enterprise_section.html")
def hazards_section(file: FileRequest) -> Contribution:
    sources = enterprise_hazard_sources(scope=file.scope, enterprise=file.enterprise)
    return Contribution(
        context={"hazards": [{"source": h, "colour": level_colour(h.level),
                              "url": reverse("hazards:detail", args=[h.pk])}
                             for h in sources]},
        shapes=[Shape(h.geojson, level_colour(h.level), f"{h.name} · {_level_label(h)}")
                for h in sources])


def _level_label(source) -> str:
    """The map label: the level, else 未评估 (never a guessed level), else 未分级."""
    if source.level:
        return str(source.get_level_display())
    return _("未评估") if source.unevaluated_reason else _("未分级")
