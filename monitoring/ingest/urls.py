"""The HTTPS ingest endpoint (protocol §2), mounted at /ingest/."""

from django.urls import path

from monitoring.ingest import views

app_name = "monitoring"
urlpatterns = [
    path("v1/batches", views.batches, name="ingest-batches"),
]
