"""The licences (证照) section of the one-enterprise file page, with expiry badges."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from registry.enterprises.sections import Contribution, FileRequest, enterprise_section
from registry.licences.selectors import enterprise_licences


@enterprise_section(10, gettext_lazy("证照"), anchor="licences",
                    template="registry/licences/_enterprise_section.html")
def licences_section(file: FileRequest) -> Contribution:
    return Contribution(context={"licences": enterprise_licences(
        scope=file.scope, enterprise=file.enterprise, today=file.today)})
