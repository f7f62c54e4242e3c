"""Every audit action, in one list.

`audit_record` refuses an action that is not a member, so the log only ever holds codes listed here. Values are
namespaced `area.verb` codes; they are stored as they are, so an existing value must never change (add a new member
instead).
"""

from __future__ import annotations

from enum import StrEnum


class AuditAction(StrEnum):
    """An audited read or write (the value is what the log stores)."""

    ACCOUNT_PASSWORD_SET = "account.password_set"

    # Sign-in and account security (accounts app).
    ACCOUNT_EMAIL_CHANGE_REQUESTED = "account.email_change_requested"
    ACCOUNT_LOCKED_OUT = "account.locked_out"
    ACCOUNT_PASSWORD_CHANGED = "account.password_changed"
    ACCOUNT_PASSWORD_RESET_LIMITED = "account.password_reset_limited"
    ACCOUNT_PASSWORD_RESET_REQUESTED = "account.password_reset_requested"
    ACCOUNT_TWO_FACTOR_BACKUP_CODES_MADE = "account.2fa_backup_codes_made"
    ACCOUNT_TWO_FACTOR_ENABLED = "account.2fa_enabled"
    ACCOUNT_TWO_FACTOR_FAILED = "account.2fa_failed"
    ACCOUNT_TWO_FACTOR_RESET = "account.2fa_reset"
    ACCOUNT_TWO_FACTOR_VERIFIED = "account.2fa_verified"
    ACCOUNT_UNLOCKED = "account.unlocked"
    PORTAL_EMAIL_CHANGED = "portal.email_changed"
    PORTAL_EMAIL_CHANGE_REFUSED = "portal.email_change_refused"
    SECURITY_POLICY_CHANGED = "security.policy_changed"

    API_TOKEN_CREATED = "api_token.created"
    API_TOKEN_REJECTED = "api_token.rejected"
    API_TOKEN_REVOKED = "api_token.revoked"

    APPOINTMENT_BOOKED = "appointment.booked"
    # The public booking form received someone's details and health answers but booked nothing: stopped by the
    # safety screen, returned to fix, over the hourly limit, or the time was gone. Only the outcome is logged.
    BOOKING_NOT_MADE = "booking.not_made"
    BOOKING_SAFETY_STOP = "booking.safety_stop"
    APPOINTMENT_CANCELLED = "appointment.cancelled"
    APPOINTMENT_MOVED = "appointment.moved"
    APPOINTMENT_SCHEDULE_VIEWED = "appointment.schedule_viewed"
    APPOINTMENT_STATUS_CHANGED = "appointment.status_changed"
    APPOINTMENT_VIEWED = "appointment.viewed"

    ARTICLE_CREATED = "article.created"
    ARTICLE_UPDATED = "article.updated"

    AUDIT_VIEWED = "audit.viewed"

    CLINIC_SETUP_LINK_CREATED = "clinic.setup_link_created"
    CLINIC_SETUP_COMPLETED = "clinic.setup_completed"
    CLINIC_PROFILE_CREATED = "clinic.profile_created"
    CLINIC_PROFILE_UPDATED = "clinic.profile_updated"
    CLINIC_BOOKING_POLICY_UPDATED = "clinic.booking_policy_updated"
    CLINIC_MESSAGE_TEMPLATE_SAVED = "clinic.message_template_saved"
    CLINIC_MESSAGE_TEMPLATE_RESET = "clinic.message_template_reset"
    CLINIC_LOCATION_CREATED = "clinic.location_created"
    CLINIC_LOCATION_UPDATED = "clinic.location_updated"
    CLINIC_PRACTITIONER_CREATED = "clinic.practitioner_created"
    CLINIC_PRACTITIONER_UPDATED = "clinic.practitioner_updated"
    CLINIC_SHIFT_CREATED = "clinic.availabilityrule_created"
    CLINIC_SHIFT_UPDATED = "clinic.availabilityrule_updated"
    CLINIC_SHIFT_DELETED = "clinic.availabilityrule_deleted"
    CLINIC_TIME_OFF_CREATED = "clinic.availabilityexception_created"
    CLINIC_TIME_OFF_UPDATED = "clinic.availabilityexception_updated"
    CLINIC_TIME_OFF_DELETED = "clinic.availabilityexception_deleted"
    CLINIC_HOLIDAY_CREATED = "clinic.clinicclosure_created"
    CLINIC_HOLIDAY_UPDATED = "clinic.clinicclosure_updated"
    CLINIC_HOLIDAY_DELETED = "clinic.clinicclosure_deleted"
    CLINIC_VISIT_TYPE_CREATED = "clinic.appointmenttype_created"
    CLINIC_VISIT_TYPE_UPDATED = "clinic.appointmenttype_updated"
    CLINIC_STAFF_INVITED = "clinic.staff_invited"
    CLINIC_STAFF_LINK_SENT = "clinic.staff_link_sent"
    CLINIC_STAFF_UPDATED = "clinic.staff_updated"
    CLINIC_REPORT_VIEWED = "clinic.report_viewed"
    CLINIC_REPORT_DOWNLOADED = "clinic.report_downloaded"

    CONTACT_INBOX_LISTED = "contact.inbox_listed"
    CONTACT_MARKED_READ = "contact.marked_read"
    CONTACT_MARKED_UNREAD = "contact.marked_unread"
    CONTACT_RECEIVED = "contact.received"
    CONTACT_VIEWED = "contact.viewed"

    DASHBOARD_VIEWED = "dashboard.viewed"

    EVALUATION_CREATED = "evaluation.created"
    EVALUATION_FORM_OPENED = "evaluation.form_opened"
    EVALUATION_VIEWED = "evaluation.viewed"

    HANDOUT_DOWNLOADED = "handout.downloaded"

    OUTBOX_RETRIED = "outbox.retried"
    OUTBOX_VIEWED = "outbox.viewed"

    SMS_CONSENT_GIVEN = "sms.consent_given"
    SMS_OPTED_IN = "sms.opted_in"
    SMS_OPTED_OUT = "sms.opted_out"
    SMS_SINK_VIEWED = "sms.sink_viewed"

    OUTCOME_RECORDED = "outcome.recorded"
    OUTCOME_VIEWED = "outcome.viewed"
    OUTCOME_VOIDED = "outcome.voided"

    OUTCOMES_FORM_OPENED = "outcomes.form_opened"

    PATIENT_CREATED = "patient.created"
    PATIENT_FHIR_BULK_EXPORTED = "patient.fhir_bulk_exported"
    PATIENT_FHIR_EXPORTED = "patient.fhir_exported"
    PATIENT_LIST_VIEWED = "patient.list_viewed"
    PATIENT_MATCH_CONFIRMED = "patient.match_confirmed"
    PATIENT_MATCH_DISMISSED = "patient.match_dismissed"
    PATIENT_MATCH_FLAGGED = "patient.match_flagged"
    PATIENT_MERGED = "patient.merged"
    PATIENT_UPDATED = "patient.updated"
    PATIENT_VIEWED = "patient.viewed"

    PLAN_AMENDED = "plan.amended"
    PLAN_API_GENERATED = "plan.api_generated"
    PLAN_API_REFUSED = "plan.api_refused"
    PLAN_API_REJECTED = "plan.api_rejected"
    PLAN_CHANGE_WITHDRAWN = "plan.change_withdrawn"
    PLAN_CHANGED = "plan.changed"
    PLAN_GENERATED = "plan.generated"
    PLAN_SIGNED = "plan.signed"
    PLAN_VERSION_VIEWED = "plan.version_viewed"
    PLAN_VIEWED = "plan.viewed"

    PORTAL_HANDOUT_DOWNLOADED = "portal.handout_downloaded"
    PORTAL_HANDOUT_REFUSED = "portal.handout_refused"
    PORTAL_INVITED = "portal.invited"
    PORTAL_VIEWED = "portal.viewed"

    STORY_APPROVED = "story.approved"
    STORY_CONSENT_RECORDED = "story.consent_recorded"
    STORY_CONSENT_WITHDRAWN = "story.consent_withdrawn"
    STORY_CREATED = "story.created"
    STORY_LISTED = "story.listed"
    STORY_UNPUBLISHED = "story.unpublished"
    STORY_UPDATED = "story.updated"
    STORY_VIEWED = "story.viewed"

    VISIT_ADDENDUM_ADDED = "visit.addendum_added"
    VISIT_AMENDED = "visit.amended"
    VISIT_CREATED = "visit.created"
    VISIT_FORM_OPENED = "visit.form_opened"
    VISIT_LIST_VIEWED = "visit.list_viewed"
    VISIT_SIGNED = "visit.signed"
    VISIT_SUPERBILL_VIEWED = "visit.superbill_viewed"
    VISIT_UPDATED = "visit.updated"
    VISIT_VIEWED = "visit.viewed"

    # Forms before and between visits, consents, return-to-run programmes (intake/, programmes/).
    CONSENT_SIGNED = "consent.signed"
    CONSENT_WITHDRAWN = "consent.withdrawn"
    FORMS_OPENED = "forms.opened"
    FORMS_REQUESTED = "forms.requested"
    INTAKE_SUBMITTED = "intake.submitted"
    INTAKE_VIEWED = "intake.viewed"
    PORTAL_PROGRAMME_VIEWED = "portal.programme_viewed"
    PROGRAMME_ASSIGNED = "programme.assigned"
    PROGRAMME_OVERRIDDEN = "programme.overridden"
    PROGRAMME_SESSION_LOGGED = "programme.session_logged"
    PROGRAMME_VIEWED = "programme.viewed"
    WAITLIST_ADDED = "waitlist.added"
    WAITLIST_CLAIMED = "waitlist.claimed"
    WAITLIST_OFFERED = "waitlist.offered"
    WAITLIST_REMOVED = "waitlist.removed"
    WAITLIST_VIEWED = "waitlist.viewed"
