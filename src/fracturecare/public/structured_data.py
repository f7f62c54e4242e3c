"""schema.org JSON-LD for the public pages (rendered by the `ld_json` template filter)."""

from __future__ import annotations

from django.urls import reverse

from fracturecare.clinic.selectors import clinic_details
from fracturecare.public.templatetags.public_tags import absolute_url

SCHEMA_ORG = "https://schema.org"


def _clinic_ref() -> dict:
    clinic = clinic_details()
    return {
        "@type": "MedicalClinic",
        "name": clinic["name"],
        "url": absolute_url("/"),
        "telephone": clinic["phone"],
    }


def clinic_ld(request=None) -> dict:
    """The clinic itself, for the home page."""
    clinic = clinic_details()
    return {"@context": SCHEMA_ORG, **_clinic_ref(), "email": clinic["email"]}


def article_ld(request, article) -> dict:
    """An article page."""
    data = {
        "@context": SCHEMA_ORG,
        "@type": "Article",
        "headline": article.title,
        "description": article.summary,
        "url": absolute_url(reverse("public:article_detail", args=[article.slug])),
        "dateModified": article.updated_at.isoformat(),
        "publisher": _clinic_ref(),
    }
    if article.published_at:
        data["datePublished"] = article.published_at.isoformat()
    return data
