"""Removing what the enforcement and response demos made under a region's prefix, before
the demo accounts go (`region_delete`): their rows point at the accounts, at one another and
at enterprises with protecting foreign keys in no order one list could keep, so each
placed model's rows under the prefix are deleted through the ORM (which follows the
cascades), in passes until none is left or nothing moves. The append-only evidence log is
never deleted (its trigger refuses it); a demo makes none."""

from __future__ import annotations

from django.apps import apps
from django.db import transaction
from django.db.models import Model, ProtectedError

MODULES = ("enforcement", "response")
APPEND_ONLY = {"evidenceentry"}


def _placed_models() -> list[type[Model]]:
    return [model for label in MODULES for model in apps.get_app_config(label).get_models()
            if model._meta.model_name not in APPEND_ONLY
            and any(f.name == "division_code" for f in model._meta.concrete_fields)]


def demo_modules_delete(prefix: str) -> int:
    """Delete the placed rows of the enforcement and response modules under `prefix`;
    returns how many rows went (cascades included)."""
    pending, gone = _placed_models(), 0
    while pending:
        left = []
        for model in pending:
            try:
                with transaction.atomic():
                    gone += model._default_manager.filter(
                        division_code__startswith=prefix).delete()[0]
            except ProtectedError:
                left.append(model)
        if len(left) == len(pending):
            raise RuntimeError(f"demo rows still protected: {[m.__name__ for m in left]}")
        pending = left
    return gone


def demo_staff_delete(prefix: str) -> int:
    """The users those demos made beyond the demo accounts (duty staff, case officers):
    every user of an organisation or division under `prefix`, since the organisations and
    divisions are removed next."""
    from django.db.models import Q

    from geo.models import User

    return User.objects.filter(Q(organisation__division__code__startswith=prefix)
                               | Q(division__code__startswith=prefix),
                               is_superuser=False).delete()[0]
