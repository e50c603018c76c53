from django.urls import path

from registry.floorplans import pages, views

app_name = "floorplans"
urlpatterns = [
    path("", pages.index, name="index"),  # GET: the map page; POST: upload (JSON)
    path("<int:plan_id>", views.detail, name="detail"),
    path("<int:plan_id>/edit", pages.plan_edit, name="edit"),
    path("<int:plan_id>/image.png", pages.plan_image, name="image"),
    path("<int:plan_id>/control-points", views.control_points, name="control_points"),
    # moved to /tiles/floorplans/…; kept as a permanent redirect for old clients
    path("<int:plan_id>/<int:z>/<int:x>/<int:y>.png", views.tile, name="tile"),
]
