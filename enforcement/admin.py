"""Face: admin for enforcement's reference data (standards libraries, checklists, item
lists), declared in the slices. Import lines only."""

import enforcement.cases.admin  # noqa: F401  (自由裁量基准)
import enforcement.library.admin  # noqa: F401  (检查事项清单, 处罚依据)
import enforcement.risk.admin  # noqa: F401  (风险点标准库, 风险判定准则)
from enforcement.dangers import admin as dangers_admin  # noqa: F401
