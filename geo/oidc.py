"""SafeAtlas as an OpenID Connect provider (统一认证, ADR 0026): what django-oauth-toolkit
asks of us — which grants a client may use, which users may hold tokens, and the claims
other systems of the bureau read (the user's jurisdiction, role and organisation).

The flow itself (authorization code + PKCE S256, rotation of refresh tokens, RS256 ID
tokens) is django-oauth-toolkit's, configured in settings.OAUTH2_PROVIDER; the pages and
security events are geo.sso.
"""

from __future__ import annotations

from oauth2_provider.oauth2_validators import OAuth2Validator

# Claims beside the standard ones, under the `jurisdiction` scope: enough for another
# system to apply the same scope as SafeAtlas (a division-code prefix, or one organisation).
JURISDICTION_CLAIMS = ("division_code", "division_name", "jurisdiction_prefix", "role",
                       "organisation_id", "organisation")
_GRANTS = frozenset({"authorization_code", "refresh_token"})


def _name(user) -> str:
    return f"{user.last_name}{user.first_name}".strip() or user.get_username()


def _prefix(user) -> str | None:
    """The division-code prefix the user's rows start with (None: not a government scope)."""
    from geo.scope import scope_for_user

    return scope_for_user(user).prefix


def _division(user, field: str) -> str | None:
    return getattr(user.division, field) if user.division_id else None


class SafeAtlasValidator(OAuth2Validator):
    """django-oauth-toolkit's validator with the bureau's rules and claims."""

    oidc_claim_scope = {
        **OAuth2Validator.oidc_claim_scope,
        **dict.fromkeys(JURISDICTION_CLAIMS, "jurisdiction"),
    }

    def get_additional_claims(self):  # request-agnostic: the discovery lists the claims
        return {
            "name": lambda r: _name(r.user),
            "preferred_username": lambda r: r.user.get_username(),
            "email": lambda r: r.user.email or None,
            "division_code": lambda r: _division(r.user, "code"),
            "division_name": lambda r: _division(r.user, "name"),
            "jurisdiction_prefix": lambda r: _prefix(r.user),
            "role": lambda r: r.user.role,
            "organisation_id": lambda r: r.user.organisation_id,
            "organisation": lambda r: r.user.organisation.name if r.user.organisation_id
            else None,
        }

    def get_oidc_claims(self, token, token_handler, request):
        """Claims the user has no value for are left out, not sent as null (OIDC §5.3.2)."""
        claims = super().get_oidc_claims(token, token_handler, request)
        return {name: value for name, value in claims.items() if value is not None}

    def validate_grant_type(self, client_id, grant_type, client, request, *args, **kwargs):
        """Authorization code (and its refresh) only, whatever the application row says."""
        return grant_type in _GRANTS and super().validate_grant_type(
            client_id, grant_type, client, request, *args, **kwargs)

    def validate_response_type(self, client_id, response_type, client, request, *args,
                               **kwargs):
        return response_type == "code" and super().validate_response_type(
            client_id, response_type, client, request, *args, **kwargs)

    def validate_code(self, client_id, code, client, request, *args, **kwargs):
        """A code is worth nothing once its user is deactivated."""
        valid = super().validate_code(client_id, code, client, request, *args, **kwargs)
        return valid and request.user.is_active

    def validate_refresh_token(self, refresh_token, client, request, *args, **kwargs):
        """A deactivated user's refresh tokens are refused (sign-in can no longer vouch)."""
        valid = super().validate_refresh_token(refresh_token, client, request, *args,
                                               **kwargs)
        return valid and request.user.is_active

    def validate_bearer_token(self, token, scopes, request):
        """Userinfo and introspection refuse a deactivated user's access tokens."""
        valid = super().validate_bearer_token(token, scopes, request)
        return valid and request.user is not None and request.user.is_active

