"""The OAuth2 / OpenID Connect endpoints under `/o/` (统一认证, ADR 0026).

django-oauth-toolkit's views, with what SafeAtlas adds: every token issued or refused
and every refused authorization goes to the security-event log, and the consent page
(our template, in Chinese) may post to the client's redirect URI under our CSP. Only
the endpoints other systems need are routed: no self-service application registration,
no device flow, no dynamic client registration; applications are registered by the
security administrator in the admin.

The authorization endpoint requires a signed-in user, and geo.signin logs in only after
every step (password, second factor where the role needs one, a new password when the old
one expired): a half-signed-in user is anonymous here and is sent to sign in first.
"""

from __future__ import annotations

import base64
import hashlib
import json
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse
from django.urls import path, re_path
from oauth2_provider import views as dot
from oauth2_provider.models import get_access_token_model

from geo.models import SecurityEventKind
from geo.security_log import client_address, once_a_minute, security_event

app_name = "oauth2_provider"  # the namespace django-oauth-toolkit reverses its URLs in


def _client_id(request: HttpRequest) -> str:
    """The client named in the body, else in HTTP Basic authentication."""
    if request.POST.get("client_id"):
        return request.POST["client_id"][:100]
    scheme, _, value = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    if scheme.lower() == "basic":
        try:
            return base64.b64decode(value).decode().partition(":")[0][:100]
        except ValueError:
            return ""
    return ""


def _error(body: bytes) -> str:
    try:
        return str(json.loads(body).get("error", ""))[:50]
    except ValueError:
        return ""


def _origin(uri: str) -> str | None:
    parts = urlsplit(uri or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


class AuthorizationView(dot.AuthorizationView):
    """Consent page (授权确认) in our base template; trusted applications (the bureau's
    `skip_authorization`) get their code without it."""

    template_name = "oauth2_provider/authorize.html"

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        origin = _origin(getattr(self, "oauth2_data", {}).get("redirect_uri", ""))
        if response.status_code == 200 and origin:
            # The consent form's POST answers with a redirect to the client: CSP's
            # form-action must allow that one origin, no other.
            response._csp_update = {"form-action": [origin]}
        return response

    def error_response(self, error, application, **kwargs):
        response = super().error_response(error, application, **kwargs)
        oauth_error = getattr(getattr(error, "oauthlib_error", None), "error", "") or ""
        security_event(self.request, SecurityEventKind.OAUTH_REFUSED, step="authorize",
                       client=self.request.GET.get("client_id")
                       or self.request.POST.get("client_id", ""),
                       error=oauth_error or type(error).__name__)
        return response


class TokenView(dot.TokenView):
    """The token endpoint; what it issues and refuses is logged."""

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        client, grant = _client_id(request), request.POST.get("grant_type", "")[:50]
        if response.status_code == 200:
            _issued(request, response, client, grant)
        else:
            error = _error(response.content)
            # Logged once a minute per client, error and address: a client retrying in a
            # loop must not fill the log.
            if once_a_minute(f"oauth-refused:{client}:{error}:{client_address(request)}"):
                security_event(request, SecurityEventKind.OAUTH_REFUSED, step="token",
                               client=client, grant=grant, error=error)
        return response


def _issued(request: HttpRequest, response: HttpResponse, client: str, grant: str) -> None:
    body = json.loads(response.content)
    checksum = hashlib.sha256(body["access_token"].encode()).hexdigest()
    token = (get_access_token_model().objects.select_related("user")
             .filter(token_checksum=checksum).first())
    security_event(request, SecurityEventKind.OAUTH_ISSUED,
                   user=token.user if token is not None else None, client=client,
                   grant=grant, scope=body.get("scope", ""),
                   refresh="refresh_token" in body, id_token="id_token" in body)


class RevokeTokenView(dot.RevokeTokenView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        if response.status_code == 200:
            security_event(request, SecurityEventKind.TOKEN_REVOKED, oauth=True,
                           client=_client_id(request),
                           hint=request.POST.get("token_type_hint", "")[:30])
        return response


class LogoutView(dot.RPInitiatedLogoutView):
    """RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0): the confirmation page
    in our base template; after it, the redirect to the client's registered post-logout
    URI is allowed by CSP's form-action for that one origin."""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        origin = _origin(request.GET.get("post_logout_redirect_uri", ""))
        if response.status_code == 200 and origin:
            response._csp_update = {"form-action": [origin]}
        return response


urlpatterns = [
    path("authorize/", AuthorizationView.as_view(), name="authorize"),
    path("token/", TokenView.as_view(), name="token"),
    path("revoke_token/", RevokeTokenView.as_view(), name="revoke-token"),
    path("introspect/", dot.IntrospectTokenView.as_view(), name="introspect"),
    path("userinfo/", dot.UserInfoView.as_view(), name="user-info"),
    path("logout/", LogoutView.as_view(), name="rp-initiated-logout"),
    re_path(r"^\.well-known/openid-configuration$", dot.ConnectDiscoveryInfoView.as_view(),
            name="oidc-connect-discovery-info"),
    path(".well-known/jwks.json", dot.JwksInfoView.as_view(), name="jwks-info"),
    # RFC 8414 metadata; also what the authorization response's `iss` is derived from
    path(".well-known/oauth-authorization-server", dot.OAuthServerMetadataView.as_view(),
         name="oauth-server-metadata"),
]
