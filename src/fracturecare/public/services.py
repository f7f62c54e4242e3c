"""Writes for the public site: contact messages, patient stories and articles.

Stories and contact messages can hold health details a patient chose to share, so every
write (and, in the selectors' callers, every staff read) leaves an audit event.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import slugify

from fracturecare.accounts.models import User
from fracturecare.audit.actions import AuditAction
from fracturecare.audit.services import audit_record
from fracturecare.public.models import Article, ArticleStatus, ContactMessage, PatientStory
from fracturecare.ratelimit import RateLimited, client_key_for

# A person who needs to reach the clinic rarely writes more than a few times an hour; a
# script does. Past this, the form answers 429 and points to the phone instead.
CONTACT_LIMIT_PER_HOUR = 5
CONTACT_WINDOW_SECONDS = 3600
CONTACT_RATE_LIMITED = "You have sent several messages in the last hour. Please call or text us instead."


@transaction.atomic
def contact_message_submit(
    *,
    name: str,
    email: str = "",
    phone: str = "",
    message: str,
    ip_address: str | None = None,
    request: HttpRequest | None = None,
) -> ContactMessage:
    """Store a message from the public contact form, or raise RateLimited / ValidationError."""
    key = client_key_for(ip_address)
    if key:
        since = timezone.now() - timedelta(seconds=CONTACT_WINDOW_SECONDS)
        recent = ContactMessage.objects.filter(client_key=key, created_at__gte=since).count()
        if recent >= CONTACT_LIMIT_PER_HOUR:
            raise RateLimited(CONTACT_RATE_LIMITED)
    msg = ContactMessage(
        name=name.strip(), email=email.strip(), phone=phone.strip(), message=message.strip(), client_key=key
    )
    msg.full_clean()
    msg.save()
    audit_record(action=AuditAction.CONTACT_RECEIVED, obj=msg, request=request, actor_label="public contact form")
    return msg


@transaction.atomic
def contact_message_set_read(
    *, message: ContactMessage, actor: User, read: bool = True, request: HttpRequest | None = None
) -> ContactMessage:
    """Mark a message read (by `actor`, now) or back to unread."""
    if read and message.read_at is None:
        message.read_at, message.read_by = timezone.now(), actor
    elif not read:
        message.read_at, message.read_by = None, None
    else:
        return message
    message.full_clean()
    message.save(update_fields=["read_at", "read_by"])
    audit_record(
        actor=actor,
        action=AuditAction.CONTACT_MARKED_READ if read else AuditAction.CONTACT_MARKED_UNREAD,
        obj=message,
        request=request,
    )
    return message


STORY_FIELDS = ("display_name", "headline", "body")


@transaction.atomic
def story_create(
    *, actor: User, display_name: str, headline: str, body: str, request: HttpRequest | None = None
) -> PatientStory:
    """Add a story as a draft: it stays off the site until consent is recorded and it is approved."""
    story = PatientStory(display_name=display_name, headline=headline, body=body)
    story.full_clean()
    story.save()
    audit_record(actor=actor, action=AuditAction.STORY_CREATED, obj=story, request=request)
    return story


@transaction.atomic
def story_update(
    *, story: PatientStory, actor: User, request: HttpRequest | None = None, **fields: str
) -> PatientStory:
    """Change a story's text. Editing the words withdraws approval: the new text needs a fresh look."""
    unknown = set(fields) - set(STORY_FIELDS)
    if unknown:
        raise TypeError(f"story_update got unexpected fields: {sorted(unknown)}")
    changed = [f for f, v in fields.items() if getattr(story, f) != v]
    if not changed:
        return story
    for field in changed:
        setattr(story, field, fields[field])
    story.approved_at, story.approved_by = None, None
    story.full_clean()
    story.save()
    audit_record(actor=actor, action=AuditAction.STORY_UPDATED, obj=story, data={"fields": changed}, request=request)
    return story


@transaction.atomic
def story_record_consent(
    *, story: PatientStory, actor: User, note: str, request: HttpRequest | None = None
) -> PatientStory:
    """Record that the patient agreed in writing to publication, and how."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"consent_note": "Say how the patient gave consent (e.g. signed release form)."})
    story.consent_recorded_at, story.consent_recorded_by, story.consent_note = timezone.now(), actor, note
    story.full_clean()
    story.save()
    audit_record(actor=actor, action=AuditAction.STORY_CONSENT_RECORDED, obj=story, request=request)
    return story


@transaction.atomic
def story_withdraw_consent(*, story: PatientStory, actor: User, request: HttpRequest | None = None) -> PatientStory:
    """The patient withdrew consent: take the story down and clear the consent together."""
    story.approved_at, story.approved_by = None, None
    story.consent_recorded_at, story.consent_recorded_by, story.consent_note = None, None, ""
    story.full_clean()
    story.save()
    audit_record(actor=actor, action=AuditAction.STORY_CONSENT_WITHDRAWN, obj=story, request=request)
    return story


@transaction.atomic
def story_approve(*, story: PatientStory, actor: User, request: HttpRequest | None = None) -> PatientStory:
    """Publish a story. Refused unless the patient's consent is on record."""
    if story.consent_recorded_at is None:
        raise ValidationError("Record the patient's consent before approving this story.")
    story.approved_at, story.approved_by = timezone.now(), actor
    story.full_clean()
    story.save()
    audit_record(actor=actor, action=AuditAction.STORY_APPROVED, obj=story, request=request)
    return story


@transaction.atomic
def story_unpublish(*, story: PatientStory, actor: User, request: HttpRequest | None = None) -> PatientStory:
    """Take a story off the site, keeping the consent record."""
    story.approved_at, story.approved_by = None, None
    story.full_clean()
    story.save()
    audit_record(actor=actor, action=AuditAction.STORY_UNPUBLISHED, obj=story, request=request)
    return story


def _unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(title)[:150] or "article"
    slug, n = base, 2
    taken = Article.objects.exclude(pk=exclude_pk) if exclude_pk else Article.objects.all()
    while taken.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


ARTICLE_FIELDS = ("title", "slug", "summary", "body", "status")


def _apply_status(article: Article, status: str) -> None:
    article.status = status
    if status == ArticleStatus.PUBLISHED and article.published_at is None:
        article.published_at = timezone.now()


@transaction.atomic
def article_create(
    *,
    actor: User,
    title: str,
    summary: str,
    body: str,
    slug: str = "",
    status: str = ArticleStatus.DRAFT,
    request: HttpRequest | None = None,
) -> Article:
    """Create an article; an empty slug is made from the title."""
    article = Article(title=title, summary=summary, body=body, author=actor, slug=slug or _unique_slug(title))
    _apply_status(article, status)
    article.full_clean()
    article.save()
    audit_record(actor=actor, action=AuditAction.ARTICLE_CREATED, obj=article, data={"status": status}, request=request)
    return article


@transaction.atomic
def article_update(*, article: Article, actor: User, request: HttpRequest | None = None, **fields: str) -> Article:
    """Change an article. Publishing stamps the first publication date; it is kept on later edits."""
    unknown = set(fields) - set(ARTICLE_FIELDS)
    if unknown:
        raise TypeError(f"article_update got unexpected fields: {sorted(unknown)}")
    status = fields.pop("status", article.status)
    for field, value in fields.items():
        setattr(article, field, value)
    if not article.slug:
        article.slug = _unique_slug(article.title, exclude_pk=article.pk)
    _apply_status(article, status)
    article.full_clean()
    article.save()
    audit_record(actor=actor, action=AuditAction.ARTICLE_UPDATED, obj=article, data={"status": status}, request=request)
    return article
