"""Articles: Markdown rendered safely, drafts hidden, slugs, staff editing."""

from __future__ import annotations

import pytest

from fracturecare.accounts.models import Role
from fracturecare.public.markdown_render import render_markdown
from fracturecare.public.models import Article, ArticleStatus
from tests.public.factories import ArticleFactory

pytestmark = pytest.mark.django_db

HOSTILE = """# Title

Hello <script>alert('x')</script> world.

<img src=x onerror="alert(1)"> <iframe src="https://evil.example"></iframe>
<a href="javascript:alert(1)">click</a> [also](javascript:alert(2))
<p style="position:fixed" onclick="steal()">styled</p>
"""


def test_markdown_renders_and_script_is_stripped():
    html = str(render_markdown(HOSTILE))
    lowered = html.lower()
    for bad in ("<script", "alert('x')", "onerror", "<iframe", "javascript:", "onclick", "style=", "<img"):
        assert bad not in lowered, bad
    assert "<h2>Title</h2>" in html  # the page keeps the single <h1>
    assert "Hello" in html and "world." in html


def test_markdown_keeps_ordinary_formatting():
    html = str(render_markdown("## Rest\n\n- **Walk** first\n- then [read](https://example.org)\n"))
    assert "<h2>Rest</h2>" in html
    assert "<strong>Walk</strong>" in html
    assert '<a href="https://example.org" rel="noopener noreferrer">read</a>' in html


def test_the_article_page_serves_sanitised_html(client):
    article = ArticleFactory(body=HOSTILE)
    response = client.get(f"/articles/{article.slug}/")
    assert response.status_code == 200
    body = response.content.decode().lower()
    assert "alert('x')" not in body and "javascript:" not in body and "onerror" not in body


def test_the_article_page_has_article_json_ld_and_a_canonical_url(client):
    import json

    from tests.public.html_tree import parse

    article = ArticleFactory(title="Walk before you run", slug="walk-before-you-run", summary="Why.")
    tree = parse(client.get("/articles/walk-before-you-run/").content.decode())
    data = json.loads(tree.find("script", type="application/ld+json").text)
    assert data["@type"] == "Article" and data["headline"] == "Walk before you run"
    assert data["url"] == "http://127.0.0.1:8000/articles/walk-before-you-run/"
    assert data["datePublished"] == article.published_at.isoformat()
    assert tree.find("link", rel="canonical").attrs["href"] == data["url"]
    assert tree.find("meta", name="description").attrs["content"] == "Why."


def test_drafts_are_not_public(client):
    draft = ArticleFactory(draft=True, title="Secret draft")
    assert client.get(f"/articles/{draft.slug}/").status_code == 404
    assert "Secret draft" not in client.get("/articles/").content.decode()


def test_article_list_and_detail(client):
    article = ArticleFactory(title="Rest is not doing nothing", summary="What relative rest means.")
    html = client.get("/articles/").content.decode()
    assert "Rest is not doing nothing" in html and "What relative rest means." in html
    assert client.get(f"/articles/{article.slug}/").status_code == 200


def test_staff_write_a_draft_then_publish(client, login):
    user = login(Role.CLINIC_ADMIN)
    response = client.post(
        "/clinic/site/articles/new/",
        {
            "title": "Calcium and vitamin D",
            "slug": "",
            "summary": "Why they matter.",
            "body": "Text.",
            "status": "draft",
        },
    )
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.slug == "calcium-and-vitamin-d"
    assert article.author == user and article.published_at is None
    assert client.get("/articles/calcium-and-vitamin-d/").status_code == 404
    data = {
        "title": article.title,
        "slug": article.slug,
        "summary": article.summary,
        "body": "Text.",
        "status": "published",
    }
    assert client.post(f"/clinic/site/articles/{article.pk}/", data).status_code == 302
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED and article.published_at is not None
    assert client.get("/articles/calcium-and-vitamin-d/").status_code == 200


def test_same_title_gets_a_distinct_slug_and_taken_slug_is_an_error(client, login):
    login(Role.FRONT_DESK)
    base = {"title": "Same", "slug": "", "summary": "s", "body": "b", "status": "draft"}
    client.post("/clinic/site/articles/new/", base)
    client.post("/clinic/site/articles/new/", base)
    assert sorted(Article.objects.values_list("slug", flat=True)) == ["same", "same-2"]
    response = client.post("/clinic/site/articles/new/", {**base, "slug": "same"})
    assert response.status_code == 400
    assert "slug" in response.context["form"].errors
    assert Article.objects.count() == 2


def test_the_database_refuses_a_published_article_without_a_date():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.create(title="t", slug="t", summary="s", body="b", status="published", published_at=None)


def test_robots_and_sitemap_list_public_pages_only(client):
    article = ArticleFactory(slug="public-one")
    ArticleFactory(slug="secret-draft", draft=True)
    robots = client.get("/robots.txt")
    assert robots["Content-Type"].startswith("text/plain")
    assert "Disallow: /clinic/" in robots.content.decode()
    assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in robots.content.decode()
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "<loc>http://127.0.0.1:8000/conditions/stress-fracture/</loc>" in sitemap
    assert f"<loc>http://127.0.0.1:8000/articles/{article.slug}/</loc>" in sitemap
    assert "secret-draft" not in sitemap and "/clinic/" not in sitemap


def test_a_missing_page_gets_the_site_404_page(client):
    response = client.get("/articles/no-such-article/")
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()
