"""The reports slice's pages (mounted at /monitoring/reports/ by monitoring.urls)."""

from django.urls import path

from monitoring.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.reports, name="reports"),
    path("<int:pk>.pdf", views.report_pdf, name="pdf"),
    path("<int:pk>/", views.report_preview, name="preview"),
]
