import datetime

import pytest
from django.urls import reverse

from fracturecare.accounts.models import Role
from fracturecare.audit.models import AuditEvent
from fracturecare.charting.models import AdverseEvent, Amendment, NeedledPoint, Visit
from tests.charting.factories import NeedledPointFactory, VisitFactory, amendment, signed_visit
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

YESTERDAY = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
PREFIX = {"points": "pt", "dry_needling": "dn", "electrode_pairs": "ea", "adverse_events": "ae"}


def post_data(visit=None, **rows) -> dict:
    """The POST a browser sends: the visit fields and every row set with its management form."""
    data = {
        "visit_date": YESTERDAY,
        "pain_nrs_before": "6",
        "pain_nrs_after": "3",
        "needles_all_out": "on",
        "rescreen_clear": "on",
        "other_care": "Walking advice given.",
        "notes": "",
        "ea_waveform": "",
        "ea_intensity": "",
        **(visit or {}),
    }
    rows.setdefault("points", [{"code": "KI3", "laterality": "left"}, {"code": "st 36", "laterality": "right"}])
    for section, prefix in PREFIX.items():
        given = rows.get(section, [])
        data[f"{prefix}-TOTAL_FORMS"] = str(len(given) + 1)  # plus one blank row, as the page offers
        data[f"{prefix}-INITIAL_FORMS"] = "0"
        for i, row in enumerate(given):
            for key, value in row.items():
                data[f"{prefix}-{i}-{key}"] = value
    return data


def test_charting_a_visit_then_signing_it(client, login):
    clinician = login(Role.CLINICIAN)
    patient = PatientFactory()
    form = client.get(reverse("charting:visit_create", args=[patient.pk]))
    assert form.status_code == 200
    assert b"Save draft" in form.content and b"Save and sign" in form.content

    response = client.post(
        reverse("charting:visit_create", args=[patient.pk]),
        post_data(
            dry_needling=[{"muscle": "soleus", "side": "left", "technique": "pistoning", "response": "ltr"}],
            adverse_events=[{"severity": "mild", "event_type": "bruising"}],
        ),
    )
    visit = Visit.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("charting:visit_detail", args=[visit.pk])
    assert visit.clinician == clinician
    assert [p.code for p in visit.points.all()] == ["KI3", "ST36"]

    detail = client.get(reverse("charting:visit_detail", args=[visit.pk]))
    assert b"Sign visit" in detail.content and b"Draft" in detail.content
    assert b"<td>Soleus</td>" in detail.content

    signed = client.post(reverse("charting:visit_sign", args=[visit.pk]), follow=True)
    assert b"Visit signed and locked." in signed.content
    assert b"Sign visit" not in signed.content and b"Add amendment" in signed.content
    assert Visit.objects.get().is_signed


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (post_data({"pain_nrs_before": "11"}), b"less than or equal to 10"),
        (post_data(points=[{"code": "QQ12", "laterality": "left"}]), "“QQ12” is not a WHO point code".encode()),
        (post_data(points=[{"code": "KI3", "laterality": "up"}]), b"Select a valid choice"),
        (post_data(points=[{"code": "KI3"}]), b"Required when this row is used."),
        (
            post_data(points=[{"code": "KI3", "laterality": "left", "depth": "5"}]),
            b"Give the depth and its unit together.",
        ),
        (post_data(adverse_events=[{"severity": "mild"}]), b"Required when this row is used."),
        (
            post_data(
                {
                    "ea_waveform": "continuous",
                    "ea_frequency_hz": "2",
                    "ea_intensity": "sensory",
                    "ea_duration_min": "20",
                },
                electrode_pairs=[{"side": "right", "point_a": "KI3", "point_b": "ST36"}],
            ),
            b"both electrodes of a pair must be on the same side",
        ),
    ],
)
def test_bad_input_re_renders_with_field_messages_and_saves_nothing(client, login, data, message):
    login(Role.CLINICIAN)
    patient = PatientFactory()
    response = client.post(reverse("charting:visit_create", args=[patient.pk]), data)
    assert response.status_code == 200
    assert message in response.content
    assert b"Nothing was saved." in response.content
    assert not Visit.objects.exists() and not NeedledPoint.objects.exists() and not AdverseEvent.objects.exists()
    # What was typed is still there to correct.
    assert b"Walking advice given." in response.content


def test_new_visit_is_copied_from_the_last_signed_visit(client, login):
    login(Role.CLINICIAN)
    last = NeedledPointFactory(code="GB34", laterality="right", needle_length_mm=40).visit
    last = signed_visit_of(last)
    page = client.get(reverse("charting:visit_create", args=[last.patient.pk]))
    assert b'value="GB34"' in page.content and b'value="40"' in page.content
    assert f"Copied from the last signed visit ({last.visit_date:%Y-%m-%d})".encode() in page.content


def test_an_unsigned_draft_is_named_not_copied(client, login):
    login(Role.CLINICIAN)
    draft = NeedledPointFactory(code="GB34", laterality="right").visit
    page = client.get(reverse("charting:visit_create", args=[draft.patient.pk])).content.decode()
    assert 'value="GB34"' not in page
    assert f"A draft of {draft.visit_date:%Y-%m-%d} is not signed and was not copied" in page
    assert reverse("charting:visit_detail", args=[draft.pk]) in page


def signed_visit_of(visit):
    from fracturecare.charting.services import visit_sign

    Visit.objects.filter(pk=visit.pk).update(needles_in=1, needles_out=1)
    visit.refresh_from_db()
    return visit_sign(visit=visit, actor=visit.clinician)


def test_a_signed_visit_cannot_be_edited_but_can_be_amended(client, login):
    user = login(Role.CLINICIAN)
    visit = signed_visit(clinician=user)
    edit = client.get(reverse("charting:visit_edit", args=[visit.pk]))
    assert edit.status_code == 302
    client.post(reverse("charting:visit_edit", args=[visit.pk]), post_data())
    assert not NeedledPoint.objects.filter(visit=visit).exists()

    empty = client.post(reverse("charting:visit_amend", args=[visit.pk]), {"text": ""})
    assert empty.status_code == 200 and b"This field is required." in empty.content
    assert not Amendment.objects.exists()
    client.post(reverse("charting:visit_amend", args=[visit.pk]), {"text": "Patient reports bruise gone."})
    page = client.get(reverse("charting:visit_detail", args=[visit.pk]))
    assert b"Patient reports bruise gone." in page.content
    assert b"Integrity check: unchanged since signing." in page.content


def test_editing_a_draft(client, login):
    user = login(Role.CLINICIAN)
    visit = NeedledPointFactory(visit=VisitFactory(clinician=user)).visit
    page = client.get(reverse("charting:visit_edit", args=[visit.pk]))
    assert b'value="KI3"' in page.content
    client.post(
        reverse("charting:visit_edit", args=[visit.pk]), post_data(points=[{"code": "LR3", "laterality": "bilateral"}])
    )
    assert [p.code for p in Visit.objects.get().points.all()] == ["LR3"]


def test_another_clinician_cannot_sign_my_draft(client, login):
    login(Role.CLINICIAN)
    visit = VisitFactory()
    page = client.get(reverse("charting:visit_detail", args=[visit.pk]))
    assert b"Sign visit" not in page.content
    client.post(reverse("charting:visit_sign", args=[visit.pk]))
    assert not Visit.objects.get().is_signed


def test_signing_with_needles_unaccounted_shows_why(client, login):
    user = login(Role.CLINICIAN)
    visit = NeedledPointFactory(visit=VisitFactory(clinician=user)).visit
    response = client.post(reverse("charting:visit_sign", args=[visit.pk]))
    assert response.status_code == 200
    assert b"Confirm every needle was removed and counted before signing." in response.content
    assert not Visit.objects.get().is_signed


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.PATIENT])
def test_non_clinical_roles_are_refused(client, login, role):
    login(role)
    visit = VisitFactory()
    assert client.get(reverse("charting:visit_detail", args=[visit.pk])).status_code == 403
    assert client.get(reverse("charting:visit_list", args=[visit.patient.pk])).status_code == 403


def test_reads_are_audited(client, login):
    login(Role.CLINICIAN)
    visit = VisitFactory()
    client.get(reverse("charting:visit_detail", args=[visit.pk]))
    client.get(reverse("charting:visit_list", args=[visit.patient.pk]))
    assert set(AuditEvent.objects.filter(patient=visit.patient).values_list("action", flat=True)) == {
        "visit.viewed",
        "visit.list_viewed",
    }


def _queries(client, url, django_assert_max_num_queries) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_visit_list_queries_do_not_grow_with_visits(client, login, django_assert_max_num_queries):
    login(Role.CLINICIAN)
    patient = PatientFactory()
    clinician = VisitFactory(patient=patient).clinician
    Visit.objects.bulk_create(
        [Visit(patient=patient, clinician=clinician, visit_date=datetime.date(2025, 1, 1)) for _ in range(9)]
    )
    url = reverse("charting:visit_list", args=[patient.pk])
    few = _queries(client, url, django_assert_max_num_queries)
    Visit.objects.bulk_create(
        [Visit(patient=patient, clinician=clinician, visit_date=datetime.date(2024, 1, 1)) for _ in range(990)]
    )
    many = _queries(client, url, django_assert_max_num_queries)
    assert Visit.objects.filter(patient=patient).count() == 1000
    assert many == few


def test_visit_detail_queries_do_not_grow_with_rows(client, login, django_assert_max_num_queries):
    login(Role.CLINICIAN)
    visit = signed_visit()
    url = reverse("charting:visit_detail", args=[visit.pk])

    def add(n):
        Amendment.objects.bulk_create([Amendment(visit=visit, author=visit.clinician, text=f"a{i}") for i in range(n)])

    add(10)
    few = _queries(client, url, django_assert_max_num_queries)
    add(990)
    many = _queries(client, url, django_assert_max_num_queries)
    assert many == few
    amendment(visit)  # the helper stays usable for other tests


def test_new_visit_is_prefilled_from_the_latest_signed_plan(client, login):
    from fracturecare.planning.services import plan_sign
    from tests.planning.factories import make_plan

    user = login(Role.CLINICIAN)
    patient = PatientFactory()
    old = signed_visit_of(NeedledPointFactory(code="GB34", visit=VisitFactory(patient=patient)).visit)
    assert old.is_signed
    plan = make_plan("C01", patient=patient, clinician=user)
    version = plan_sign(plan=plan, actor=user)
    page = client.get(reverse("charting:visit_create", args=[patient.pk]))
    body = page.content.decode()
    planned = version.snapshot["plan"]["acupuncture"]["points"]
    assert planned and all(f'value="{p["code"]}"' in body for p in planned)
    assert 'value="GB34"' not in body
    assert f'value="plan:{plan.pk}"' in body
    assert "Copied from the signed plan (version 1" in body and "newer than the last signed visit" in body
    # The plan's dry-needling targets are preselected too, with technique and response set by stated default.
    assert '<option value="soleus" selected>' in body
    assert '<option value="not_sought" selected>' in body and "Set by default, not copied" in body

    # Once a visit is signed after the plan, the next visit starts from that visit.
    client.post(
        reverse("charting:visit_create", args=[patient.pk]),
        {**post_data({"prefilled_from": f"plan:{plan.pk}"}, points=[{"code": "LR3", "laterality": "left"}]),
         "action": "sign"},
    )
    again = client.get(reverse("charting:visit_create", args=[patient.pk])).content.decode()
    assert 'value="LR3"' in again and "Copied from the last signed visit" in again
    assert Visit.objects.filter(patient=patient).latest("id").prefilled_from == f"plan:{plan.pk}"


@pytest.mark.django_db
def test_a_signed_visit_links_to_its_superbill(client):
    from django.urls import reverse

    from fracturecare.accounts.models import Role
    from tests.charting.factories import VisitFactory, signed_visit
    from tests.factories import UserFactory

    clinician = UserFactory(role=Role.CLINICIAN)
    client.force_login(clinician)
    draft = VisitFactory(clinician=clinician)
    link = reverse("interop:superbill", args=[draft.pk])
    assert link not in client.get(reverse("charting:visit_detail", kwargs={"pk": draft.pk})).content.decode()
    signed = signed_visit(clinician=clinician)
    link = reverse("interop:superbill", args=[signed.pk])
    assert link in client.get(reverse("charting:visit_detail", kwargs={"pk": signed.pk})).content.decode()
