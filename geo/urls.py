from django.contrib import admin
from django.urls import include, path

from geo import offline, openapi, signin, views

urlpatterns = [
    path("", views.home, name="home"),
    path("sw.js", offline.service_worker, name="service_worker"),
    path("manifest.webmanifest", offline.manifest, name="manifest"),
    path("admin/login/", signin.admin_login),  # before the admin: one way to sign in
    path("admin/", admin.site.urls),
    path("accounts/login/", signin.login_view, name="login"),
    path("accounts/login/verify/", signin.verify_view, name="signin_verify"),
    path("accounts/login/password/", signin.password_view, name="signin_password"),
    path("accounts/second-factor/", signin.enrol_view, name="signin_enrol"),
    path("accounts/password_change/", signin.PasswordChangeView.as_view(),
         name="password_change"),
    path("accounts/tokens/", views.tokens, name="tokens"),
    path("accounts/tokens/<int:pk>/revoke/", views.token_revoke_view, name="token_revoke"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/", views.inbox_open, name="inbox_open"),
    path("inbox/read-all/", views.inbox_read_all, name="inbox_read_all"),
    path("notices/", include("geo.notices.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/openapi", openapi.openapi_view, name="rest-openapi"),
    path("o/", include("geo.sso")),  # single sign-on: OAuth2 / OpenID Connect (ADR 0026)
    path("ogc/", include("layers.ogc.urls")),
    path("", include("monitoring.urls")),
    path("", include("enforcement.urls")),
    path("", include("response.urls")),
    path("tiles/", include("tiles.urls")),
    path("dash/", include("dashboards.urls")),
    path("", include("registry.urls")),
    path("", include("layers.urls")),
]
