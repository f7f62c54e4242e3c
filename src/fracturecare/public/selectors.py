"""Reads for the public site and its staff pages. Each returns a bounded number of queries."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from fracturecare.public.models import Article, ArticleStatus, ContactMessage, PatientStory


def stories_published() -> QuerySet[PatientStory]:
    """Stories a visitor may see: approved AND with the patient's consent on record."""
    return PatientStory.objects.filter(approved_at__isnull=False, consent_recorded_at__isnull=False).order_by(
        "-approved_at", "-id"
    )


def stories_for_staff() -> QuerySet[PatientStory]:
    """Every story, newest first, with the people who recorded consent and approved it."""
    return PatientStory.objects.select_related("consent_recorded_by", "approved_by").order_by("-created_at", "-id")


def articles_published() -> QuerySet[Article]:
    """Published articles, newest first. The body is left out: lists show the summary."""
    return Article.objects.filter(status=ArticleStatus.PUBLISHED).defer("body").order_by("-published_at", "-id")


def article_published_get(*, slug: str) -> Article:
    """One published article by slug, or 404 (drafts are invisible to the public)."""
    return get_object_or_404(Article, slug=slug, status=ArticleStatus.PUBLISHED)


def articles_for_staff() -> QuerySet[Article]:
    return Article.objects.select_related("author").defer("body").order_by("-updated_at", "-id")


def inbox_messages(*, unread_only: bool = False) -> QuerySet[ContactMessage]:
    """Contact messages for the front desk, newest first."""
    qs = ContactMessage.objects.select_related("read_by").order_by("-created_at", "-id")
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs


def inbox_unread_count() -> int:
    return ContactMessage.objects.filter(read_at__isnull=True).count()
