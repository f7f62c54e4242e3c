"""Public pages: home, condition page, articles, patient stories, contact."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from fracturecare.knowledge import load_knowledge
from fracturecare.public import selectors, services
from fracturecare.public.condition import condition_page_context, condition_summary
from fracturecare.public.forms import ContactForm
from fracturecare.public.markdown_render import render_markdown
from fracturecare.public.structured_data import article_ld, clinic_ld
from fracturecare.public.templatetags.public_tags import absolute_url
from fracturecare.queryparams import page_of
from fracturecare.ratelimit import client_ip

# The condition the home page introduces, in the knowledge base's own words.
HOME_CONDITION = "stress-fracture"
ARTICLES_PER_PAGE = 12
STORIES_PER_PAGE = 12


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    condition_url = reverse("public:condition", args=[HOME_CONDITION])
    context = {
        "summary": condition_summary(slug=HOME_CONDITION),
        "condition_url": condition_url,
        "articles": list(selectors.articles_published()[:3]),
        "stories": list(selectors.stories_published()[:2]),
        "clinic_ld": clinic_ld(request),
    }
    return render(request, "public/home.html", context)


@require_GET
def condition(request: HttpRequest, slug: str) -> HttpResponse:
    return render(request, "public/condition.html", condition_page_context(request, slug=slug))


@require_GET
def article_list(request: HttpRequest) -> HttpResponse:
    page = page_of(Paginator(selectors.articles_published(), ARTICLES_PER_PAGE), request)
    return render(request, "public/article_list.html", {"page": page})


@require_GET
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    article = selectors.article_published_get(slug=slug)
    context = {
        "article": article,
        "body_html": render_markdown(article.body),
        "article_ld": article_ld(request, article),
    }
    return render(request, "public/article_detail.html", context)


@require_GET
def story_list(request: HttpRequest) -> HttpResponse:
    page = page_of(Paginator(selectors.stories_published(), STORIES_PER_PAGE), request)
    return render(request, "public/story_list.html", {"page": page})


@require_http_methods(["GET", "POST"])
def contact(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "public/contact.html", {"form": ContactForm()})
    form = ContactForm(request.POST)
    if form.is_valid():
        if form.is_spam:
            # Answer a bot exactly as a person, so it learns nothing; keep nothing.
            return redirect("public:contact_sent")
        data = form.cleaned_data
        try:
            services.contact_message_submit(
                name=data["name"],
                email=data["email"],
                phone=data["phone"],
                message=data["message"],
                ip_address=client_ip(request),
                request=request,
            )
        except services.RateLimited as exc:
            form.add_error(None, str(exc))
            response = render(request, "public/contact.html", {"form": form}, status=429)
            response["Retry-After"] = str(services.CONTACT_WINDOW_SECONDS)
            return response
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("public:contact_sent")
    return render(request, "public/contact.html", {"form": form}, status=400)


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /clinic/",
        "Disallow: /accounts/",
        "Disallow: /api/",
        f"Sitemap: {absolute_url(reverse('public:sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


@require_GET
def sitemap_xml(request: HttpRequest) -> HttpResponse:
    """The public pages search engines may index: home, condition pages, articles, stories, contact."""
    kb = load_knowledge()
    urls = [absolute_url(reverse("public:home"))]
    urls += [absolute_url(reverse("public:condition", args=[p["slug"]])) for p in kb.patient_education]
    urls += [absolute_url(reverse(name)) for name in ("public:article_list", "public:story_list", "public:contact")]
    articles = [
        (absolute_url(reverse("public:article_detail", args=[a.slug])), a.updated_at)
        for a in selectors.articles_published().only("slug", "updated_at")
    ]
    context = {"urls": urls, "articles": articles}
    return render(request, "public/sitemap.xml", context, content_type="application/xml")


@require_GET
def contact_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "public/contact_sent.html")
