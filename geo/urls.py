from django.contrib import admin
from django.urls import include, path

from geo import views

urlpatterns = [
    path("", views.home, name="home"),
    path("admin/", admin.site.urls),
    path("accounts/tokens/", views.tokens, name="tokens"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/", views.inbox_open, name="inbox_open"),
    path("inbox/read-all/", views.inbox_read_all, name="inbox_read_all"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("ogc/", include("layers.ogc.urls")),
    path("tiles/", include("tiles.urls")),
    path("dash/", include("dashboards.urls")),
    path("", include("registry.urls")),
    path("", include("layers.urls")),
]
