"""Face: the monitoring models live in its slices; importing them here registers them with
Django (app label `monitoring`). Import lines only."""

import monitoring.alarms.models  # noqa: F401  (报警, 预警, 报警屏蔽, 报警规则)
import monitoring.commitments.models  # noqa: F401  (安全承诺)
import monitoring.devices.models  # noqa: F401  (网关, 监测单元, 监测点位)
import monitoring.ingest.models  # noqa: F401  (监测数据, 数据缺失)
import monitoring.operation.models  # noqa: F401  (设备异常日志)
import monitoring.reports.models  # noqa: F401  (监测报告)
import monitoring.risk.models  # noqa: F401  (企业动态风险, 区域动态风险)
import monitoring.upstream.models  # noqa: F401  (省级对接平台, 待报送数据, 报送进度)
