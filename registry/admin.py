"""Face: admin for the registry's reference data (catalogues that are the same for every
jurisdiction), declared in the slices. Layers get their scoped admin from `layers.admin`;
jurisdiction-owned records are edited on their pages. Import lines only."""

import registry.hazards.admin  # noqa: F401  (危险化学品目录)
import registry.knowledge.admin  # noqa: F401  (法律法规)
import registry.plans.admin  # noqa: F401  (预案模板)
