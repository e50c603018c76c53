"""Face: the monitoring URLs (mounted at /ingest/ by geo.urls)."""

from django.urls import path

from monitoring.ingest import views as ingest

app_name = "monitoring"
urlpatterns = [
    path("v1/batches", ingest.batches, name="ingest-batches"),
]
