"""Writing audit events. Services call `audit_record` for every health-data read or write."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Model
from django.http import HttpRequest

from fracturecare.audit.actions import AuditAction
from fracturecare.audit.chain import append
from fracturecare.audit.models import AuditEvent
from fracturecare.ratelimit import client_ip


def audit_record(
    *,
    actor: AbstractBaseUser | AnonymousUser | None = None,
    action: AuditAction | str,
    patient: Model | None = None,
    obj: Any = None,
    data: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
    actor_label: str = "",
) -> AuditEvent:
    """Append one audit event.

    `action` is a namespaced code (`patient.viewed`, `plan.signed`, `booking.created`).
    `data` must hold identifiers and field names, never clinical free text.
    An action that is not an `AuditAction` member is refused with ValueError, so a typo never reaches the log.
    """
    try:
        action = AuditAction(action)
    except ValueError:
        raise ValueError(f"unknown audit action {action!r}: add it to fracturecare.audit.actions.AuditAction") from None
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    # The audit layer sits below accounts and patients, so it cannot name their models; django-stubs
    # types these foreign keys as the concrete User and Patient only.
    return append(AuditEvent(  # type: ignore[misc]
        actor=actor,
        actor_label=actor_label or (actor.get_username() if actor else "anonymous"),
        action=action.value,
        patient=patient,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=str(getattr(obj, "pk", "") or "") if obj is not None else "",
        ip_address=client_ip(request),
        data=data or {},
    ))
