"""The hidden-danger pages (mounted at /enforcement/dangers/ by enforcement.urls)."""

from django.urls import path

from enforcement.dangers import check_views, views

app_name = "dangers"
urlpatterns = [
    path("", views.danger_list, name="list"),
    path("new/", views.danger_new, name="new"),
    path("from-warning/<int:warning_id>/", views.from_warning, name="from_warning"),
    path("checks/", check_views.check_tasks, name="checks"),
    path("checks/<int:pk>/", check_views.check_task, name="check_task"),
    path("<int:pk>/", views.danger_detail, name="detail"),
    path("<int:pk>/edit/", views.danger_edit, name="edit"),
    path("<int:pk>/step/<slug:action>/", views.danger_action, name="step"),
    path("<int:pk>/supervise/<slug:action>/", views.danger_supervision, name="supervise"),
    path("<int:pk>/handover/<slug:action>/", views.danger_handover, name="handover"),
    path("<int:pk>/photos/", views.photos_add, name="photos"),
    path("<int:pk>/photos/<int:photo_id>/", views.photo, name="photo"),
]
