"""Personal access tokens: hashed at rest, shown once, revocable, and accepted by POST /api/v1/plans."""

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from fracturecare.accounts.models import ApiToken, Role
from fracturecare.accounts.services import token_authenticate, token_hash, token_revoke
from fracturecare.audit.models import AuditEvent
from tests.accounts.factories import make_token
from tests.factories import UserFactory
from tests.planning.factories import example_case

pytestmark = pytest.mark.django_db
URL = "/api/v1/plans"


def _api(raw: str | None, body=None, **extra):
    # A client that enforces CSRF, as a real program's requests would meet it.
    client = Client(enforce_csrf_checks=True)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"} if raw is not None else {}
    data = json.dumps(example_case("C01") if body is None else body)
    return client.post(URL, data=data, content_type="application/json", **headers, **extra)


# --- the model and the service ----------------------------------------------------------------


def test_only_the_hash_is_stored():
    new = make_token()
    row = ApiToken.objects.get(pk=new.token.pk)
    assert new.raw.startswith("fct_") and len(new.raw) > 40
    assert row.key_hash == token_hash(new.raw) and len(row.key_hash) == 64
    stored = json.dumps([getattr(row, f.attname) for f in ApiToken._meta.concrete_fields], default=str)
    assert new.raw not in stored
    assert new.raw.startswith(row.prefix) and len(row.prefix) < len(new.raw) // 3


def test_each_token_is_different():
    user = UserFactory(role=Role.CLINICIAN)
    assert make_token(user).raw != make_token(user).raw


def test_the_database_refuses_a_blank_name_and_a_revoker_without_a_time():
    new = make_token()
    with pytest.raises(IntegrityError), transaction.atomic():
        ApiToken.objects.filter(pk=new.token.pk).update(revoked_by=new.token.user)
    with pytest.raises(IntegrityError), transaction.atomic():
        ApiToken.objects.filter(pk=new.token.pk).update(name="")


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.PATIENT])
def test_roles_that_cannot_call_the_api_cannot_hold_a_token(role):
    with pytest.raises(PermissionDenied):
        make_token(UserFactory(role=role))
    assert not ApiToken.objects.exists()


def test_creation_and_revocation_are_audited_without_the_token():
    new = make_token()
    token_revoke(token=new.token, actor=new.token.user)
    events = list(AuditEvent.objects.filter(action__startswith="api_token.").order_by("id"))
    assert [e.action for e in events] == ["api_token.created", "api_token.revoked"]
    assert all(e.actor == new.token.user and e.object_id == str(new.token.pk) for e in events)
    assert new.raw not in json.dumps([e.data for e in events])


def test_a_clinician_cannot_revoke_a_colleagues_token_but_an_admin_can():
    new = make_token()
    with pytest.raises(PermissionDenied):
        token_revoke(token=new.token, actor=UserFactory(role=Role.CLINICIAN))
    admin = UserFactory(role=Role.CLINIC_ADMIN)
    revoked = token_revoke(token=new.token, actor=admin)
    assert revoked.revoked_by == admin and revoked.revoked_at is not None


def test_revoking_twice_keeps_the_first_revocation():
    new = make_token()
    first = token_revoke(token=new.token, actor=new.token.user).revoked_at
    second = token_revoke(token=new.token, actor=UserFactory(role=Role.CLINIC_ADMIN))
    assert second.revoked_at == first and second.revoked_by == new.token.user
    assert AuditEvent.objects.filter(action="api_token.revoked").count() == 1


@pytest.mark.parametrize("raw", ["", "fct_", "fct_nope", "not-a-token", "fct_" + "x" * 500])
def test_unknown_values_do_not_authenticate(raw):
    make_token()
    assert token_authenticate(raw) is None


def test_use_records_last_used_at_most_once_a_minute(django_assert_num_queries):
    new = make_token()
    assert token_authenticate(new.raw).last_used_at is not None
    first = ApiToken.objects.get(pk=new.token.pk).last_used_at
    with django_assert_num_queries(1):  # the lookup only: no write within the minute
        token_authenticate(new.raw)
    assert ApiToken.objects.get(pk=new.token.pk).last_used_at == first


# --- the API ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.CLINICIAN, Role.CLINIC_ADMIN])
def test_a_token_of_a_clinical_user_gets_a_plan_without_csrf(role):
    new = make_token(UserFactory(role=role))
    response = _api(new.raw)
    assert response.status_code == 200, response.content
    assert response.json()["triage"]["level"]
    event = AuditEvent.objects.get(action="plan.api_generated")
    assert event.actor == new.token.user
    assert event.data["auth"] == "token" and event.data["token"] == new.token.pk


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.PATIENT])
def test_a_token_whose_user_lost_the_clinical_role_gets_403(role):
    new = make_token()
    new.token.user.role = role
    new.token.user.save()
    response = _api(new.raw)
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action="plan.api_refused", actor=new.token.user).exists()


def test_no_credentials_get_401_even_when_csrf_is_enforced():
    assert _api(None).status_code == 401


@pytest.mark.parametrize("header", ["Bearer fct_unknown", "Bearer ", "Basic dXNlcjpwYXNz", "fct_bare"])
def test_unknown_or_malformed_credentials_get_401(header):
    make_token()
    response = Client(enforce_csrf_checks=True).post(
        URL, data=json.dumps(example_case("C01")), content_type="application/json", HTTP_AUTHORIZATION=header
    )
    assert response.status_code == 401
    assert not AuditEvent.objects.filter(action__startswith="plan.").exists()


def test_a_revoked_token_gets_401_and_the_attempt_is_audited():
    new = make_token()
    assert _api(new.raw).status_code == 200
    token_revoke(token=new.token, actor=new.token.user)
    assert _api(new.raw).status_code == 401
    assert AuditEvent.objects.filter(action="api_token.rejected", actor=new.token.user).exists()


def test_a_token_of_a_deactivated_user_gets_401():
    new = make_token()
    new.token.user.is_active = False
    new.token.user.save()
    assert _api(new.raw).status_code == 401


def test_a_bad_token_is_not_rescued_by_a_session(client):
    user = UserFactory(role=Role.CLINICIAN)
    client.force_login(user)
    response = client.post(URL, data=json.dumps(example_case("C01")), content_type="application/json",
                           HTTP_AUTHORIZATION="Bearer fct_unknown")
    assert response.status_code == 401


def test_the_session_still_works_and_is_audited_as_such(client, login):
    login(Role.CLINICIAN)
    response = client.post(URL, data=json.dumps(example_case("C01")), content_type="application/json")
    assert response.status_code == 200
    assert AuditEvent.objects.get(action="plan.api_generated").data["auth"] == "session"


def test_a_session_post_without_csrf_is_still_refused():
    user = UserFactory(role=Role.CLINICIAN)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(URL, data=json.dumps(example_case("C01")), content_type="application/json")
    assert response.status_code == 403


def test_a_bad_case_with_a_token_gets_422_and_the_rejection_is_audited():
    new = make_token()
    response = _api(new.raw, body={"patient": {"age": 30, "sex": "male"},
                                   "injury": {"bone": "tibia", "side": "left", "pain_nrs": 14}})
    assert response.status_code == 422
    assert any(e["field"] == "injury.pain_nrs" for e in response.json()["errors"])
    event = AuditEvent.objects.get(action="plan.api_rejected")
    assert event.data == {"auth": "token", "token": new.token.pk, "fields": ["injury.pain_nrs"]}


def test_the_openapi_description_documents_both_ways_in(client):
    spec = client.get(reverse("api:openapi-json")).json()
    schemes = spec["components"]["securitySchemes"]
    assert schemes["TokenAuth"]["type"] == "http" and schemes["TokenAuth"]["scheme"] == "bearer"
    assert "ClinicSessionAuth" in schemes
    security = spec["paths"]["/api/v1/plans"]["post"]["security"]
    assert {"TokenAuth": []} in security and {"ClinicSessionAuth": []} in security
    assert "Authorization: Bearer" in spec["info"]["description"]
    assert "unknown or revoked token" in spec["paths"]["/api/v1/plans"]["post"]["responses"]["401"]["description"]


# --- the page ---------------------------------------------------------------------------------


def test_a_clinician_makes_a_token_and_sees_it_once(client, login):
    user = login(Role.CLINICIAN)
    response = client.post(reverse("api_tokens:list"), {"name": "EHR bridge"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    token = ApiToken.objects.get(user=user)
    raw = response.context["new_token"].raw
    assert token_hash(raw) == token.key_hash
    assert raw in response.content.decode()
    again = client.get(reverse("api_tokens:list")).content.decode()
    assert "EHR bridge" in again and token.prefix in again and raw not in again


def test_a_blank_name_is_refused_on_the_field(client, login):
    login(Role.CLINICIAN)
    response = client.post(reverse("api_tokens:list"), {"name": "  "})
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert not ApiToken.objects.exists()


def test_a_clinician_sees_and_revokes_only_their_own(client, login):
    user = login(Role.CLINICIAN)
    mine, theirs = make_token(user, "mine"), make_token(name="theirs")
    page = client.get(reverse("api_tokens:list")).content.decode()
    assert "mine" in page and "theirs" not in page
    assert client.post(reverse("api_tokens:revoke", args=[theirs.token.pk])).status_code == 404
    assert ApiToken.objects.get(pk=theirs.token.pk).revoked_at is None
    response = client.post(reverse("api_tokens:revoke", args=[mine.token.pk]), follow=True)
    assert "is revoked" in response.content.decode()
    assert ApiToken.objects.get(pk=mine.token.pk).revoked_at is not None


def test_an_admin_sees_and_revokes_everyones(client, login):
    admin = login(Role.CLINIC_ADMIN)
    theirs = make_token(name="colleague script")
    page = client.get(reverse("api_tokens:list")).content.decode()
    assert "colleague script" in page and "Everyone" in page
    client.post(reverse("api_tokens:revoke", args=[theirs.token.pk]))
    assert ApiToken.objects.get(pk=theirs.token.pk).revoked_by == admin
    assert _api(theirs.raw).status_code == 401


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.PATIENT])
def test_other_roles_may_not_open_the_page(client, login, role):
    login(role)
    assert client.get(reverse("api_tokens:list")).status_code == 403


def test_the_page_does_not_grow_with_tokens(client, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    admin = login(Role.CLINIC_ADMIN)
    owners = [UserFactory(role=Role.CLINICIAN) for _ in range(3)]

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("api_tokens:list")).status_code == 200
        return len(ctx.captured_queries)

    for owner in owners:
        make_token(owner)
    small = count()
    ApiToken.objects.bulk_create(
        ApiToken(user=owners[i % 3], name=f"t{i}", key_hash=f"{i:064d}", prefix="fct_x",
                 revoked_by=admin if i % 2 else None, revoked_at="2026-01-01T00:00:00Z" if i % 2 else None)
        for i in range(200)
    )
    assert count() == small
