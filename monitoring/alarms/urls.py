"""The alarms slice's pages (mounted at /monitoring/ by monitoring.urls' pages)."""

from django.urls import path

from monitoring.alarms import stream, views

app_name = "alarms"
urlpatterns = [
    path("alarms/", views.alarm_list, name="alarms"),
    path("alarms/<int:pk>/", views.alarm_detail, name="alarm"),
    path("warnings/<int:pk>/", views.warning_detail, name="warning"),
    path("suppressions/", views.suppression_list, name="suppressions"),
    path("events", stream.events, name="events"),
]
