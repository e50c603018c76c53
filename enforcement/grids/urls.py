"""The grid pages (mounted at /enforcement/grids/ by enforcement.urls)."""

from django.urls import path

from enforcement.grids import patrol_views, views

app_name = "grids"
urlpatterns = [
    path("", views.index, name="index"),
    path("cells/<int:pk>/", views.cell, name="cell"),
    path("cells/<int:pk>/members/", views.member_add, name="member_add"),
    path("members/<int:pk>/end/", views.member_end, name="member_end"),
    path("assign/", views.assign, name="assign"),
    path("assignments/", views.assignments, name="assignments"),
    path("assignments/<int:pk>/<str:action>/", views.claim, name="claim"),
    path("zones/", views.zones, name="zones"),
    path("zones/<int:pk>/members/", views.zone_member_add, name="zone_member_add"),
    path("zone-members/<int:pk>/end/", views.zone_member_end, name="zone_member_end"),
    path("stats/", views.stats, name="stats"),
    path("patrols/", patrol_views.patrols, name="patrols"),
    path("patrols/<int:pk>/", patrol_views.patrol, name="patrol"),
    path("patrols/<int:pk>/track/", patrol_views.track, name="track"),
    path("patrols/<int:pk>/checkin/", patrol_views.checkin, name="checkin"),
    path("patrols/<int:pk>/end/", patrol_views.end, name="end"),
    path("patrols/<int:pk>/photos/<int:photo_id>/", patrol_views.photo, name="photo"),
]
