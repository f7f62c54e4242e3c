"""Template context shared by every page."""

from django.http import HttpRequest

from fracturecare.clinic.selectors import clinic_details


def clinic(request: HttpRequest) -> dict:
    """Expose the clinic's public contact details (from the clinic profile) to templates."""
    return {"clinic": clinic_details()}
