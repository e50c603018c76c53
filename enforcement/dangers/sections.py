"""The hidden dangers (隐患) section of the one-enterprise file page: the open ones first,
with their state and deadline, and each as a dot on the site map in its layer colour."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy

from enforcement.dangers.selectors import enterprise_dangers, is_overdue
from geo import authority
from layers.maps import Dot, level_colour
from registry.enterprises.sections import Contribution, FileRequest, enterprise_section


@enterprise_section(50, gettext_lazy("隐患排查治理"), anchor="dangers",
                    template="enforcement/dangers/_enterprise_section.html")
def dangers_section(file: FileRequest) -> Contribution:
    rows = enterprise_dangers(scope=file.scope, enterprise=file.enterprise)
    return Contribution(
        context={"dangers": [{"danger": d, "colour": level_colour(d.tone),
                              "overdue": is_overdue(d, file.today),
                              "url": reverse("dangers:detail", args=[d.pk])} for d in rows],
                 "list_url": reverse("dangers:list") + "?" + urlencode(
                     {"q": file.enterprise.name}),
                 "new_url": reverse("dangers:new") + f"?enterprise={file.enterprise.pk}"
                 if authority.may_edit(file.user, file.enterprise) else ""},
        dots=[Dot(d.geom.x, d.geom.y, level_colour(d.tone),
                  f"{d.name} · {d.get_state_display()}") for d in rows])


