"""Assigning a programme, logging sessions (the rule decides), and clinician overrides. All audited."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from fracturecare.accounts.models import User
from fracturecare.audit.actions import AuditAction
from fracturecare.audit.services import audit_record
from fracturecare.knowledge import load_knowledge
from fracturecare.planning.models import Plan, PlanVersion
from fracturecare.programmes.knowledge import UnknownProgramme, programme_definition
from fracturecare.programmes.models import Override, Programme, ProgrammeStatus, SessionLog
from fracturecare.programmes.progression import Action, Criteria, Session, decide

#: Logging is for sessions already done: the patient logs the next morning, once they know how it felt.
MAX_LOG_AGE_DAYS = 14


@transaction.atomic
def programme_assign(*, plan: Plan, programme_id: str, actor: User, cleared: bool, start_on: datetime.date,
                     request: HttpRequest | None = None) -> Programme:
    """Assign a staged programme from the patient's signed plan. Raises ValidationError naming the field."""
    errors: dict[str, str] = {}
    version = PlanVersion.objects.filter(plan=plan).order_by("-number").first()
    if version is None:
        errors["plan"] = "Sign the plan first: a programme is assigned from a signed plan."
    try:
        definition = programme_definition(programme_id)
    except UnknownProgramme:
        errors["programme_id"] = f"Unknown programme {programme_id!r}."
        definition = None
    if not cleared:
        errors["cleared"] = definition["start_when"]["text"] if definition else "Confirm the patient is cleared."
    today = timezone.localdate()
    if start_on < today:
        errors["start_on"] = "The first session cannot be in the past."
    if errors or version is None:
        raise ValidationError(errors)
    if version.snapshot.get("plan", {}).get("triage", {}).get("level") in ("emergency", "urgent_referral"):
        raise ValidationError({"plan": "The signed plan has an urgent triage result: resolve it before loading."})
    try:
        with transaction.atomic():
            programme = Programme.objects.create(
                patient=plan.patient, plan=plan, plan_version=version.number, programme_id=programme_id,
                knowledge_version=load_knowledge().version, next_session_on=start_on, assigned_by=actor,
            )
    except IntegrityError:
        raise ValidationError({"programme_id": "The patient already has an active programme."}) from None
    audit_record(actor=actor, action=AuditAction.PROGRAMME_ASSIGNED, patient=plan.patient, obj=programme,
                 data={"programme": programme_id, "plan_version": version.number, "start_on": start_on.isoformat()},
                 request=request)
    return programme


def _criteria(programme: Programme) -> tuple[dict, Criteria]:
    definition = programme_definition(programme.programme_id)
    return definition, Criteria.from_programme(definition)


@transaction.atomic
def session_log(*, programme: Programme, on: datetime.date, done: bool, pain_during: int | None,
                pain_next_day: int | None, actor: User, request: HttpRequest | None = None) -> SessionLog:
    """Log the current step's session; the progression rule moves the programme and says why."""
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if programme.status != ProgrammeStatus.ACTIVE:
        errors["programme"] = "This programme is not active."
    if on > today:
        errors["on"] = "A session can be logged once it has happened."
    elif (today - on).days > MAX_LOG_AGE_DAYS:
        errors["on"] = f"Log sessions within {MAX_LOG_AGE_DAYS} days; tell your clinician about older ones."
    if done and (pain_during is None or pain_next_day is None):
        errors["pain_during" if pain_during is None else "pain_next_day"] = "Give a pain score from 0 to 10."
    if SessionLog.objects.filter(programme=programme, on=on).exists():
        errors["on"] = "A session is already logged for this day."
    if errors:
        raise ValidationError(errors)
    _definition, criteria = _criteria(programme)
    try:
        decision = decide(step=programme.step, due_on=programme.next_session_on, criteria=criteria,
                          session=Session(on=on, done=done, pain_during=pain_during if done else None,
                                          pain_next_day=pain_next_day))
    except ValueError as exc:
        raise ValidationError({"pain_during": str(exc)}) from None
    log = SessionLog(
        programme=programme, step=programme.step, on=on, done=done, pain_during=pain_during if done else None,
        pain_next_day=pain_next_day, action=decision.action, next_step=decision.step,
        next_session_on=decision.next_session_on, reason=decision.reason, logged_by=actor,
    )
    log.full_clean()
    log.save()
    programme.step = decision.step
    programme.next_session_on = decision.next_session_on
    if decision.action == Action.COMPLETE:
        programme.status = ProgrammeStatus.COMPLETED
    programme.save(update_fields=["step", "next_session_on", "status", "updated_at"])
    audit_record(actor=actor, action=AuditAction.PROGRAMME_SESSION_LOGGED, patient=programme.patient, obj=log,
                 data={"action": decision.action, "step": log.step, "next_step": decision.step}, request=request)
    return log


@transaction.atomic
def programme_override(*, programme: Programme, to_step: int, next_session_on: datetime.date, reason: str,
                       actor: User, request: HttpRequest | None = None) -> Override:
    """A clinician moves the patient to another step (or restarts it), with a reason. Audited."""
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    _definition, criteria = _criteria(programme)
    errors: dict[str, str] = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = "Give the reason for the change; the patient's record keeps it."
    if not 0 <= to_step < criteria.step_count:
        errors["to_step"] = f"Choose a step from 1 to {criteria.step_count}."
    if programme.status == ProgrammeStatus.STOPPED:
        errors["to_step"] = "This programme was stopped."
    if errors:
        raise ValidationError(errors)
    override = Override(programme=programme, from_step=programme.step, to_step=to_step,
                        next_session_on=next_session_on, reason=reason, by=actor)
    override.full_clean()
    override.save()
    programme.step, programme.next_session_on = to_step, next_session_on
    programme.status = ProgrammeStatus.ACTIVE
    programme.save(update_fields=["step", "next_session_on", "status", "updated_at"])
    audit_record(actor=actor, action=AuditAction.PROGRAMME_OVERRIDDEN, patient=programme.patient, obj=override,
                 data={"from": override.from_step, "to": to_step, "reason": reason}, request=request)
    return override
