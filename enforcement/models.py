"""Face: the enforcement models live in its slices; importing them here registers them
with Django (app label `enforcement`). Import lines only."""

import enforcement.library.models  # noqa: F401  (检查事项清单, 执法人员库, 检查对象库)
