import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from fracturecare.audit.models import AuditEvent
from fracturecare.charting import services
from fracturecare.charting.models import (
    AdverseEvent,
    Amendment,
    DryNeedlingTarget,
    ElectrodePair,
    NeedledPoint,
    SignedRecordError,
    Visit,
)
from fracturecare.charting.validation import VisitRecord, VisitRecordError
from fracturecare.charting.vocab import AE_SCHEME_ID
from tests.charting.factories import VisitFactory, signed_visit
from tests.factories import PatientFactory, UserFactory

pytestmark = pytest.mark.django_db

YESTERDAY = datetime.date.today() - datetime.timedelta(days=1)


def full_record(**fields) -> VisitRecord:
    return VisitRecord(
        fields={
            "visit_date": YESTERDAY,
            "pain_nrs_before": 6,
            "pain_nrs_after": 3,
            "ea_waveform": "dense_disperse",
            "ea_frequency_hz": Decimal("2"),
            "ea_frequency_high_hz": Decimal("100"),
            "ea_intensity": "sensory",
            "ea_intensity_ma": Decimal("1.5"),
            "ea_duration_min": 20,
            "needles_all_out": True,
            "rescreen_positive": [],
            "other_care": "Load advice.",
            "notes": "Tolerated well.",
            **fields,
        },
        points=[
            {
                "code": "ki-3",
                "laterality": "left",
                "needle_diameter_mm": Decimal("0.25"),
                "needle_length_mm": 30,
                "depth": Decimal("0.5"),
                "depth_unit": "cun",
                "retention_min": 20,
                "response": "obtained",
            },
            {"code": "SP6", "laterality": "left"},
            {"code": "ST36", "laterality": "bilateral"},
        ],
        dry_needling=[{"muscle": "soleus", "side": "left", "technique": "pistoning", "response": "ltr"}],
        electrode_pairs=[{"side": "left", "point_a": "KI3", "point_b": "SP6"}],
        adverse_events=[{"severity": "mild", "event_type": "bruising", "description": "Small bruise at SP6."}],
    )


def test_create_saves_the_whole_record_and_audits_it():
    patient, clinician = PatientFactory(), UserFactory()
    visit = services.visit_create(patient=patient, clinician=clinician, record=full_record())
    assert not visit.is_signed
    assert [(p.code, p.laterality) for p in visit.points.all()] == [
        ("KI3", "left"),
        ("SP6", "left"),
        ("ST36", "bilateral"),
    ]
    assert visit.dry_needling.get().muscle == "soleus"
    assert visit.electrode_pairs.get().point_b == "SP6"
    ae = visit.adverse_events.get()
    assert ae.scheme == AE_SCHEME_ID and ae.severity == "mild"
    event = AuditEvent.objects.get(action="visit.created")
    assert event.patient == patient and event.data["points"] == 3
    # Audit data holds counts, never the clinical free text.
    assert "bruise" not in str(event.data)


def _nothing_saved():
    for model in (Visit, NeedledPoint, DryNeedlingTarget, ElectrodePair, AdverseEvent):
        assert model.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "section", "field"),
    [
        (lambda r: r.points.append({"code": "XX99", "laterality": "left"}), "points", "code"),
        (lambda r: r.points.append({"code": "LR3", "laterality": "upward"}), "points", "laterality"),
        (
            lambda r: r.dry_needling.append(
                {"muscle": "heart", "side": "left", "technique": "static", "response": "ltr"}
            ),
            "dry_needling",
            "muscle",
        ),
        (lambda r: r.fields.update(pain_nrs_after=11), "visit", "pain_nrs_after"),
        (
            lambda r: r.adverse_events.append({"severity": "catastrophic", "event_type": "bleeding"}),
            "adverse_events",
            "severity",
        ),
        # An electrode pair across the body: SP6 is needled on the left only.
        (
            lambda r: r.electrode_pairs.append({"side": "right", "point_a": "ST36", "point_b": "SP6"}),
            "electrode_pairs",
            "point_b",
        ),
        (lambda r: r.electrode_pairs.clear(), "visit", "ea_waveform"),
        (lambda r: r.fields.update(ea_frequency_high_hz=Decimal("1")), "visit", "ea_frequency_high_hz"),
        (lambda r: r.fields.update(ea_waveform="continuous"), "visit", "ea_frequency_high_hz"),
        (lambda r: r.points.append({"code": "KI3", "laterality": "bilateral"}), "points", "laterality"),
        # A count typed by a caller that does not confirm "all out" is still checked against the rows.
        (lambda r: (r.fields.pop("needles_all_out"), r.fields.update(needles_out=9)), "visit", "needles_out"),
        (
            lambda r: r.fields.update(visit_date=datetime.date.today() + datetime.timedelta(days=3)),
            "visit",
            "visit_date",
        ),
    ],
)
def test_a_bad_record_is_rejected_whole_with_the_field_named(change, section, field):
    record = full_record()
    change(record)
    with pytest.raises(VisitRecordError) as caught:
        services.visit_create(patient=PatientFactory(), clinician=UserFactory(), record=record)
    assert (section, field) in {(p.section, p.field) for p in caught.value.problems}
    _nothing_saved()


def test_ea_fields_without_a_waveform_are_rejected():
    record = full_record(ea_waveform="")
    record.electrode_pairs.clear()
    with pytest.raises(VisitRecordError) as caught:
        services.visit_create(patient=PatientFactory(), clinician=UserFactory(), record=record)
    assert {"ea_frequency_hz", "ea_intensity", "ea_duration_min"} <= {p.field for p in caught.value.problems}


def test_signing_locks_the_visit_and_its_rows():
    visit = services.visit_create(patient=PatientFactory(), clinician=UserFactory(), record=full_record())
    signed = services.visit_sign(visit=visit, actor=visit.clinician)
    assert signed.is_signed and signed.signed_by == visit.clinician and len(signed.signed_sha256) == 64
    assert services.visit_hash(signed) == signed.signed_sha256

    with pytest.raises(SignedRecordError):
        services.visit_update(visit=signed, actor=visit.clinician, record=full_record(notes="changed"))
    with pytest.raises(SignedRecordError):
        services.visit_sign(visit=signed, actor=visit.clinician)
    stored = Visit.objects.get(pk=visit.pk)
    stored.notes = "tampered"
    with pytest.raises(SignedRecordError):
        stored.save()
    point = NeedledPoint.objects.filter(visit=visit).first()
    point.code = "LR3"
    with pytest.raises(SignedRecordError):
        point.save()
    with pytest.raises(SignedRecordError):
        NeedledPoint(visit=visit, code="LI4", laterality="left").save()
    with pytest.raises(SignedRecordError):
        stored.delete()
    assert Visit.objects.get(pk=visit.pk).notes == "Tolerated well."
    assert AuditEvent.objects.filter(action="visit.signed", object_id=str(visit.pk)).count() == 1


def test_signing_needs_the_needles_counted_back():
    record = full_record(needles_all_out=False)
    visit = services.visit_create(patient=PatientFactory(), clinician=UserFactory(), record=record)
    with pytest.raises(VisitRecordError) as caught:
        services.visit_sign(visit=visit, actor=visit.clinician)
    assert caught.value.problems[0].field == "needles_all_out"
    assert not Visit.objects.get(pk=visit.pk).is_signed


def test_only_the_author_edits_or_signs_a_draft():
    visit = VisitFactory()
    other = UserFactory()
    with pytest.raises(PermissionDenied):
        services.visit_sign(visit=visit, actor=other)
    with pytest.raises(PermissionDenied):
        services.visit_update(visit=visit, actor=other, record=full_record())


def test_update_replaces_the_draft_rows():
    visit = services.visit_create(patient=PatientFactory(), clinician=UserFactory(), record=full_record())
    record = full_record(
        ea_waveform="",
        ea_frequency_hz=None,
        ea_frequency_high_hz=None,
        ea_intensity="",
        ea_intensity_ma=None,
        ea_duration_min=None,
    )
    record.electrode_pairs = []
    record.points = [{"code": "LR3", "laterality": "right"}]
    services.visit_update(visit=visit, actor=visit.clinician, record=record)
    assert [p.code for p in visit.points.all()] == ["LR3"]
    assert not ElectrodePair.objects.exists()
    assert Visit.objects.get(pk=visit.pk).ea_waveform == ""


def test_amendments_are_dated_attributed_and_append_only():
    visit = signed_visit()
    author = UserFactory()
    first = services.visit_amend(visit=visit, author=author, text="Patient called: bruise resolved.")
    services.visit_amend(visit=visit, author=visit.clinician, text="Second note.")
    assert first.author == author and first.created_at is not None
    assert list(visit.amendments.values_list("text", flat=True)) == ["Patient called: bruise resolved.", "Second note."]
    first.text = "rewritten"
    with pytest.raises(ValueError):
        first.save()
    with pytest.raises(ValueError):
        first.delete()
    with pytest.raises(ValidationError):
        services.visit_amend(visit=visit, author=author, text="   ")
    assert Amendment.objects.count() == 2
    # The signed record itself is untouched by amendments.
    assert services.visit_hash(visit) == Visit.objects.get(pk=visit.pk).signed_sha256


def test_drafts_take_no_amendments():
    with pytest.raises(ValidationError):
        services.visit_amend(visit=VisitFactory(), author=UserFactory(), text="x")


@pytest.mark.parametrize(
    "fields",
    [
        {"pain_nrs_before": 11},
        {"ea_waveform": "square"},
        {"ea_waveform": "continuous"},  # a waveform without frequency, intensity and duration
        {"signed_sha256": "abc"},  # a hash without a signature
    ],
)
def test_the_database_refuses_invalid_visits(fields):
    visit = VisitFactory.build(patient=PatientFactory(), clinician=UserFactory(), **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Visit.objects.bulk_create([visit])


def test_the_database_refuses_invalid_rows():
    visit = VisitFactory()
    for row in (
        NeedledPoint(visit=visit, code="KI3", laterality="sideways"),
        NeedledPoint(visit=visit, code="KI3", laterality="left", depth=Decimal("5")),  # depth without unit
        ElectrodePair(visit=visit, side="left", point_a="KI3", point_b="KI3"),
        AdverseEvent(visit=visit, severity="awful", event_type="bleeding"),
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            type(row).objects.bulk_create([row])


def test_the_database_itself_keeps_signed_visits_locked():
    from django.db import DatabaseError

    visit = VisitFactory(needles_in=1, needles_out=1)
    NeedledPoint.objects.create(visit=visit, code="KI3", laterality="left")
    visit = services.visit_sign(visit=visit, actor=visit.clinician)
    services.visit_amend(visit=visit, author=visit.clinician, text="Note.")
    # Queryset and bulk writes bypass the model guards on purpose: only the triggers stand in the way.
    for write in (
        lambda: Visit.objects.filter(pk=visit.pk).update(notes="raw change"),
        lambda: NeedledPoint.objects.bulk_create([NeedledPoint(visit=visit, code="LI4", laterality="left")]),
        lambda: NeedledPoint.objects.filter(visit=visit).update(code="LR3"),
        lambda: Amendment.objects.filter(visit=visit).update(text="rewritten"),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            write()
    assert Visit.objects.get(pk=visit.pk).notes == visit.notes
    # A draft is still an ordinary row.
    draft = VisitFactory()
    assert Visit.objects.filter(pk=draft.pk).update(notes="fine") == 1
    NeedledPoint.objects.bulk_create([NeedledPoint(visit=draft, code="LI4", laterality="left")])
