"""The alarms slice's pages (mounted at /monitoring/ by monitoring.urls' pages)."""

from django.urls import path

from monitoring.alarms import grading_views, stream, suppression_views, views, warning_views

app_name = "alarms"
urlpatterns = [
    path("alarms/", views.alarm_list, name="alarms"),
    path("alarms/<int:pk>/", views.alarm_detail, name="alarm"),
    path("alarms/<int:pk>/photos/<int:photo_id>", views.alarm_photo, name="photo"),
    path("alarms/<int:pk>/<str:action>", views.alarm_action, name="action"),
    path("warnings/<int:pk>/", warning_views.warning_detail, name="warning"),
    path("suppressions/", suppression_views.suppression_list, name="suppressions"),
    path("suppressions/<int:pk>/<str:action>", suppression_views.suppression_decide,
         name="suppression_decide"),
    path("preferences/", suppression_views.preferences, name="preferences"),
    path("grading/", grading_views.grading, name="grading"),
    path("events", stream.events, name="events"),
]
