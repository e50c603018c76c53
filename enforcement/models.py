"""Face: the enforcement models live in its slices; importing them here registers them
with Django (app label `enforcement`). Import lines only."""

import enforcement.cases.models  # noqa: F401  (行政处罚案件, 自由裁量基准)
import enforcement.credit.models  # noqa: F401  (失信名单, 联合惩戒, 事故调查)
