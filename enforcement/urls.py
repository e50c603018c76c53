"""Face: the enforcement pages (mounted at the site root by geo.urls), one include per
slice. Include lines only."""

from django.urls import include, path  # noqa: F401

urlpatterns: list = [
    path("enforcement/grids/", include("enforcement.grids.urls")),
    path("enforcement/library/", include("enforcement.library.urls")),
    path("enforcement/", include("enforcement.inspections.urls")),
    path("enforcement/documents/", include("enforcement.documents.urls")),
    path("enforcement/evidence/", include("enforcement.evidence.urls")),
    path("enforcement/risk/", include("enforcement.risk.urls")),
    path("enforcement/cases/", include("enforcement.cases.urls")),
    path("enforcement/credit/", include("enforcement.credit.urls")),
    path("enforcement/dangers/", include("enforcement.dangers.urls")),
]
