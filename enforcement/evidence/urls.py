from django.urls import path

from enforcement.evidence import views

app_name = "evidence"
urlpatterns = [
    path("file/<int:entry_id>/", views.evidence_file, name="file"),  # before the labels
    path("<str:label>/<int:pk>/", views.source_evidence, name="source"),
]
