"""The JSON API at /api/v1/, described by OpenAPI at /api/v1/docs.

Each area of the clinic contributes a router; the routers live beside their services.
"""

from ninja import NinjaAPI

DESCRIPTION = """\
fracturecare's JSON API.

**Authentication.** Booking endpoints are public. `POST /plans` needs a clinician or clinic
admin, identified either by a **personal access token** or by the clinic session:

- *Token*: sign in, open **API tokens** (`/clinic/api-tokens/`), make a token and copy it (it is
  shown once; only its hash is kept). Send it as `Authorization: Bearer fct_...`. No CSRF token
  is needed. Revoke it on the same page; a clinic admin can revoke anyone's. Every call is
  audited against the token's owner.
- *Session*: the cookie from `/accounts/login/`, with the CSRF token in `X-CSRFToken`.

No credentials, or an unknown or revoked token: **401**. A user whose role may not call the
operation: **403**. Invalid input: **422** with `errors: [{field, message}]`.
"""

api = NinjaAPI(title="fracturecare", version="1", urls_namespace="api", description=DESCRIPTION)
api.add_router("", "fracturecare.planning.api.router")
api.add_router("", "fracturecare.scheduling.api.router")
