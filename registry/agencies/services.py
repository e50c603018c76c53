"""Writes of intermediary agencies (中介机构), their projects (项目) and problems (问题)."""

from __future__ import annotations

import datetime

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from geo.models import Division, Organisation, OrganisationKind
from geo.places import owned_copy
from registry.agencies.models import Agency, AgencyProblem, AgencyProject
from registry.enterprises.models import Enterprise


@transaction.atomic
def agency_create(*, name: str, kind: str, credit_code: str, qualification_number: str,
                  division_code: str, geom: Point, organisation: Organisation | None = None,
                  **fields) -> Agency:
    """An agency and, unless given, its `geo.Organisation` of kind agency (its users'
    organisation, which scopes them to their own rows). Raises ValidationError per field."""
    agency = Agency(name=name, kind=kind, credit_code=(credit_code or "").strip().upper(),
                    qualification_number=qualification_number, division_code=division_code,
                    geom=geom, **fields)
    agency.full_clean(exclude=["organisation"])
    if organisation is None:
        organisation = Organisation.objects.create(
            name=name, kind=OrganisationKind.AGENCY, division_id=_division_of(division_code))
    agency.organisation = organisation
    agency.save()
    return agency


def _division_of(code: str) -> str:
    """The most specific stored division for a code (the agency's organisation lives there)."""
    division = (Division.objects.filter(code__in=_ancestor_codes(code))
                .order_by("-code").values_list("code", flat=True).first())
    if division is None:
        raise ValidationError({"division_code": _("区划代码 %(c)s 不存在") % {"c": code}})
    return division


def _ancestor_codes(code: str) -> list[str]:
    """The code and its county, city and province codes, padded to 12 digits."""
    return [code] + [code[:n].ljust(12, "0") for n in (9, 6, 4, 2)]


@transaction.atomic
def agency_project_create(*, agency: Agency, enterprise: Enterprise, name: str,
                          project_type: str, started: datetime.date,
                          finished: datetime.date | None = None,
                          conclusion: str = "") -> AgencyProject:
    """A project for a client; it takes the client's place and the agency's organisation."""
    project = AgencyProject(agency=agency, enterprise=enterprise, name=name,
                            project_type=project_type, started=started, finished=finished,
                            conclusion=conclusion)
    owned_copy(project)
    project.full_clean()
    project.save()
    return project


def agency_problem_add(*, project: AgencyProject, description: str, severity: str = "general",
                       rectified: bool = False) -> AgencyProblem:
    problem = AgencyProblem(project=project, description=description, severity=severity,
                            rectified=rectified)
    problem.full_clean()
    problem.save()
    return problem
