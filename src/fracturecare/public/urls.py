from django.urls import path

from fracturecare.public import staff_views, views

app_name = "public"

_STORY = "clinic/site/stories/<int:pk>/"

urlpatterns = [
    path("", views.home, name="home"),
    path("conditions/<slug:slug>/", views.condition, name="condition"),
    path("articles/", views.article_list, name="article_list"),
    path("articles/<slug:slug>/", views.article_detail, name="article_detail"),
    path("stories/", views.story_list, name="story_list"),
    path("contact/", views.contact, name="contact"),
    path("contact/sent/", views.contact_sent, name="contact_sent"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("sitemap.xml", views.sitemap_xml, name="sitemap"),
    # Staff pages: the front desk's inbox, and the website's stories and articles.
    path("clinic/inbox/", staff_views.inbox, name="inbox"),
    path("clinic/inbox/<int:pk>/", staff_views.inbox_message, name="inbox_message"),
    path("clinic/inbox/<int:pk>/mark/", staff_views.inbox_mark, name="inbox_mark"),
    path("clinic/site/stories/", staff_views.story_admin_list, name="story_admin_list"),
    path("clinic/site/stories/new/", staff_views.story_admin_create, name="story_admin_create"),
    path(_STORY, staff_views.story_admin_edit, name="story_admin_edit"),
    path(_STORY + "consent/", staff_views.story_admin_consent, name="story_admin_consent"),
    path(
        _STORY + "withdraw-consent/",
        staff_views.story_admin_withdraw_consent,
        name="story_admin_withdraw_consent",
    ),
    path(_STORY + "approve/", staff_views.story_admin_approve, name="story_admin_approve"),
    path(_STORY + "unpublish/", staff_views.story_admin_unpublish, name="story_admin_unpublish"),
    path("clinic/site/articles/", staff_views.article_admin_list, name="article_admin_list"),
    path("clinic/site/articles/new/", staff_views.article_admin_create, name="article_admin_create"),
    path("clinic/site/articles/<int:pk>/", staff_views.article_admin_edit, name="article_admin_edit"),
]
