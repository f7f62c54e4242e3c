"""Input forms for the public contact page and the staff pages that manage the site."""

from __future__ import annotations

import re

from django import forms

from fracturecare.public.models import Article, ArticleStatus

_PHONE_CHARS = re.compile(r"^[0-9+()\-.\s]{7,32}$")


class _Form(forms.Form):
    """A form whose labels read as plain words (no trailing colon)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class ContactForm(_Form):
    """Name, a way to reply (email or phone), and a message. `website` is a honeypot."""

    name = forms.CharField(max_length=100, label="Your name", widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(
        required=False,
        label="Email",
        help_text="Email or phone: we need one of them to reply.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        max_length=32,
        required=False,
        label="Phone",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    message = forms.CharField(
        max_length=3000,
        label="Message",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Please do not include urgent medical details. In an emergency call 911.",
    )
    # People never see this field (it is hidden with CSS and labelled "leave blank"); bots fill it.
    website = forms.CharField(
        required=False, label="Leave this field blank", widget=forms.TextInput(attrs={"autocomplete": "off"})
    )

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if phone and not _PHONE_CHARS.match(phone):
            raise forms.ValidationError("Enter a phone number using digits, spaces, +, -, ( and ).")
        if phone and sum(c.isdigit() for c in phone) < 7:
            raise forms.ValidationError("This phone number looks too short.")
        return phone

    def clean_message(self) -> str:
        message = self.cleaned_data["message"].strip()
        if len(message) < 2:
            raise forms.ValidationError("Please write a short message.")
        return message

    def clean(self):
        data = super().clean()
        if not self.errors.get("email") and not self.errors.get("phone"):
            if not data.get("email") and not data.get("phone"):
                msg = "Give an email address or a phone number so we can reply."
                self.add_error("email", msg)
                self.add_error("phone", msg)
        return data

    @property
    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("website"))


class StoryForm(_Form):
    display_name = forms.CharField(
        max_length=80,
        label="Name shown",
        help_text="Exactly as the patient agreed to be named, e.g. “Maria, marathon runner”.",
    )
    headline = forms.CharField(max_length=120)
    body = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 8}), label="Story")


class ConsentForm(_Form):
    consent_note = forms.CharField(
        max_length=200,
        label="How consent was given",
        help_text="For example: signed release form, scanned to the patient's file on 3 May.",
    )


class ArticleForm(_Form):
    title = forms.CharField(max_length=150)
    slug = forms.SlugField(
        max_length=160, required=False, help_text="The web address. Leave empty to make one from the title."
    )
    summary = forms.CharField(max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
    body = forms.CharField(
        max_length=30000,
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text="Markdown: ## for headings, **bold**, - for lists, [text](https://…) for links.",
    )
    status = forms.ChoiceField(choices=ArticleStatus.choices)

    def __init__(self, *args, instance: Article | None = None, **kwargs):
        self.instance = instance
        super().__init__(*args, **kwargs)

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        if slug:
            taken = Article.objects.filter(slug=slug)
            if self.instance is not None:
                taken = taken.exclude(pk=self.instance.pk)
            if taken.exists():
                raise forms.ValidationError("Another article already uses this address.")
        return slug
