"""Face: the registry's pages and APIs, one include per slice. Include lines only."""

from django.urls import include, path

urlpatterns = [
    path("api/resources/", include("registry.resources.urls")),
    path("floorplans/", include("registry.floorplans.urls")),
    path("licences/", include("registry.licences.urls")),
    path("plans/", include("registry.plans.urls")),
    path("agencies/", include("registry.agencies.urls")),
    path("knowledge/", include("registry.knowledge.urls")),
    path("enterprises/", include("registry.enterprises.urls")),
    path("hazards/", include("registry.hazards.urls")),
]
