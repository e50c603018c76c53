"""Face: the enforcement models live in its slices; importing them here registers them
with Django (app label `enforcement`). Import lines only."""
from enforcement.documents.models import DocumentSignature, EnforcementDocument  # noqa: F401
from enforcement.evidence.models import EvidenceEntry  # noqa: F401
