"""The hub's workbench blocks (geo.home): the figures of a government user's area
(enterprises by the four risk colours, with a chart) and an enterprise user's own firm; the
shortcuts to the files."""

from __future__ import annotations

from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from geo import authority
from geo.home import Bar, Figure, HomeAsk, Item, Panel, home_block, home_shortcut
from geo.models import Role
from registry.enterprises.models import RiskLevel
from registry.enterprises.selectors import enterprise_figures, enterprise_own

TONES = {1: "red", 2: "orange", 3: "yellow", 4: "blue"}


def _area(ask: HomeAsk) -> bool:
    """A caller who sees an area (a government user, the administrator), not one firm."""
    return ask.scope.everything or ask.scope.prefix is not None


def _firm(ask: HomeAsk) -> bool:
    return ask.user.is_authenticated and ask.user.role == Role.ENTERPRISE \
        and ask.scope.organisation_id is not None


@home_block(10, gettext_lazy("辖区概况"), key="area", shared=True)
def area(ask: HomeAsk) -> Panel | None:
    if not _area(ask):
        return None
    counts = enterprise_figures(scope=ask.scope)
    url = reverse("enterprise_list")
    return Panel(
        figures=[Figure(_("企业"), counts["total"], url),
                 Figure(_("构成重大危险源的企业"), counts["major"])],
        chart=_("企业风险四色分布"),
        bars=[Bar(str(label), counts[f"risk_{level}"], TONES[level], f"{url}?risk_level={level}")
              for level, label in RiskLevel.choices], more_url=url)


@home_block(10, gettext_lazy("本企业"), key="firm", shared=True)
def firm(ask: HomeAsk) -> Panel | None:
    if not _firm(ask):
        return None
    own = enterprise_own(scope=ask.scope, user=ask.user)
    if own is None:
        return Panel(empty=_("本单位尚无企业档案"))
    url = reverse("enterprise_detail", args=[own.pk])
    return Panel(items=[Item(own.name, url, note=own.address)], figures=[
        Figure(_("风险等级"), own.get_risk_level_display(), url, TONES.get(own.risk_level, "")),
        Figure(_("构成重大危险源"), _("是") if own.has_major_hazard else _("否"), url)],
        more_url=url)


home_shortcut(5, gettext_lazy("本企业档案"), key="firm", url=reverse_lazy("enterprise_mine"),
              shows=_firm)
home_shortcut(10, gettext_lazy("企业一企一档"), key="enterprises",
              url=reverse_lazy("enterprise_list"), shows=_area)
home_shortcut(12, gettext_lazy("档案变更审核"), key="enterprise_reviews",
              url=reverse_lazy("enterprise_review_list"),
              shows=lambda ask: authority.is_supervisor(ask.user))
home_shortcut(60, gettext_lazy("一张图"), key="onemap", url="/dash/onemap/",
              shows=lambda ask: True)
