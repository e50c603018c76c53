"""Face: the registry's layers are declared in its slices; importing them here registers
them. Import lines only, in the order of OGC collections and map layers (so not sorted)."""
# isort: skip_file

import registry.basemap.layers  # noqa: F401
import registry.enterprises.layers  # noqa: F401
import registry.hazards.layers  # noqa: F401
import registry.resources.layers  # noqa: F401
import registry.agencies.layers  # noqa: F401
import registry.knowledge.layers  # noqa: F401
