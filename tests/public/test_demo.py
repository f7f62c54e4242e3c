"""The public demo content loads, is idempotent, and shows on the site."""

from __future__ import annotations

import io

import pytest

from fracturecare.public import demo
from fracturecare.public.models import Article, PatientStory

pytestmark = pytest.mark.django_db


def test_demo_content_is_idempotent_and_visible(client):
    demo.load(io.StringIO())
    demo.load(io.StringIO())
    assert Article.objects.filter(status="published").count() == 2
    assert PatientStory.objects.count() == 3
    assert PatientStory.objects.filter(approved_at__isnull=False, consent_recorded_at__isnull=False).count() == 2
    stories = client.get("/stories/").content.decode()
    assert "Maria (demo story)" in stories and "Waiting for consent" not in stories
    for article in Article.objects.all():
        response = client.get(f"/articles/{article.slug}/")
        assert response.status_code == 200
        assert "Sources" in response.content.decode()
