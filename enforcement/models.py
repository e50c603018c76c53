"""Face: the enforcement models live in its slices; importing them here registers them
with Django (app label `enforcement`). Import lines only."""

import enforcement.cases.models  # noqa: F401  (行政处罚案件, 自由裁量基准)
import enforcement.credit.models  # noqa: F401  (失信名单, 联合惩戒, 事故调查)
import enforcement.documents.models  # noqa: F401  (执法文书, 文书签名)
import enforcement.evidence.models  # noqa: F401  (证据链)
import enforcement.grids.models  # noqa: F401  (责任体系网格化)
import enforcement.inspections.models  # noqa: F401  (执法计划, 双随机抽查, 现场检查)
import enforcement.library.models  # noqa: F401  (检查事项清单, 执法人员库, 检查对象库)
import enforcement.risk.models  # noqa: F401  (风险点, 风险评价, 管控措施, 管控记录, 判定准则, 风险点标准库, 风险区域)
from enforcement.dangers import check_models, models  # noqa: F401
