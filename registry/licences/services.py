"""Writes of licences and certificates (证照)."""

from __future__ import annotations

import datetime

from geo.places import owned_copy
from registry.enterprises.models import Enterprise
from registry.licences.models import Licence


def licence_create(*, enterprise: Enterprise, kind: str, number: str, issuer: str,
                   valid_from: datetime.date, valid_to: datetime.date) -> Licence:
    """Create a licence; scope fields come from the enterprise, never from the caller.

    Raises ValidationError keyed by field (e.g. `valid_to` before `valid_from`).
    """
    licence = Licence(enterprise=enterprise, kind=kind, number=number, issuer=issuer,
                      valid_from=valid_from, valid_to=valid_to)
    owned_copy(licence)
    licence.full_clean()
    licence.save()
    return licence
