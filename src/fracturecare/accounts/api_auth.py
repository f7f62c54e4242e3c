"""How the JSON API knows who is calling: a personal access token, or the clinic session.

Use `API_AUTH` as an operation's `auth=`. Either way `request.auth` is the calling user;
`request.api_token` is the token used (None for a session).
"""

from __future__ import annotations

from ninja.errors import AuthenticationError
from ninja.security import HttpBearer
from ninja.security.session import SessionAuth

from fracturecare.accounts.services import token_authenticate


class TokenAuth(HttpBearer):
    """`Authorization: Bearer fct_…`: a personal access token made at /clinic/api-tokens/."""

    openapi_bearerFormat = "fct_ personal access token"
    openapi_description = (
        "A personal access token: a clinician or clinic admin makes one at /clinic/api-tokens/ "
        "(shown once) and sends it as `Authorization: Bearer fct_...`. Revoked or unknown tokens get 401."
    )

    def authenticate(self, request, token: str):
        found = token_authenticate(token.strip(), request=request)
        if found is None:
            # A caller who sent a token meant to use it: answer 401 rather than falling back
            # to whatever session cookie the same client may also carry.
            raise AuthenticationError()
        request.api_token = found
        return found.user


class ClinicSessionAuth(SessionAuth):
    """The clinic session cookie (with its CSRF token, as for any unsafe request).

    Unlike ninja's `django_auth`, a caller with no session is answered 401, not a CSRF 403:
    there is no point checking CSRF for a request that carries no session to forge.
    """

    openapi_description = (
        "The clinic session cookie from /accounts/login/; unsafe requests also send the CSRF token in X-CSRFToken."
    )

    def __call__(self, request):
        if not request.user.is_authenticated:
            return None
        request.api_token = None
        return super().__call__(request)


API_AUTH = [TokenAuth(), ClinicSessionAuth()]
