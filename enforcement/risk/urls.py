"""The risk grading pages (mounted at /enforcement/risk/ by enforcement.urls)."""

from django.urls import path

from enforcement.risk import views, zone_views

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
    path("enterprise/<int:enterprise_id>/zones/", zone_views.zone_list, name="zones"),
    path("enterprise/<int:enterprise_id>/map/", zone_views.plant_map, name="plant_map"),
    path("enterprise/<int:enterprise_id>/map.pdf", zone_views.plant_map, {"pdf": True},
         name="plant_map_pdf"),
    path("zones/<int:zid>/delete/", zone_views.zone_delete, name="zone_delete"),
    path("zones/<int:zid>/card/", zone_views.zone_card, name="zone_card"),
    path("zones/<int:zid>/card.pdf", zone_views.zone_card, {"pdf": True},
         name="zone_card_pdf"),
    path("<int:pk>/card/", zone_views.point_card, name="point_card"),
    path("<int:pk>/card.pdf", zone_views.point_card, {"pdf": True}, name="point_card_pdf"),
    path("card/<str:token>/", zone_views.card_public, name="card_public"),
]
