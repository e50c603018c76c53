"""Face: the response pages (mounted at the site root by geo.urls), one include per
slice. Include lines only."""

from django.urls import include, path  # noqa: F401

urlpatterns: list = []
