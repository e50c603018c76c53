"""Face: the monitoring layers are declared in its slices; importing them here registers
them. Import lines only, in the order of OGC collections and map layers."""
# isort: skip_file

import monitoring.devices.layers  # noqa: F401
import monitoring.alarms.layers  # noqa: F401
import monitoring.ingest.layers  # noqa: F401
import monitoring.risk.layers  # noqa: F401
