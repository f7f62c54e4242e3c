"""What the public site publishes (patient stories, articles) and what it receives (contact messages)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class PatientStory(models.Model):
    """A patient's own account of their care, shown on the site only with consent and approval.

    The database refuses an approved story without recorded consent, so no code path
    (a form, the shell, a data migration) can publish one by mistake.
    """

    display_name = models.CharField(
        max_length=80, help_text="How the patient agreed to be named, e.g. “Maria, marathon runner”."
    )
    headline = models.CharField(max_length=120)
    body = models.TextField(max_length=2000)
    consent_recorded_at = models.DateTimeField(null=True, blank=True)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    consent_note = models.CharField(
        max_length=200,
        blank=True,
        help_text="How consent was given, e.g. “signed release form, filed 3 May”.",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-approved_at", "-created_at", "-id"]
        verbose_name_plural = "patient stories"
        constraints = [
            models.CheckConstraint(
                condition=Q(approved_at__isnull=True) | Q(consent_recorded_at__isnull=False),
                name="story_published_needs_consent",
            ),
        ]
        indexes = [models.Index(fields=["approved_at"])]

    def __str__(self) -> str:
        return f"{self.display_name}: {self.headline}"

    @property
    def has_consent(self) -> bool:
        return self.consent_recorded_at is not None

    @property
    def is_published(self) -> bool:
        return self.approved_at is not None and self.consent_recorded_at is not None


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class Article(models.Model):
    """A short piece for patients, written in Markdown and rendered through a sanitiser."""

    title = models.CharField(max_length=150)
    slug = models.SlugField(max_length=160, unique=True)
    summary = models.CharField(max_length=300, help_text="One or two sentences; used in lists and search results.")
    body = models.TextField(max_length=30000, help_text="Markdown. Raw HTML and scripts are removed.")
    status = models.CharField(max_length=10, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_at", "-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ArticleStatus.values), name="article_status_valid"),
            models.CheckConstraint(
                condition=~Q(status=ArticleStatus.PUBLISHED) | Q(published_at__isnull=False),
                name="article_published_has_date",
            ),
        ]
        indexes = [models.Index(fields=["status", "published_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == ArticleStatus.PUBLISHED


class ContactMessage(models.Model):
    """A message sent through the public contact form; it lands in the front desk's inbox."""

    name = models.CharField(max_length=100)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=32, blank=True)
    message = models.TextField(max_length=3000)
    # A keyed hash of the sender's address: enough to rate-limit, useless to identify anyone.
    client_key = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(email="") | ~Q(phone=""), name="contact_has_email_or_phone"),
            models.CheckConstraint(
                condition=Q(read_by__isnull=True) | Q(read_at__isnull=False), name="contact_reader_has_time"
            ),
        ]
        indexes = [
            models.Index(fields=["client_key", "created_at"]),
            models.Index(fields=["read_at", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.created_at:%Y-%m-%d})"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
