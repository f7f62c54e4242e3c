"""Generating, changing and signing plans. Every read and write of a plan is audited."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from fracturecare.accounts.models import User
from fracturecare.audit.actions import AuditAction
from fracturecare.audit.services import audit_record
from fracturecare.engine import make_plan
from fracturecare.engine.shapes import JSON
from fracturecare.evaluations.models import Evaluation
from fracturecare.evaluations.services import evaluation_record
from fracturecare.knowledge import load_knowledge
from fracturecare.patients.models import Patient
from fracturecare.planning import edits as plan_edits
from fracturecare.planning.models import ATTESTATION, EditAction, OpenPlan, Plan, PlanEdit, PlanVersion
from fracturecare.planning.open_plans import open_plan_rows


def plan_generate(case: JSON) -> JSON:
    """Run the engine on a case: the one call shared by the form, the API and (in spirit) the CLI.

    Raises engine.CaseError for a case that breaks the contract.
    """

    return make_plan(case, load_knowledge())


def past_or_now(at: datetime | None) -> datetime:
    """`at` if given (a record of something that happened earlier), else now; never the future."""
    now = timezone.now()
    if at is None:
        return now
    if timezone.is_naive(at):
        raise ValueError("give an aware datetime")
    if at > now:
        raise ValueError("a record cannot be dated in the future")
    return at


@transaction.atomic
def open_plans_refresh(patient_ids: Iterable[int]) -> None:
    """Recompute the given patients' rows of the "awaiting signature" list (planning.models.OpenPlan).

    Every service that writes a plan, a change or a version calls it; so do bulk writers (the synthetic
    clinic). A fixed number of queries for any number of patients.
    """
    ids = sorted(set(patient_ids))
    if not ids:
        return
    # Patients' rows locked: two writes for one patient's plans at once queue up instead of racing.
    list(Patient.objects.select_for_update().filter(pk__in=ids).values_list("pk", flat=True))
    rows = open_plan_rows(ids, plan_model=Plan, version_model=PlanVersion, edit_model=PlanEdit, open_model=OpenPlan)
    OpenPlan.objects.filter(patient_id__in=ids).delete()
    OpenPlan.objects.bulk_create(rows)


@transaction.atomic
def plan_create(
    *, evaluation: Evaluation, generated: JSON, actor: User, request: HttpRequest | None = None,
    at: datetime | None = None,
) -> Plan:
    """Store the engine's plan for an evaluation, unsigned (`at`: see evaluation_submit)."""
    plan = Plan(
        created_at=past_or_now(at),
        patient=evaluation.patient,
        evaluation=evaluation,
        generated=generated,
        engine_version=str(generated.get("engine_version", "")),
        knowledge_version=str(generated.get("knowledge_version", "")),
        triage_level=generated.get("triage", {}).get("level", ""),
        created_by=actor,
    )
    plan.full_clean()
    plan.save()
    open_plans_refresh([plan.patient_id])
    audit_record(
        actor=actor, action=AuditAction.PLAN_GENERATED, patient=evaluation.patient, obj=plan,
        data={"evaluation": evaluation.pk, "triage": plan.triage_level,
              "engine_version": plan.engine_version, "knowledge_version": plan.knowledge_version},
        request=request,
    )
    return plan


@transaction.atomic
def evaluation_submit(*, patient: Patient, clinician: User, case: dict[str, Any],
                      request: HttpRequest | None = None, at: datetime | None = None) -> Evaluation:
    """Run the engine on `case`, then store the evaluation and its plan, or nothing.

    The engine runs first: a case it rejects (engine.CaseError) leaves nothing behind.
    `at` records an evaluation that took place earlier (the demo's history); it defaults to
    now and may not be in the future. The audit log keeps the real time of writing.
    """
    at = past_or_now(at)
    generated = plan_generate(case)
    evaluation = evaluation_record(patient=patient, clinician=clinician, case=case, at=at, request=request)
    plan_create(evaluation=evaluation, generated=generated, actor=clinician, request=request, at=at)
    return evaluation


def _change_from_edit(edit: PlanEdit) -> plan_edits.Change:
    return plan_edits.Change(
        action=edit.action, section=edit.section, key=edit.key, reason=edit.reason,
        laterality=edit.laterality, description=edit.description, override=edit.override,
        by=edit.created_by.get_full_name() or edit.created_by.get_username() if edit.created_by_id else "",
        at=edit.created_at.isoformat() if edit.created_at else "", version=edit.version,
    )


@dataclass(frozen=True)
class WorkingPlan:
    """The plan as it stands: the last signed version (or the engine's plan) plus pending changes."""

    plan: Plan
    latest: PlanVersion | None
    versions: list[PlanVersion]
    pending: list[PlanEdit]
    base: JSON
    current: JSON

    @property
    def next_version(self) -> int:
        return (self.latest.number if self.latest else 0) + 1

    @property
    def is_signed(self) -> bool:
        return self.latest is not None

    @property
    def status(self) -> str:
        if self.latest is None:
            return "draft"
        return "amending" if self.pending else "signed"


def working_plan(plan: Plan, *, versions: list[PlanVersion] | None = None,
                 edits: list[PlanEdit] | None = None) -> WorkingPlan:
    """Assemble the working plan from (optionally prefetched) versions and edits."""
    if versions is None:
        versions = list(plan.versions.select_related("signed_by").order_by("number"))
    latest = versions[-1] if versions else None
    next_version = (latest.number if latest else 0) + 1
    if edits is None:
        edits = list(plan.edits.filter(version=next_version).select_related("created_by"))
    pending = [e for e in edits if e.version == next_version]
    base = latest.snapshot["plan"] if latest else plan.generated
    current = plan_edits.apply_changes(base, [_change_from_edit(e) for e in pending])
    return WorkingPlan(plan=plan, latest=latest, versions=versions, pending=pending, base=base, current=current)


def _locked(plan: Plan) -> WorkingPlan:
    # Lock the plan row so two clinicians editing or signing at once queue up.
    Plan.objects.select_for_update().filter(pk=plan.pk).first()
    return working_plan(plan)


@transaction.atomic
def plan_change(
    *, plan: Plan, actor: User, action: str, section: str, key: str, reason: str,
    laterality: str = "", description: str = "", override: bool = False, request: HttpRequest | None = None,
    at: datetime | None = None,
) -> PlanEdit:
    """Record one pending change (remove or add an item, with its reason).

    Raises edits.EditError if the change does not fit the plan as it stands. `at`: see
    evaluation_submit.
    """
    work = _locked(plan)
    key = key.strip()
    change = plan_edits.Change(
        action=action, section=section, key=key, reason=reason.strip(), laterality=laterality,
        description=description.strip(), override=override and action == EditAction.ADD,
    )
    plan_edits.check_change(work.current, change)
    if change.override and not plan_edits.needs_override(work.current, section, key):
        change = plan_edits.Change(**{**change.__dict__, "override": False})
    edit = PlanEdit(
        plan=plan, version=work.next_version, action=change.action, section=section, key=key,
        laterality=change.laterality, description=change.description, reason=change.reason,
        override=change.override, created_by=actor, created_at=past_or_now(at),
    )
    edit.full_clean()
    edit.save()
    open_plans_refresh([plan.patient_id])
    audit_record(
        actor=actor, action=AuditAction.PLAN_CHANGED, patient=plan.patient, obj=plan,
        data={"edit": edit.pk, "action": action, "section": section, "key": key,
              "override": edit.override, "version": edit.version},
        request=request,
    )
    return edit


@transaction.atomic
def plan_change_withdraw(*, edit: PlanEdit, actor: User, request: HttpRequest | None = None) -> None:
    """Withdraw a change that has not been signed yet."""
    work = _locked(edit.plan)
    if edit.version != work.next_version:
        raise plan_edits.EditError("edit", "This change is part of a signed version and is kept.")
    PlanEdit.objects.filter(pk=edit.pk).delete()
    open_plans_refresh([edit.plan.patient_id])
    audit_record(
        actor=actor, action=AuditAction.PLAN_CHANGE_WITHDRAWN, patient=edit.plan.patient, obj=edit.plan,
        data={"edit": edit.pk, "section": edit.section, "key": edit.key}, request=request,
    )


class SignError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@transaction.atomic
def plan_sign(
    *, plan: Plan, actor: User, amendment_reason: str = "", request: HttpRequest | None = None,
    at: datetime | None = None,
    attested: bool = False,
) -> PlanVersion:
    """Sign the working plan into a new immutable version.

    Version 1 is the first signature; any later version is an amendment and needs a reason
    and at least one change. `at` records a signature given earlier (see evaluation_submit);
    it may not come before the plan or the version it amends. `attested`: the signer ticked
    "I have reviewed the basis of each recommendation" (the plan page requires it); the words
    are stored with the version, and a version signed without them says so in its history.
    """
    work = _locked(plan)
    amendment_reason = amendment_reason.strip()
    if work.latest is not None:
        if not work.pending:
            raise SignError("amendment_reason", f"Nothing to sign: no changes since version {work.latest.number}.")
        if not amendment_reason:
            raise SignError("amendment_reason", "Say why the signed plan is being amended.")
    now = past_or_now(at)
    if now < plan.created_at or (work.latest is not None and now < work.latest.signed_at):
        raise SignError("amendment_reason", "A signature cannot come before the plan or its previous version.")
    signer = actor.get_full_name() or actor.get_username()
    history = [
        {"version": v.number, "signed_at": v.signed_at.isoformat(), "signed_by": v.snapshot["signed_by"],
         "amendment_reason": v.amendment_reason, "changes": v.snapshot["changes"],
         "attestation": v.attestation}
        for v in work.versions
    ]
    snapshot = {
        "version": work.next_version,
        "plan": work.current,
        "case": plan.evaluation.case,
        "patient_id": plan.patient_id,
        "evaluation_id": plan.evaluation_id,
        "engine_version": plan.engine_version,
        "knowledge_version": plan.knowledge_version,
        "signed_by": {"id": actor.pk, "name": signer},
        "signed_at": now.isoformat(),
        "amendment_reason": amendment_reason,
        "attestation": ATTESTATION if attested else None,
        "changes": [_change_from_edit(e).as_dict() for e in work.pending],
        "history": history,
    }
    version = PlanVersion(
        plan=plan, number=work.next_version, snapshot=snapshot, engine_version=plan.engine_version,
        knowledge_version=plan.knowledge_version, amendment_reason=amendment_reason,
        attestation=ATTESTATION if attested else None, signed_by=actor, signed_at=now,
    )
    version.full_clean()
    try:
        with transaction.atomic():
            version.save()
    except IntegrityError:
        raise SignError("amendment_reason", "Someone else signed this plan a moment ago; reload it.") from None
    open_plans_refresh([plan.patient_id])
    audit_record(
        actor=actor, action=AuditAction.PLAN_SIGNED if version.number == 1 else AuditAction.PLAN_AMENDED,
        patient=plan.patient, obj=plan,
        data={"version": version.number, "changes": len(work.pending), "triage": plan.triage_level,
              "attested": attested},
        request=request,
    )
    return version
