"""OGC API - Features under /ogc/ (paths as pygeoapi links them: no trailing slash)."""

from django.urls import path, re_path

from layers.ogc import views

_ID = r"(?P<collection_id>[\w.-]+)"

urlpatterns = [
    path("", views.landing_page, name="ogc-landing"),
    re_path(r"^openapi/?$", views.openapi, name="ogc-openapi"),
    re_path(r"^conformance/?$", views.conformance, name="ogc-conformance"),
    re_path(r"^collections/?$", views.collections, name="ogc-collections"),
    re_path(rf"^collections/{_ID}/?$", views.collections, name="ogc-collection"),
    re_path(rf"^collections/{_ID}/queryables/?$", views.queryables, name="ogc-queryables"),
    re_path(rf"^collections/{_ID}/schema/?$", views.schema, name="ogc-schema"),
    re_path(rf"^collections/{_ID}/items/?$", views.items, name="ogc-items"),
    re_path(rf"^collections/{_ID}/items/(?P<item_id>[^/]+)/?$", views.item, name="ogc-item"),
    # OGC API – EDR (layers.ogc.edr): the registered EDR collections answer these
    re_path(rf"^collections/{_ID}/(?P<query_type>position|area)/?$", views.edr_query,
            name="ogc-edr-query"),
    re_path(rf"^collections/{_ID}/locations/?$", views.locations, name="ogc-edr-locations"),
    re_path(rf"^collections/{_ID}/locations/(?P<location_id>[^/]+)/?$", views.edr_query,
            {"query_type": "locations"}, name="ogc-edr-location"),
    path("static/<path:path>", views.static, name="ogc-static"),
]
