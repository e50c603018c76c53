"""Face: the enforcement models live in its slices; importing them here registers them
with Django (app label `enforcement`). Import lines only."""

import enforcement.grids.models  # noqa: F401  (责任体系网格化)
