"""Reading forms: links by token, consent status, and the intake answers as case values."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from fracturecare.intake.content import CONSENT_FORMS, CONSENT_KINDS, FormKind
from fracturecare.intake.models import ConsentDecision, ConsentRecord, FormRequest, IntakeResponse
from fracturecare.intake.tokens import request_key_from_token

#: Which consent a kind of needling needs.
NEEDLING_CONSENT = {"acupuncture": FormKind.CONSENT_ACUPUNCTURE, "dry_needling": FormKind.CONSENT_DRY_NEEDLING}


def form_request_for_token(token: str, *, now: datetime.datetime | None = None) -> FormRequest | None:
    """The request a link names, if the link is genuine, unexpired and not superseded; else None."""
    key = request_key_from_token(token)
    if key is None:
        return None
    now = now or timezone.now()
    form_request = FormRequest.objects.select_related("patient").filter(pk=key[0], nonce=key[1]).first()
    if form_request is None or form_request.expires_at <= now:
        return None
    return form_request


def submitted_forms(form_request: FormRequest) -> set[str]:
    return set(form_request.submissions.values_list("form", flat=True))


@dataclass(frozen=True)
class ConsentState:
    form: str
    title: str
    latest: ConsentRecord | None
    current: bool  # given, and for the form's current version
    reason: str  # why not current, in words for the clinician


def _state(form: str, latest: ConsentRecord | None) -> ConsentState:
    consent = CONSENT_FORMS[form]
    if latest is None:
        return ConsentState(form, consent.title, None, False, "not signed")
    if latest.decision == ConsentDecision.WITHDRAWN:
        return ConsentState(form, consent.title, latest, False, f"withdrawn on {latest.signed_at:%Y-%m-%d}")
    if latest.version != consent.version:
        return ConsentState(form, consent.title, latest, False,
                            f"signed for version {latest.version}; the form is now version {consent.version}")
    return ConsentState(form, consent.title, latest, True, "")


def consent_status(patient) -> dict[str, ConsentState]:
    """Each consent form's state for the patient (one query)."""
    latest: dict[str, ConsentRecord] = {}
    for record in ConsentRecord.objects.filter(patient=patient).order_by("-signed_at", "-id"):
        latest.setdefault(record.form, record)
    return {form: _state(form, latest.get(form)) for form in CONSENT_KINDS}


def consent_status_for(patient_ids: list[int]) -> dict[int, dict[str, ConsentState]]:
    """consent_status for many patients in one query (the clinic home's list)."""
    latest: dict[int, dict[str, ConsentRecord]] = {pid: {} for pid in patient_ids}
    rows = ConsentRecord.objects.filter(patient_id__in=patient_ids).order_by("-signed_at", "-id")
    for record in rows:
        latest[record.patient_id].setdefault(record.form, record)
    return {pid: {form: _state(form, forms.get(form)) for form in CONSENT_KINDS} for pid, forms in latest.items()}


def needling_consent_problem(patient, *, acupuncture: bool, dry_needling: bool) -> str | None:
    """Why needling may not be charted for this patient now, or None when every needed consent is current."""
    if not (acupuncture or dry_needling):
        return None
    status = consent_status(patient)
    missing = []
    for kind, used in (("acupuncture", acupuncture), ("dry_needling", dry_needling)):
        state = status[NEEDLING_CONSENT[kind]]
        if used and not state.current:
            missing.append(f"{state.title.lower()} ({state.reason})")
    if not missing:
        return None
    return ("Needling cannot be charted without the patient's current written consent: "
            + "; ".join(missing) + ". Send the consent forms from the patient's Forms page, or chart the visit "
            "without needling.")


def latest_intake(patient) -> IntakeResponse | None:
    return IntakeResponse.objects.filter(patient=patient).order_by("-submitted_at", "-id").first()


def open_form_requests(patient, *, now: datetime.datetime | None = None) -> list[tuple[FormRequest, list[str]]]:
    """Unexpired links with forms still to fill in, newest first, with those forms (two queries)."""
    now = now or timezone.now()
    requests = list(FormRequest.objects.filter(patient=patient, expires_at__gt=now)
                    .prefetch_related("submissions").order_by("-created_at", "-id"))
    out = []
    for form_request in requests:
        done = {s.form for s in form_request.submissions.all()}
        todo = [f for f in form_request.forms if f not in done]
        if todo:
            out.append((form_request, todo))
    return out


def _int(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def case_values_from_answers(answers: dict) -> dict:
    """Intake answers as a partial case (contracts/case.schema.json): only what the patient answered.

    "Not sure" about pregnancy is prefilled as pregnant, so the plan's pregnancy cautions apply
    until the clinician confirms otherwise (fail closed).
    """
    case: dict = {"patient": {}, "injury": {}, "findings": {}, "history": {}}
    if answers.get("activity"):
        case["patient"]["activity"] = answers["activity"]
    if answers.get("pregnant") in ("yes", "unsure"):
        case["patient"]["pregnant"] = True
    elif answers.get("pregnant") == "no":
        case["patient"]["pregnant"] = False
    if answers.get("side"):
        case["injury"]["side"] = answers["side"]
    if _int(answers.get("onset_weeks")) is not None:
        case["injury"]["onset_weeks"] = answers["onset_weeks"]
    if _int(answers.get("pain_nrs")) is not None:
        case["injury"]["pain_nrs"] = answers["pain_nrs"]
    for key in ("pain_at_rest", "night_pain", "unable_to_bear_weight", "fever", "unexplained_weight_loss"):
        if answers.get(key) in ("yes", "no"):
            case["findings"][key] = answers[key] == "yes"
    if _int(answers.get("prior_stress_fractures")) is not None:
        case["history"]["prior_stress_fractures"] = answers["prior_stress_fractures"]
    if answers.get("menstrual_status"):
        case["history"]["menstrual_status"] = answers["menstrual_status"]
    if _int(answers.get("age_at_menarche")) is not None:
        case["history"]["age_at_menarche"] = answers["age_at_menarche"]
    height, weight = answers.get("height_cm"), answers.get("weight_kg")
    if isinstance(height, (int, float)) and isinstance(weight, (int, float)) and height > 0:
        case["history"]["bmi"] = round(weight / (height / 100) ** 2, 1)
    if isinstance(answers.get("medications"), list):
        case["medications"] = list(answers["medications"])
    if isinstance(answers.get("conditions"), list):
        case["conditions"] = list(answers["conditions"])
    prefs = {k: answers[k] == "yes" for k in ("acupuncture", "dry_needling", "electroacupuncture")
             if answers.get(k) in ("yes", "no")}
    if prefs:
        case["preferences"] = prefs
    return {k: v for k, v in case.items() if v or isinstance(v, list)}


def intake_case_values(patient) -> dict:
    """Case-shaped initial values for the evaluation from the patient's latest intake answers ({} if none)."""
    response = latest_intake(patient)
    return case_values_from_answers(response.answers) if response else {}
