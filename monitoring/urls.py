"""Face: the monitoring URLs (mounted at the site root by geo.urls): the ingest endpoint
and the slices' pages, one include per slice. Include lines only."""

from django.urls import include, path

urlpatterns = [
    path("ingest/", include("monitoring.ingest.urls")),
    path("monitoring/commitments/", include("monitoring.commitments.urls")),
    path("monitoring/reports/", include("monitoring.reports.urls")),
    path("monitoring/", include("monitoring.alarms.urls")),
    path("monitoring/", include("monitoring.operation.urls")),
]
