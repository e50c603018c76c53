"""The incident slice's pages (mounted at /response/incidents/ by response.urls)."""

from django.urls import path

from response.incidents import views

app_name = "incidents"
urlpatterns = [
    path("", views.incidents, name="incidents"),
    path("new/", views.incident_new, name="new"),
    path("<int:pk>/", views.incident, name="incident"),
    path("<int:pk>/follow-up/", views.incident_follow_up, name="follow_up"),
    path("<int:pk>/step/", views.incident_step, name="step"),
    path("from-warning/<int:warning_id>/", views.from_warning, name="from_warning"),
]
