"""Audit log: who changed what. Models opt in with `audit_track(Model)`."""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

from django.db.models.fields.files import FieldFile
from django.db.models.signals import post_delete, post_save, pre_save

from geo.models import AuditAction, AuditEntry

_current_user_id: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "audit_user_id", default=None
)
_tracked: set[type] = set()


class AuditUserMiddleware:
    """Remembers the request's user so changes made while serving it are attributed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # a token caller's id is known without loading the user (a query per API request)
        user_id = getattr(request, "token_user_id", None)
        if user_id is None:
            user = getattr(request, "user", None)
            user_id = user.pk if user is not None and user.is_authenticated else None
        with acting_as(user_id):
            return self.get_response(request)


@contextmanager
def acting_as(user_id: int | None) -> Iterator[None]:
    """Attribute the changes made inside the block to `user_id` (commands, services, tests)."""
    token = _current_user_id.set(user_id)
    try:
        yield
    finally:
        _current_user_id.reset(token)


def _value(value):
    if isinstance(value, FieldFile):
        return value.name or None  # the stored path: the file itself is not copied
    if hasattr(value, "wkt"):
        return value.wkt
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _snapshot(instance) -> dict:
    return {
        f.attname: _value(getattr(instance, f.attname))
        for f in instance._meta.concrete_fields
    }


def _pre_save(sender, instance, **kwargs):
    old = sender._default_manager.filter(pk=instance.pk).first() if instance.pk else None
    instance._audit_before = _snapshot(old) if old is not None else None


def _post_save(sender, instance, created, **kwargs):
    after = _snapshot(instance)
    before = getattr(instance, "_audit_before", None)
    if created or before is None:
        action, changes = AuditAction.CREATE, {k: [None, v] for k, v in after.items()}
    else:
        changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
        if not changes:
            return
        action = AuditAction.UPDATE
    _write(sender, instance, action, changes)


def _post_delete(sender, instance, **kwargs):
    _write(sender, instance, AuditAction.DELETE, {})


def _write(sender, instance, action, changes):
    AuditEntry.objects.create(
        user_id=_current_user_id.get(), action=action, model=sender._meta.label_lower,
        object_pk=str(instance.pk), changes=changes,
    )


def audit_track(model: type) -> None:
    if model in _tracked:
        return
    _tracked.add(model)
    pre_save.connect(_pre_save, sender=model, weak=False)
    post_save.connect(_post_save, sender=model, weak=False)
    post_delete.connect(_post_delete, sender=model, weak=False)
