"""The risk grading pages (mounted at /enforcement/risk/ by enforcement.urls)."""

from django.urls import path

from enforcement.risk import views

app_name = "risk"
urlpatterns = [
    path("", views.point_list, name="list"),
    path("new/", views.point_new, name="new"),
    path("library/", views.library, name="library"),
    path("rules/", views.rules, name="rules"),
    path("unidentified/", views.enterprises_unidentified, name="unidentified"),
    path("missing-measures/", views.enterprises_missing, name="missing"),
    path("enterprise/<int:enterprise_id>/", views.control_list, name="control_list"),
    path("<int:pk>/", views.point_detail, name="detail"),
    path("<int:pk>/edit/", views.point_edit, name="edit"),
    path("<int:pk>/delete/", views.point_delete, name="delete"),
    path("<int:pk>/assess/<str:method>/", views.point_assess, name="assess"),
    path("<int:pk>/control-level/", views.point_control_level, name="control_level"),
    path("<int:pk>/measures/", views.measure_add, name="measure_add"),
    path("measures/<int:mid>/active/", views.measure_active, name="measure_active"),
    path("measures/<int:mid>/check/", views.measure_check, name="measure_check"),
]
