"""Face: the enforcement models live in its slices; importing them here registers them
with Django (app label `enforcement`). Import lines only."""

import enforcement.risk.models  # noqa: F401  (风险点, 风险评价, 管控措施, 管控记录, 判定准则, 风险点标准库, 风险区域)
