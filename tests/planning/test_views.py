"""The plan page, signing from it, signed versions and the referral letter."""

import re

import pytest
from django.urls import reverse

from fracturecare.accounts.models import Role
from fracturecare.audit.models import AuditEvent
from fracturecare.planning.models import PlanEdit, PlanVersion
from fracturecare.planning.presenting import EVIDENCE_TAGS
from tests.planning.factories import make_plan

pytestmark = pytest.mark.django_db

# The plan page's attestation checkbox, ticked.
ATTEST = {"attested": "on"}


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_the_triage_banner_comes_first_and_an_urgent_one_links_a_referral_letter(client, login):
    login(Role.CLINICIAN)
    plan = make_plan("C02")
    html = _html(client.get(reverse("planning:detail", args=[plan.pk])))
    triage_at = html.index('class="triage triage-urgent_referral"')
    assert triage_at < html.index('id="acu-h"') < html.index('id="dn-h"') < html.index('id="conv-h"')
    assert 'role="alert"' in html[triage_at - 200: triage_at + 200]
    assert "Needling is deferred" in html
    assert reverse("planning:referral", args=[plan.pk]) in html


def test_every_recommendation_shows_its_reason_and_resolved_sources(client, login):
    login(Role.CLINICIAN)
    plan = make_plan("C01")
    html = _html(client.get(reverse("planning:detail", args=[plan.pk])))
    point = plan.generated["acupuncture"]["points"][0]
    assert point["reason"].split(".")[0].replace("'", "&#x27;") in html
    cited = {c["id"]: c for c in plan.generated["citations"]}
    for cid in point["citations"]:
        assert cited[cid]["title"] in html
        if cited[cid].get("pmid"):
            assert f"https://pubmed.ncbi.nlm.nih.gov/{cited[cid]['pmid']}/" in html
    assert EVIDENCE_TAGS[point["evidence"]] in html
    assert "<svg" in html and 'role="img"' in html


def test_the_pregnancy_exclusions_are_listed_with_their_reason(client, login):
    login(Role.CLINICIAN)
    plan = make_plan("C03")
    html = _html(client.get(reverse("planning:detail", args=[plan.pk])))
    assert "Point SP6" in html and "Pregnancy" in html
    assert "Override reason for adding SP6 back" in html


def test_a_clinician_removes_an_item_and_signs(client, login):
    login(Role.CLINICIAN)
    plan = make_plan("C01")
    response = client.post(reverse("planning:change", args=[plan.pk]), {
        "action": "remove", "section": "acupuncture", "key": "KI3", "reason": "Patient asked for fewer needles",
    })
    assert response.status_code == 302
    html = _html(client.get(reverse("planning:detail", args=[plan.pk])))
    assert "Draft: not signed" in html and "Patient asked for fewer needles" in html

    response = client.post(reverse("planning:sign", args=[plan.pk]), ATTEST)
    assert response.status_code == 302
    version = PlanVersion.objects.get(plan=plan)
    assert version.number == 1
    html = _html(client.get(reverse("planning:detail", args=[plan.pk])))
    assert "Signed version 1" in html
    assert _html(client.get(reverse("planning:version", args=[plan.pk, 1])))


def test_a_change_without_a_reason_is_refused_on_the_field(client, login):
    login(Role.CLINICIAN)
    plan = make_plan("C01")
    response = client.post(reverse("planning:change", args=[plan.pk]), {
        "action": "remove", "section": "acupuncture", "key": "KI3", "reason": "",
    })
    html = _html(response)
    assert "Give the reason for this change." in html
    assert not PlanEdit.objects.exists()


def test_adding_an_excluded_point_without_override_is_refused(client, login):
    login(Role.CLINICIAN)
    plan = make_plan("C03")
    response = client.post(reverse("planning:change", args=[plan.pk]), {
        "action": "add", "section": "acupuncture", "key": "sp6", "laterality": "right", "reason": "wanted",
    })
    assert "needs an explicit override" in _html(response)
    assert not PlanEdit.objects.exists()


def test_an_amendment_needs_its_reason(client, login):
    login(Role.CLINICIAN)
    plan = make_plan("C01")
    client.post(reverse("planning:sign", args=[plan.pk]), ATTEST)
    client.post(reverse("planning:change", args=[plan.pk]), {
        "action": "remove", "section": "dry_needling", "key": "soleus", "reason": "bruised",
    })
    html = _html(client.post(reverse("planning:sign", args=[plan.pk]), {"amendment_reason": "", **ATTEST}))
    assert "Say why the signed plan is being amended." in html
    assert PlanVersion.objects.count() == 1
    response = client.post(reverse("planning:sign", args=[plan.pk]), {"amendment_reason": "Calf bruised", **ATTEST})
    assert response.status_code == 302
    assert list(PlanVersion.objects.values_list("number", flat=True)) == [1, 2]
    html = _html(client.get(reverse("planning:version", args=[plan.pk, 2])))
    assert "Calf bruised" in html and "Version 1" in html


@pytest.mark.parametrize("role", [Role.CLINIC_ADMIN])
def test_a_clinic_admin_reads_but_does_not_sign(client, login, role):
    login(role)
    plan = make_plan("C01")
    html = _html(client.get(reverse("planning:detail", args=[plan.pk])))
    assert "Sign plan" not in html
    assert client.post(reverse("planning:sign", args=[plan.pk])).status_code == 403
    assert not PlanVersion.objects.exists()


def test_front_desk_and_patients_cannot_open_a_plan(client, login):
    plan = make_plan("C01")
    for role in (Role.FRONT_DESK, Role.PATIENT):
        client.logout()
        login(role)
        assert client.get(reverse("planning:detail", args=[plan.pk])).status_code == 403
        assert client.get(reverse("planning:referral", args=[plan.pk])).status_code == 403


def test_the_referral_letter_names_patient_findings_reasons_and_citations(client, login):
    login(Role.CLINICIAN)
    plan = make_plan("C02")
    html = _html(client.get(reverse("planning:referral", args=[plan.pk])))
    patient = plan.patient
    assert patient.full_name in html and patient.date_of_birth.strftime("%Y-%m-%d") in html
    assert "Groin, hip or anterior thigh pain" in html
    for reason in plan.generated["triage"]["reasons"]:
        assert reason["reason"].split(":")[0] in html
        for cid in reason["citations"]:
            assert cid in html
    assert AuditEvent.objects.filter(action="plan.viewed", patient=patient).exists()


def test_signing_needs_a_post(client, login):
    login(Role.CLINICIAN)
    plan = make_plan("C01")
    assert client.get(reverse("planning:sign", args=[plan.pk])).status_code == 405


def test_plan_page_ids_are_unique(client, login):
    login(Role.CLINICIAN)
    html = _html(client.get(reverse("planning:detail", args=[make_plan("C03").pk])))
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


def test_the_handout_link_appears_once_the_plan_is_signed(client, login):
    login(Role.CLINICIAN)
    plan = make_plan("C01")
    handout = reverse("handouts:plan_pdf", args=[plan.pk])
    assert handout not in _html(client.get(reverse("planning:detail", args=[plan.pk])))

    assert client.post(reverse("planning:sign", args=[plan.pk]), ATTEST).status_code == 302
    html = _html(client.get(reverse("planning:detail", args=[plan.pk])))
    assert f'href="{handout}">Download handout PDF</a>' in html
    response = client.get(handout)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_signing_needs_the_attestation_and_records_it_with_the_version(client, login):
    login(Role.CLINICIAN)
    plan = make_plan("C01")
    refused = client.post(reverse("planning:sign", args=[plan.pk]))
    assert refused.status_code == 200 and "I have reviewed the basis of each recommendation" in _html(refused)
    assert not PlanVersion.objects.exists()
    client.post(reverse("planning:sign", args=[plan.pk]), ATTEST)
    version = PlanVersion.objects.get()
    assert version.attestation == "I have reviewed the basis of each recommendation"
    assert version.snapshot["attestation"] == version.attestation
    assert AuditEvent.objects.get(action="plan.signed").data["attested"] is True
    history = _html(client.get(reverse("planning:detail", args=[plan.pk])))
    assert "“I have reviewed the basis of each recommendation”" in history
    shown = _html(client.get(reverse("planning:version", args=[plan.pk, 1])))
    assert "Attestation:</strong> “I have reviewed the basis of each recommendation”" in shown


def test_a_change_through_htmx_comes_back_as_the_page_to_swap_not_a_redirect(client, login):
    login(Role.CLINICIAN)
    plan = make_plan("C01")
    response = client.post(
        reverse("planning:change", args=[plan.pk]),
        {"action": "remove", "section": "acupuncture", "key": "KI3", "reason": "Bruised last time."},
        HTTP_HX_REQUEST="true",
    )
    html = _html(response)
    assert 'id="plan-work"' in html and "KI3 removed from the plan (not signed yet)." in html
    assert PlanEdit.objects.get().key == "KI3"
    # Without JavaScript the same form posts and the page reloads.
    plain = client.post(
        reverse("planning:change", args=[plan.pk]),
        {"action": "remove", "section": "acupuncture", "key": "ASHI", "reason": "Skin broken."},
    )
    assert plain.status_code == 302


def test_sources_are_listed_once_and_referenced_by_number(client, login):
    login(Role.CLINICIAN)
    plan = make_plan("C01")
    html = _html(client.get(reverse("planning:detail", args=[plan.pk])))
    citations = plan.generated["citations"]
    assert html.count('id="cite-1"') == 1 and f'id="cite-{len(citations)}"' in html
    for c in citations:
        assert html.count(f'<span class="cite-id">{c["id"]}</span>') == 1
    assert 'href="#cite-1"' in html
    # The summary comes before the folded detail: needling with sides, then the sign bar in reach.
    assert html.index('id="needling-h"') < html.index('id="conv-h"') < html.index('id="cites-h"')
    assert 'class="action-bar no-print" id="sign-bar"' in html
    assert re.search(r"htmx\.min(\.\w+)?\.js", html)  # hashed name in production
