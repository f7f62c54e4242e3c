"""Template context shared by every page."""

from django.conf import settings


def clinic(request):
    """Expose the clinic's public contact details to templates."""
    return {"clinic": settings.CLINIC}
