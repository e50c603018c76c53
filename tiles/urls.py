from django.urls import path, re_path

from tiles import views

app_name = "tiles"

urlpatterns = [
    path("style.json", views.style, name="style"),
    re_path(r"^(?P<layers>[^/]+)/(?P<z>[^/]+)/(?P<x>[^/]+)/(?P<y>[^/]+)\.mvt$", views.tile,
            name="tile"),
    re_path(r"^(?P<source>[a-z_]+)/(?P<item>[0-9]{1,12})/(?P<z>[^/]+)/(?P<x>[^/]+)/(?P<y>[^/]+)"
            r"\.png$", views.raster_tile, name="raster_tile"),
    re_path(r"^(?P<layers>[^/]+)\.json$", views.tilejson, name="tilejson"),
]
