"""Face: the response layers are declared in its slices; importing them here registers
them. Import lines only, in the order of OGC collections and map layers."""
# isort: skip_file

import response.incidents.layers  # noqa: F401  (突发事件)
