"""The nearby emergency resources (周边应急资源) section of the one-enterprise file page: the
5 nearest the caller may see, listed and drawn as dots on the site map."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from layers.maps import Dot
from registry.enterprises.sections import Contribution, FileRequest, enterprise_section
from registry.resources.selectors import enterprise_nearby_resources


@enterprise_section(30, gettext_lazy("周边应急资源"), anchor="resources",
                    template="registry/resources/_enterprise_section.html")
def resources_section(file: FileRequest) -> Contribution:
    resources = enterprise_nearby_resources(scope=file.scope, enterprise=file.enterprise)
    return Contribution(
        context={"resources": resources},
        dots=[Dot(r.lon, r.lat, r.layer.colour_by.expression(),
                  f"{r.layer.title} · {r.name} · {r.distance_m:,.0f} m")
              for r in resources])
