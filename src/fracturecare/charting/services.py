"""Writing visit records: create and edit drafts, sign (lock), amend, and add another clinician's addendum.

Every function validates the whole record before writing, runs in one transaction and
writes an audit event, so a rejected record leaves nothing behind.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from fracturecare.accounts.models import User
from fracturecare.audit.actions import AuditAction
from fracturecare.audit.chain import keyed_hash
from fracturecare.audit.services import audit_record
from fracturecare.charting import rescreen as red_flags
from fracturecare.charting.models import (
    Addendum,
    AdverseEvent,
    Amendment,
    DryNeedlingTarget,
    ElectrodePair,
    NeedledPoint,
    SignedRecordError,
    Visit,
)
from fracturecare.charting.validation import (
    Problem,
    VisitRecord,
    VisitRecordError,
    muscle_problem,
    needle_count,
    point_code_problem,
    record_problems,
    sign_problems,
)
from fracturecare.charting.vocab import AE_SCHEME_ID
from fracturecare.intake.selectors import needling_consent_problem
from fracturecare.outcomes.models import Timepoint
from fracturecare.outcomes.services import assessment_create
from fracturecare.patients.models import Patient
from fracturecare.planning.selectors import latest_plan_for
from fracturecare.roles import Role

VISIT_FIELDS = (
    "visit_date",
    "pain_nrs_before",
    "pain_nrs_after",
    "ea_waveform",
    "ea_frequency_hz",
    "ea_frequency_high_hz",
    "ea_intensity",
    "ea_intensity_ma",
    "ea_duration_min",
    "needles_in",
    "needles_out",
    "other_care",
    "notes",
    "prefilled_from",
)
# Fields added later: part of the signed content when recorded, left out of the hash while NULL so
# visits signed before they existed still verify.
SOAP_FIELDS = ("subjective", "objective", "assessment", "plan_next")
LATER_FIELDS = (*SOAP_FIELDS, "rescreen")
_ROWS = (
    ("points", NeedledPoint),
    ("dry_needling", DryNeedlingTarget),
    ("electrode_pairs", ElectrodePair),
    ("adverse_events", AdverseEvent),
)


def _vocabulary_problems(record: VisitRecord) -> list[Problem]:
    problems = []
    for i, p in enumerate(record.points):
        p["code"], message = point_code_problem(p.get("code", ""))
        if message:
            problems.append(Problem("points", i, "code", message))
    for i, pair in enumerate(record.electrode_pairs):
        for name in ("point_a", "point_b"):
            pair[name], message = point_code_problem(pair.get(name, ""))
            if message:
                problems.append(Problem("electrode_pairs", i, name, message))
    for i, t in enumerate(record.dry_needling):
        message = muscle_problem(t.get("muscle", ""))
        if message:
            problems.append(Problem("dry_needling", i, "muscle", message))
    return problems


def _model_problems(instance: models.Model, section: str, index: int | None, exclude: list[str]) -> list[Problem]:
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as exc:
        return [
            Problem(section, index, name if name != "__all__" else "", message)
            for name, messages in exc.message_dict.items()
            for message in messages
        ]
    return []


def rescreen_for(patient: Patient, positive: list[str]) -> dict[str, Any]:
    """Judge a visit's red-flag re-screen against the patient's latest evaluation (see charting.rescreen)."""
    plan = latest_plan_for(patient=patient)
    case = plan.evaluation.case if plan is not None else None
    result = red_flags.evaluate(positive, case=case, evaluation_id=plan.evaluation_id if plan else None)
    return result.as_dict()


def _derive(visit: Visit, record: VisitRecord) -> list[Problem]:
    """Derived fields: the needle count from the rows, the re-screen's verdict from its answers."""
    problems = []
    count = needle_count(record.points, record.dry_needling)
    visit.needles_in = count or None
    if "needles_all_out" in record.fields:
        # The clinician confirms every needle came out; the count itself is never typed.
        visit.needles_out = count if (record.fields["needles_all_out"] and count) else None
    if "rescreen_positive" in record.fields:
        positive = record.fields["rescreen_positive"]
        try:
            visit.rescreen = None if positive is None else rescreen_for(visit.patient, list(positive))
        except ValueError as exc:
            problems.append(Problem("visit", None, "rescreen_clear", str(exc)))
    record.fields["needles_in"], record.fields["needles_out"] = visit.needles_in, visit.needles_out
    record.fields["rescreen"] = visit.rescreen
    if visit.needling_held and visit.rescreen and (record.points or record.dry_needling):
        flags = "; ".join(f["reason"] for f in visit.rescreen["fired"])
        problems.append(Problem(
            "visit", None, "rescreen_clear",
            f"Needling is held: the re-screen found a red flag ({flags}). Clear the needling rows and refer.",
        ))
    return problems


def _build(visit: Visit, record: VisitRecord) -> tuple[list, list[Problem]]:
    """Apply the record to `visit` in memory and make (unsaved) rows; collect every problem."""
    for name in VISIT_FIELDS + SOAP_FIELDS:
        if name in record.fields:
            value = record.fields[name]
            setattr(visit, name, "" if value is None and name in ("ea_waveform", "ea_intensity") else value)
    problems = _vocabulary_problems(record)
    problems += _derive(visit, record)
    problems += _model_problems(visit, "visit", None, exclude=["patient", "clinician"])
    rows = []
    for section, model in _ROWS:
        for index, data in enumerate(getattr(record, section)):
            row = model(**data, position=index)
            if isinstance(row, AdverseEvent):
                row.scheme = AE_SCHEME_ID
            problems += _model_problems(row, section, index, exclude=["visit"])
            rows.append(row)
    if visit.visit_date and visit.visit_date > timezone.localdate():
        problems.append(Problem("visit", None, "visit_date", "A visit cannot be charted for a future date."))
    problems += record_problems(record)
    problems += _consent_problems(visit.patient, record)
    return rows, problems


def _consent_problems(patient: Patient, record: VisitRecord) -> list[Problem]:
    """Needling needs the patient's current written consent (acupuncture and dry needling separately)."""
    message = needling_consent_problem(patient, acupuncture=bool(record.points),
                                       dry_needling=bool(record.dry_needling))
    return [Problem("visit", None, "consent", message)] if message else []


def _save_rows(visit: Visit, rows: list) -> None:
    for row in rows:
        row.visit = visit
        row.save()


def _audit_fields(record: VisitRecord) -> dict:
    return {section: len(getattr(record, section)) for section, _ in _ROWS}


@transaction.atomic
def visit_create(*, patient: Patient, clinician: User, record: VisitRecord, request: HttpRequest | None = None,
                 sign: bool = False) -> Visit:
    """Chart a new visit as a draft, or save and sign it in one step (`sign`).

    Raises VisitRecordError listing every problem; with `sign`, the signing checks run before
    anything is written, so a visit that cannot be signed is not saved either.
    """
    visit = Visit(patient=patient, clinician=clinician)
    rows, problems = _build(visit, record)
    if sign and not problems:
        problems = sign_problems(record)
    if problems:
        raise VisitRecordError(problems)
    visit.save()
    _save_rows(visit, rows)
    audit_record(
        actor=clinician,
        action=AuditAction.VISIT_CREATED,
        patient=patient,
        obj=visit,
        data=_audit_fields(record),
        request=request,
    )
    if sign:
        return visit_sign(visit=visit, actor=clinician, request=request)
    return visit


def _lock_draft(visit: Visit, actor: User) -> Visit:
    locked = Visit.objects.select_for_update().get(pk=visit.pk)
    if locked.is_signed:
        raise SignedRecordError("This visit is signed and can no longer be changed; add an amendment.")
    if locked.clinician_id != actor.pk:
        raise PermissionDenied("Only the clinician who charted this visit can edit or sign it.")
    return locked


@transaction.atomic
def visit_update(*, visit: Visit, actor: User, record: VisitRecord, request: HttpRequest | None = None,
                 sign: bool = False) -> Visit:
    """Replace a draft visit's fields and rows with `record`; with `sign`, sign it in the same step."""
    visit = _lock_draft(visit, actor)
    rows, problems = _build(visit, record)
    if sign and not problems:
        problems = sign_problems(record)
    if problems:
        raise VisitRecordError(problems)
    visit.save()
    for _section, model in _ROWS:
        model.objects.filter(visit=visit).delete()
    _save_rows(visit, rows)
    audit_record(
        actor=actor,
        action=AuditAction.VISIT_UPDATED,
        patient=visit.patient,
        obj=visit,
        data=_audit_fields(record),
        request=request,
    )
    if sign:
        return visit_sign(visit=visit, actor=actor, request=request)
    return visit


def visit_snapshot(visit: Visit) -> dict:
    """The signed content of a visit as plain data (what the signature's hash covers)."""

    def rows(qs: Iterable[models.Model], fields: Iterable[str]) -> list[dict[str, Any]]:
        return [{f: _plain(getattr(r, f)) for f in fields} for r in qs]

    return {
        "visit_id": visit.pk,
        "patient_id": visit.patient_id,
        "clinician_id": visit.clinician_id,
        **{name: _plain(getattr(visit, name)) for name in VISIT_FIELDS},
        **{name: getattr(visit, name) for name in LATER_FIELDS if getattr(visit, name) is not None},
        "points": rows(
            visit.points.all(),
            [
                "code",
                "laterality",
                "needle_diameter_mm",
                "needle_length_mm",
                "depth",
                "depth_unit",
                "retention_min",
                "response",
            ],
        ),
        "dry_needling": rows(
            visit.dry_needling.all(),
            [
                "muscle",
                "side",
                "technique",
                "response",
                "needle_length_mm",
                "depth_mm",
            ],
        ),
        "electrode_pairs": rows(visit.electrode_pairs.all(), ["side", "point_a", "point_b"]),
        "adverse_events": rows(
            visit.adverse_events.all(),
            [
                "scheme",
                "severity",
                "event_type",
                "required_treatment",
                "description",
                "action_taken",
            ],
        ),
    }


def _plain(value: object) -> str | int | bool | None:
    if value is None or isinstance(value, (str, int, bool)):
        return value
    return str(value)


def visit_hash(visit: Visit) -> str:
    """The keyed seal of a visit's content (HMAC-SHA256 under the record key, so it cannot be recomputed without it)."""
    payload = json.dumps(visit_snapshot(visit), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return keyed_hash(payload.encode())


def record_from_visit(visit: Visit) -> VisitRecord:
    """The stored visit as a VisitRecord (for re-checking before signing and for prefill)."""
    snap = visit_snapshot(visit)
    return VisitRecord(
        fields={name: getattr(visit, name) for name in VISIT_FIELDS + LATER_FIELDS},
        points=snap["points"],
        dry_needling=snap["dry_needling"],
        electrode_pairs=snap["electrode_pairs"],
        adverse_events=snap["adverse_events"],
    )


@transaction.atomic
def visit_sign(*, visit: Visit, actor: User, request: HttpRequest | None = None) -> Visit:
    """Sign and lock a draft visit. From now on it can only be amended."""
    visit = _lock_draft(visit, actor)
    record = record_from_visit(visit)
    problems = record_problems(record) + sign_problems(record) + _consent_problems(visit.patient, record)
    if problems:
        raise VisitRecordError(problems)
    visit.signed_at = timezone.now()
    visit.signed_by = actor
    visit.signed_sha256 = visit_hash(visit)
    visit.full_clean(exclude=["patient", "clinician"])
    visit.save()
    audit_record(actor=actor, action=AuditAction.VISIT_SIGNED, patient=visit.patient, obj=visit,
                 data={"needling_held": visit.needling_held}, request=request)
    _feed_outcomes(visit, actor, request)
    return visit


def _feed_outcomes(visit: Visit, actor: User, request: HttpRequest | None = None) -> None:
    """The signed visit's pain before treatment joins the outcomes chart, recorded by the clinician.

    Pain before treatment is the patient's state on the day; pain after it is the session's
    immediate effect, kept on the visit, and would make the course look better than it is.
    """
    if visit.pain_nrs_before is None:
        return
    assessment_create(
        patient=visit.patient, recorded_by=actor, assessed_on=visit.visit_date, timepoint=Timepoint.OTHER,
        pain_nrs=visit.pain_nrs_before,
        note=f"Pain before treatment at the visit of {visit.visit_date:%Y-%m-%d} (visit {visit.pk}).",
        request=request,
    )


@transaction.atomic
def visit_amend(*, visit: Visit, author: User, text: str, request: HttpRequest | None = None) -> Amendment:
    """Append a dated amendment to a signed visit."""
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if not visit.is_signed:
        raise ValidationError({"text": "Edit the draft instead: amendments are for signed visits."})
    amendment = Amendment(visit=visit, author=author, text=(text or "").strip())
    amendment.full_clean()
    amendment.save()
    audit_record(
        actor=author,
        action=AuditAction.VISIT_AMENDED,
        patient=visit.patient,
        obj=amendment,
        data={"visit_id": visit.pk},
        request=request,
    )
    return amendment


def addendum_hash(addendum: Addendum) -> str:
    """The keyed seal of an addendum: its text, author and time, bound to the visit and the visit's own seal."""
    payload = json.dumps(
        {
            "visit_id": addendum.visit_id,
            "visit_seal": addendum.visit.signed_sha256,
            "author_id": addendum.author_id,
            "signed_at": addendum.signed_at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
            "text": addendum.text,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return keyed_hash(payload.encode())


def addendum_refusal(visit: Visit, user: User | AnonymousUser) -> str:
    """Why `user` may not add addenda to `visit` ("" when they may): a clinician other than its author may."""
    if getattr(user, "role", None) != Role.CLINICIAN:
        return "Only a clinician can add a signed addendum to a visit."
    if user.pk in (visit.clinician_id, visit.signed_by_id):
        return "You charted this visit: correct it with an amendment; an addendum is another clinician's note."
    return ""


@transaction.atomic
def visit_addendum_add(*, visit: Visit, author: User, text: str, request: HttpRequest | None = None) -> Addendum:
    """Sign an addendum to a signed visit under `author`'s name: another clinician than the visit's author.

    Raises PermissionDenied when `author` is not a clinician or charted the visit, and ValidationError
    (on "text") for an unsigned visit or an empty text; nothing is written then.
    """
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    refusal = addendum_refusal(visit, author)
    if refusal:
        raise PermissionDenied(refusal)
    if not visit.is_signed:
        raise ValidationError(
            {"text": "This visit is not signed yet: an addendum can only be added to a signed visit."}
        )
    addendum = Addendum(visit=visit, author=author, text=(text or "").strip(), signed_at=timezone.now())
    addendum.seal = addendum_hash(addendum)
    addendum.full_clean()
    addendum.save()
    audit_record(
        actor=author,
        action=AuditAction.VISIT_ADDENDUM_ADDED,
        patient=visit.patient,
        obj=addendum,
        data={"visit_id": visit.pk},
        request=request,
    )
    return addendum
