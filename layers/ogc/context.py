"""The caller's scope, handed from the Django view to the pygeoapi provider.

pygeoapi builds a provider from its config and calls `query()`/`get()` without
any notion of the web request, so the view sets the scope here around the call.
The default is the public scope: a provider reached outside a view sees only
public layers (fail closed).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from geo.scope import PUBLIC, Scope

_scope: ContextVar[Scope] = ContextVar("ogc_scope", default=PUBLIC)


def current_scope() -> Scope:
    return _scope.get()


@contextmanager
def scope_bound(scope: Scope) -> Iterator[None]:
    """Make `scope` the caller's scope for the duration of the block."""
    token = _scope.set(scope)
    try:
        yield
    finally:
        _scope.reset(token)
