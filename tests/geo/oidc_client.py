"""A small relying party for the single sign-on tests: what another system of the bureau
does to log its users in through SafeAtlas (authorization code + PKCE S256, ID token
checked against the provider's JWKS with jwcrypto)."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode, urlsplit

from jwcrypto import jwk, jwt
from oauth2_provider.models import Application

REDIRECT = "http://client.example.test/callback"
SECRET = "client-secret-for-tests-only-0123456789"


def application(name: str = "执法系统", *, client_id: str = "enforcement", public: bool = False,
                trusted: bool = False, grant: str = Application.GRANT_AUTHORIZATION_CODE
                ) -> Application:
    return Application.objects.create(
        name=name, client_id=client_id, client_secret="" if public else SECRET,
        client_type=Application.CLIENT_PUBLIC if public else Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=grant, redirect_uris=REDIRECT,
        algorithm=Application.RS256_ALGORITHM, skip_authorization=trusted)


def pkce() -> tuple[str, str]:
    """(verifier, S256 challenge) as RFC 7636 §4.1–4.2 make them."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


@dataclass
class Request:
    """One authorization request's secrets, kept by the client until the callback."""

    client_id: str = "enforcement"
    scope: str = "openid profile email jurisdiction read"
    verifier: str = ""
    challenge: str = ""
    method: str | None = "S256"
    state: str = field(default_factory=lambda: secrets.token_urlsafe(12))
    nonce: str = field(default_factory=lambda: secrets.token_urlsafe(12))
    redirect_uri: str = REDIRECT

    def __post_init__(self) -> None:
        if not self.verifier:
            self.verifier, self.challenge = pkce()

    def query(self) -> str:
        params = {"response_type": "code", "client_id": self.client_id,
                  "redirect_uri": self.redirect_uri, "scope": self.scope,
                  "state": self.state, "nonce": self.nonce}
        if self.method:
            params |= {"code_challenge": self.challenge, "code_challenge_method": self.method}
        return urlencode(params)


def callback(location: str) -> dict[str, str]:
    """The parameters the provider redirected back to the client with."""
    assert location.startswith(REDIRECT + "?"), location
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


def code_exchange(code: str, request: Request, *, verifier: str | None = None,
                  secret: str | None = SECRET) -> dict:
    """The token request's form (client_secret_post for confidential clients)."""
    form = {"grant_type": "authorization_code", "code": code,
            "redirect_uri": request.redirect_uri, "client_id": request.client_id,
            "code_verifier": request.verifier if verifier is None else verifier}
    return form | ({"client_secret": secret} if secret else {})


def refresh_form(refresh_token: str, client_id: str = "enforcement") -> dict:
    return {"grant_type": "refresh_token", "refresh_token": refresh_token,
            "client_id": client_id, "client_secret": SECRET}


def id_token_claims(id_token: str, jwks: dict) -> dict:
    """The ID token's claims once its RS256 signature checks out against the JWKS."""
    keys = jwk.JWKSet.from_json(json.dumps(jwks))
    token = jwt.JWT(jwt=id_token, key=keys, algs=["RS256"], check_claims={"exp": None})
    return json.loads(token.claims)
