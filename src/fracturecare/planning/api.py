"""POST /api/v1/plans: a case in, the engine's plan out (the same plan as `fracturecare plan`).

Authentication (accounts.api_auth): a personal access token, `Authorization: Bearer fct_...`
(made at /clinic/api-tokens/), or the clinic session (sign in at /accounts/login/, send the
session cookie and, as for any unsafe request with a session, the CSRF token in `X-CSRFToken`).
Clinicians and clinic admins may call it. Answers:

- 200: the plan, exactly as `make_plan(case, load_knowledge())` returns it;
- 401: no session and no token, or a token that is unknown or revoked;
- 403: signed in (or a token) with another role;
- 422 `{"detail", "errors": [{"field", "message"}]}`: the body is not JSON, not one case
  object, or breaks the case contract. Nothing is stored.
"""

from __future__ import annotations

import json

from django.http import JsonResponse
from ninja import Router
from ninja.errors import HttpError

from fracturecare.accounts.api_auth import API_AUTH
from fracturecare.accounts.permissions import CLINICAL
from fracturecare.audit.actions import AuditAction
from fracturecare.audit.services import audit_record
from fracturecare.engine import CaseError
from fracturecare.evaluations.case_schema import case_schema
from fracturecare.planning.services import plan_generate

router = Router(tags=["plans"])


def _invalid(errors: list[tuple[str, str]]) -> JsonResponse:
    return JsonResponse(
        {"detail": errors[0][1] if len(errors) == 1 else "The case is not valid.",
         "errors": [{"field": f, "message": m} for f, m in errors]},
        status=422,
    )


@router.post(
    "/plans",
    auth=API_AUTH,
    url_name="plans",
    summary="Plan a case",
    # The view answers with its own JSON responses; these codes are what the document lists.
    response={200: None, 401: None, 403: None, 422: None},
    openapi_extra={
        "requestBody": {"required": True, "content": {"application/json": {"schema": case_schema()}}},
        # Integer keys, as django-ninja's own: a string "200" beside its 200 gave the document two "200" keys.
        "responses": {
            200: {"description": "The plan (contracts/plan.schema.json)"},
            401: {"description": "No session and no token, or an unknown or revoked token"},
            403: {"description": "The session's or token's user has no clinical role"},
            422: {"description": "Not a valid case: `errors` names each field"},
        },
    },
)
def create_plan(request):
    """Run the engine on the case in the body and return its plan; nothing is stored."""

    user = request.auth
    token = getattr(request, "api_token", None)
    # Who called and how: every answer past authentication is audited, refusals included.
    via = {"auth": "token", "token": token.pk} if token else {"auth": "session"}
    if user.role not in CLINICAL:
        audit_record(actor=user, action=AuditAction.PLAN_API_REFUSED, data={**via, "role": user.role}, request=request)
        raise HttpError(403, "Only clinicians and clinic admins may generate plans.")
    try:
        case = json.loads(request.body or b"")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        errors = [("", f"The body is not JSON: {getattr(exc, 'msg', exc)}.")]
    else:
        errors = [] if isinstance(case, dict) else [("", "The body must be one case: a JSON object.")]
    if not errors:
        try:
            plan = plan_generate(case)
        except CaseError as exc:
            errors = [(e.field, e.message) for e in exc.errors]
    if errors:
        audit_record(actor=user, action=AuditAction.PLAN_API_REJECTED,
                     data={**via, "fields": sorted({f for f, _ in errors})}, request=request)
        return _invalid(errors)
    audit_record(actor=user, action=AuditAction.PLAN_API_GENERATED,
                 data={**via, "triage": plan.get("triage", {}).get("level")}, request=request)
    return JsonResponse(plan, json_dumps_params={"ensure_ascii": False})
