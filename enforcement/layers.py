"""Face: the enforcement layers are declared in its slices; importing them here registers
them. Import lines only, in the order of OGC collections and map layers."""
# isort: skip_file

import enforcement.inspections.layers  # noqa: F401
import enforcement.risk.layers  # noqa: F401  (风险点, 风险四色分布区域)
import enforcement.cases.layers  # noqa: F401  (行政处罚案件)
from enforcement.dangers.layers import HiddenDangers  # noqa: F401
