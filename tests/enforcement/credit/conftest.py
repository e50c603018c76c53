"""The agencies and their people of the case tests (a head, a legal reviewer, officers)."""

from tests.enforcement.cases.conftest import case, offices, violation  # noqa: F401
