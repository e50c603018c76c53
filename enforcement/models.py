"""Face: the enforcement models live in its slices; importing them here registers them
with Django (app label `enforcement`). Import lines only."""

import enforcement.grids.models  # noqa: F401  (责任体系网格化)
import enforcement.inspections.models  # noqa: F401  (执法计划, 双随机抽查, 现场检查)
import enforcement.library.models  # noqa: F401  (检查事项清单, 执法人员库, 检查对象库)
from enforcement.documents.models import DocumentSignature, EnforcementDocument  # noqa: F401
from enforcement.evidence.models import EvidenceEntry  # noqa: F401
import enforcement.risk.models  # noqa: F401  (风险点, 风险评价, 管控措施, 管控记录, 判定准则, 风险点标准库, 风险区域)
