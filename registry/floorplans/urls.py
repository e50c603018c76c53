from django.urls import path

from registry.floorplans import views

app_name = "floorplans"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("<int:plan_id>", views.detail, name="detail"),
    path("<int:plan_id>/control-points", views.control_points, name="control_points"),
    path("<int:plan_id>/<int:z>/<int:x>/<int:y>.png", views.tile, name="tile"),
]
