"""The cases (行政处罚案件) section of the one-enterprise file page: the enterprise's cases
in the reader's scope, and the link that registers a new one for an agency's officer."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from enforcement.cases.selectors import enterprise_cases
from geo.models import OrganisationKind
from registry.enterprises.sections import Contribution, FileRequest, enterprise_section


@enterprise_section(60, gettext_lazy("行政处罚案件"), anchor="cases",
                    template="enforcement/cases/_enterprise_section.html")
def cases_section(file: FileRequest) -> Contribution | None:
    cases = enterprise_cases(scope=file.scope, enterprise_id=file.enterprise.pk)
    org = file.user.organisation if file.user.organisation_id else None
    may_open = org is not None and org.kind == OrganisationKind.GOVERNMENT
    if not cases and not may_open:
        return None
    return Contribution(context={"cases": cases, "may_open": may_open,
                                 "enterprise": file.enterprise})
