"""Face: admin of the monitoring module's site-wide settings, declared in the slices.
Import lines only."""

import monitoring.upstream.admin  # noqa: F401  (省级对接平台)
