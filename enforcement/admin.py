"""Face: admin for enforcement's reference data (standards libraries, checklists, item
lists), declared in the slices. Import lines only."""

from enforcement.dangers import admin as dangers_admin  # noqa: F401
