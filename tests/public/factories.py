"""Factories for the public site's models."""

from __future__ import annotations

import factory
from django.utils import timezone

from fracturecare.public.models import Article, ArticleStatus, ContactMessage, PatientStory


class PatientStoryFactory(factory.django.DjangoModelFactory):
    """A draft story: no consent, not approved. Use the `published` trait for a visible one."""

    class Meta:
        model = PatientStory

    display_name = factory.Sequence(lambda n: f"Runner {n}")
    headline = factory.Sequence(lambda n: f"Back to running, story {n}")
    body = "I was walking without pain after a few weeks and running again later that season."

    class Params:
        consented = factory.Trait(
            consent_recorded_at=factory.LazyFunction(timezone.now), consent_note="signed release form"
        )
        published = factory.Trait(
            consent_recorded_at=factory.LazyFunction(timezone.now),
            consent_note="signed release form",
            approved_at=factory.LazyFunction(timezone.now),
        )


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Article number {n}")
    slug = factory.Sequence(lambda n: f"article-{n}")
    summary = "A short summary."
    body = "## A heading\n\nSome **text**."
    status = ArticleStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    class Params:
        draft = factory.Trait(status=ArticleStatus.DRAFT, published_at=None)


class ContactMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactMessage

    name = factory.Sequence(lambda n: f"Sender {n}")
    email = factory.Sequence(lambda n: f"sender{n}@example.test")
    message = "Do you treat stress fractures of the foot?"
