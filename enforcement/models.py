"""Face: the enforcement models live in its slices; importing them here registers them
with Django (app label `enforcement`). Import lines only."""

from enforcement.dangers import check_models, models  # noqa: F401
