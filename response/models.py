"""Face: the response models live in its slices; importing them here registers them
with Django (app label `response`). Import lines only."""

import response.duty.models  # noqa: F401  (值班值守)
import response.incidents.models  # noqa: F401  (突发事件接报)
