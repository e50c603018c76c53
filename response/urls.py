"""Face: the response pages (mounted at the site root by geo.urls), one include per
slice. Include lines only."""

from django.urls import include, path

urlpatterns: list = [
    path("response/incidents/", include("response.incidents.urls")),
    path("response/duty/", include("response.duty.urls")),
]
