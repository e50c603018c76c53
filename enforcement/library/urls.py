"""The library slice's pages (mounted at /enforcement/library/ by enforcement.urls)."""

from django.urls import path

from enforcement.library import views

app_name = "library"
urlpatterns = [
    path("items/", views.items, name="items"),
    path("items/<int:pk>/", views.item, name="item"),
    path("inspectors/", views.inspectors, name="inspectors"),
    path("inspectors/<int:pk>/active/", views.inspector_active, name="inspector_active"),
    path("targets/", views.targets, name="targets"),
    path("targets/<int:pk>/classify/", views.target_classify, name="target_classify"),
]
