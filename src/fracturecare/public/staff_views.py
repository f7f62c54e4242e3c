"""Staff pages under /clinic/: the front desk's inbox, and the site's stories and articles.

The inbox is open to all clinic staff; stories and articles to the front desk and the clinic
admin, who run the website. Anyone else signed in gets 403; anonymous visitors go to the
login page (role_required).
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fracturecare.accounts.models import Role
from fracturecare.accounts.permissions import STAFF, role_required, signed_in_user
from fracturecare.audit.actions import AuditAction
from fracturecare.audit.services import audit_record
from fracturecare.public import selectors, services
from fracturecare.public.forms import ArticleForm, ConsentForm, StoryForm
from fracturecare.public.markdown_render import render_markdown
from fracturecare.public.models import Article, ContactMessage, PatientStory
from fracturecare.queryparams import page_of

# The front desk reads the inbox; any colleague may help answer it.
INBOX_READERS = STAFF
# Stories and articles are the website's voice: the front desk and the clinic admin run it.
SITE_EDITORS = (Role.FRONT_DESK, Role.CLINIC_ADMIN)
INBOX_PER_PAGE = 25
ADMIN_LIST_PER_PAGE = 50


def _apply_validation_error(form: BaseForm, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form's fields where they exist, else on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


# --- inbox ---------------------------------------------------------------------------------


@require_GET
@role_required(*INBOX_READERS)
def inbox(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("show") == "unread"
    page = page_of(Paginator(selectors.inbox_messages(unread_only=unread_only), INBOX_PER_PAGE), request)
    audit_record(
        actor=request.user,
        action=AuditAction.CONTACT_INBOX_LISTED,
        data={"ids": [m.pk for m in page.object_list]},
        request=request,
    )
    context = {"page": page, "unread_only": unread_only, "unread_count": selectors.inbox_unread_count()}
    return render(request, "public/staff/inbox.html", context)


@require_GET
@role_required(*INBOX_READERS)
def inbox_message(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(selectors.inbox_messages(), pk=pk)
    audit_record(actor=request.user, action=AuditAction.CONTACT_VIEWED, obj=message, request=request)
    # Opening a message is reading it; "mark unread" puts it back for a colleague.
    services.contact_message_set_read(message=message, actor=signed_in_user(request), read=True, request=request)
    return render(request, "public/staff/inbox_message.html", {"message": message})


@require_POST
@role_required(*INBOX_READERS)
def inbox_mark(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(ContactMessage, pk=pk)
    read = request.POST.get("read") == "1"
    services.contact_message_set_read(message=message, actor=signed_in_user(request), read=read, request=request)
    messages.success(request, f"Message from {message.name} marked {'read' if read else 'unread'}.")
    return redirect("public:inbox")


# --- patient stories -----------------------------------------------------------------------


@require_GET
@role_required(*SITE_EDITORS)
def story_admin_list(request: HttpRequest) -> HttpResponse:
    page = page_of(Paginator(selectors.stories_for_staff(), ADMIN_LIST_PER_PAGE), request)
    # The list names patients whose stories the clinic holds and whether they consented.
    audit_record(actor=request.user, action=AuditAction.STORY_LISTED,
                 data={"ids": [story.pk for story in page.object_list]}, request=request)
    return render(request, "public/staff/story_list.html", {"page": page})


@require_http_methods(["GET", "POST"])
@role_required(*SITE_EDITORS)
def story_admin_create(request: HttpRequest) -> HttpResponse:
    form = StoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            story = services.story_create(actor=signed_in_user(request), request=request, **form.cleaned_data)
        except ValidationError as exc:
            _apply_validation_error(form, exc)
        else:
            messages.success(request, "Story saved as a draft. Record consent, then approve it to publish.")
            return redirect("public:story_admin_edit", pk=story.pk)
    status = 400 if form.errors else 200
    return render(request, "public/staff/story_form.html", {"form": form, "story": None}, status=status)


@require_http_methods(["GET", "POST"])
@role_required(*SITE_EDITORS)
def story_admin_edit(request: HttpRequest, pk: int) -> HttpResponse:
    story = get_object_or_404(PatientStory, pk=pk)
    if request.method == "GET":
        audit_record(actor=request.user, action=AuditAction.STORY_VIEWED, obj=story, request=request)
    initial = {f: getattr(story, f) for f in services.STORY_FIELDS}
    form = StoryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        was_published = story.is_published
        try:
            services.story_update(story=story, actor=signed_in_user(request), request=request, **form.cleaned_data)
        except ValidationError as exc:
            _apply_validation_error(form, exc)
        else:
            note = (
                " It was taken off the site: approve it again to republish."
                if (was_published and not story.is_published)
                else ""
            )
            messages.success(request, "Story saved." + note)
            return redirect("public:story_admin_edit", pk=story.pk)
    context = {"form": form, "story": story, "consent_form": ConsentForm()}
    return render(request, "public/staff/story_form.html", context, status=400 if form.errors else 200)


def _story_action(
    request: HttpRequest, pk: int, action: Callable[..., PatientStory], done: str, *, consent: bool = False
) -> HttpResponse:
    """Run one publishing step on a story; a refusal re-renders the story page with the reason."""
    story = get_object_or_404(PatientStory, pk=pk)
    consent_form = ConsentForm(request.POST if consent else None)
    try:
        if consent:
            if not consent_form.is_valid():
                raise ValidationError({"consent_note": consent_form.errors.get("consent_note")})
            action(
                story=story,
                actor=signed_in_user(request),
                note=consent_form.cleaned_data["consent_note"],
                request=request,
            )
        else:
            action(story=story, actor=signed_in_user(request), request=request)
    except ValidationError as exc:
        story.refresh_from_db()
        form = StoryForm(initial={f: getattr(story, f) for f in services.STORY_FIELDS})
        if consent:
            consent_form = ConsentForm(request.POST)
            consent_form.full_clean()
            if not consent_form.errors:
                _apply_validation_error(consent_form, exc)
        else:
            consent_form = ConsentForm()
        context = {"form": form, "story": story, "consent_form": consent_form, "action_errors": exc.messages}
        return render(request, "public/staff/story_form.html", context, status=400)
    messages.success(request, done)
    return redirect("public:story_admin_edit", pk=story.pk)


@require_POST
@role_required(*SITE_EDITORS)
def story_admin_consent(request: HttpRequest, pk: int) -> HttpResponse:
    return _story_action(request, pk, services.story_record_consent, "Consent recorded.", consent=True)


@require_POST
@role_required(*SITE_EDITORS)
def story_admin_withdraw_consent(request: HttpRequest, pk: int) -> HttpResponse:
    return _story_action(
        request, pk, services.story_withdraw_consent, "Consent withdrawn; the story is off the website."
    )


@require_POST
@role_required(*SITE_EDITORS)
def story_admin_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _story_action(request, pk, services.story_approve, "Story approved: it is now on the website.")


@require_POST
@role_required(*SITE_EDITORS)
def story_admin_unpublish(request: HttpRequest, pk: int) -> HttpResponse:
    return _story_action(request, pk, services.story_unpublish, "Story taken off the website.")


# --- articles ------------------------------------------------------------------------------


@require_GET
@role_required(*SITE_EDITORS)
def article_admin_list(request: HttpRequest) -> HttpResponse:
    page = page_of(Paginator(selectors.articles_for_staff(), ADMIN_LIST_PER_PAGE), request)
    return render(request, "public/staff/article_list.html", {"page": page})


@require_http_methods(["GET", "POST"])
@role_required(*SITE_EDITORS)
def article_admin_create(request: HttpRequest) -> HttpResponse:
    form = ArticleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            article = services.article_create(actor=signed_in_user(request), request=request, **form.cleaned_data)
        except ValidationError as exc:
            _apply_validation_error(form, exc)
        else:
            messages.success(request, f"Article saved ({article.get_status_display().lower()}).")
            return redirect("public:article_admin_edit", pk=article.pk)
    return render(
        request,
        "public/staff/article_form.html",
        {"form": form, "article": None},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@role_required(*SITE_EDITORS)
def article_admin_edit(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article, pk=pk)
    initial = {f: getattr(article, f) for f in services.ARTICLE_FIELDS}
    form = ArticleForm(request.POST or None, initial=initial, instance=article)
    if request.method == "POST" and form.is_valid():
        try:
            services.article_update(
                article=article, actor=signed_in_user(request), request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            _apply_validation_error(form, exc)
        else:
            messages.success(request, f"Article saved ({article.get_status_display().lower()}).")
            return redirect("public:article_admin_edit", pk=article.pk)
    context = {"form": form, "article": article, "preview": render_markdown(article.body)}
    return render(request, "public/staff/article_form.html", context, status=400 if form.errors else 200)
