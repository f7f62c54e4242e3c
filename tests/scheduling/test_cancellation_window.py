"""One cancellation window: the clinic's booking policy, edited in settings, decides at once when
online changes close, what the front desk is warned about and which cancellations count as late."""

import pytest
import time_machine

from fracturecare.accounts.models import Role
from fracturecare.scheduling.links import manage_path
from fracturecare.scheduling.models import AppointmentStatus
from fracturecare.scheduling.services import appointment_book, appointment_cancel
from tests.clinic.factories import ClinicProfileFactory
from tests.factories import UserFactory
from tests.scheduling.conftest import details, ny

NOW = ny(2026, 6, 1, 7, 0)
LATE_NOTICE = "late cancellation"
CALL_US = "can no longer be changed online"


@pytest.fixture(autouse=True)
def _pinned():
    with time_machine.travel(NOW, tick=False):
        yield


def _policy(client, admin, hours: int) -> None:
    client.force_login(admin)
    response = client.post("/clinic/settings/booking-policy/",
                           {"min_notice_minutes": 60, "max_advance_days": 60, "cancellation_window_hours": hours})
    assert response.status_code == 302


def test_a_changed_window_takes_effect_at_once_for_patient_desk_and_status(client, clinic):
    ClinicProfileFactory(cancellation_window_hours=24)
    admin = UserFactory(role=Role.CLINIC_ADMIN)
    desk = UserFactory(role=Role.FRONT_DESK)
    first = appointment_book(appointment_type=clinic.kind, practitioner=clinic.dana, start=ny(2026, 6, 2, 13),
                             details=details(), reason="x")  # 30 hours ahead
    manage = manage_path(first)
    desk_cancel = f"/clinic/schedule/appointments/{first.pk}/cancel/"

    # 24 hours: 30 hours ahead is outside the window.
    page = client.get(manage).content.decode()
    assert "Cancel the appointment" in page and "Monday 1 June 2026 at 1:00 PM" in page
    client.force_login(desk)
    assert LATE_NOTICE not in client.get(desk_cancel).content.decode()

    # The admin widens the window to 48 hours: the very next requests follow.
    _policy(client, admin, 48)
    client.logout()
    page = client.get(manage).content.decode()
    assert CALL_US in page and "Cancel the appointment" not in page
    assert client.post(f"{manage}cancel/").status_code == 302
    first.refresh_from_db()
    assert first.status == AppointmentStatus.BOOKED  # refused online
    client.force_login(desk)
    assert LATE_NOTICE in client.get(desk_cancel).content.decode()
    assert appointment_cancel(appointment=first).status == AppointmentStatus.LATE_CANCELLED

    # Back to 12 hours: a cancellation 30 hours ahead is an ordinary one again.
    _policy(client, admin, 12)
    second = appointment_book(appointment_type=clinic.kind, practitioner=clinic.dana, start=ny(2026, 6, 2, 13),
                              details=details(first_name="Bo", email="bo@example.test"), reason="x")
    client.force_login(desk)
    assert LATE_NOTICE not in client.get(f"/clinic/schedule/appointments/{second.pk}/cancel/").content.decode()
    assert appointment_cancel(appointment=second).status == AppointmentStatus.CANCELLED
