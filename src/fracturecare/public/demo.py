"""Demo content for the public site: two published articles, two published stories, one draft.

Idempotent: an article is matched by slug and a story by its headline; existing ones are left
alone. The stories are invented for the demo and say so; the articles restate facts from the
project's cited references (sources listed at the end of each article).
"""

from __future__ import annotations

from typing import TypedDict

from fracturecare.accounts.models import Role, User
from fracturecare.public import services
from fracturecare.public.models import Article, ArticleStatus, PatientStory

ARTICLES = [
    {
        "slug": "relative-rest-after-a-stress-fracture",
        "title": "Relative rest after a stress fracture: what it means",
        "summary": "Rest does not have to mean doing nothing. How to keep fit while the bone heals, and the "
        "checks that come before running again.",
        "body": """\
A stress fracture heals when the bone gets a break from the load that caused it. Doctors call this
**relative rest**: you stop, or cut back, the activity that hurts, but you do not have to stop
moving altogether.

## Keeping fit while the bone heals

- If ordinary walking does not hurt, walking is usually fine.
- Exercise that puts little load through the bone, such as cycling, swimming or running in deep
  water, can keep up your fitness, as long as it causes no pain.
- If walking itself hurts, your clinician may suggest a walking boot or crutches for a few weeks.

Some stress fractures, such as those in the hip or the navicular bone of the foot, need stricter
protection. Your doctor will tell you if that applies to you.

## Before you run again

A review of 50 studies on return to running after shin-bone stress injuries found that
clinicians look for five things before running starts again:

1. the bone is no longer tender when pressed;
2. walking is pain-free;
3. for high-risk sites, imaging shows the bone has healed;
4. strength and loading tests are passed (often hopping on the injured leg without pain);
5. the things that led to the injury have been found and dealt with.

Running then comes back gradually, usually with a walk–run plan that builds up over a few
weeks. If the bone starts to hurt again, step back a stage and tell your clinician.

## Small changes that lower the load

Taking slightly shorter, quicker steps when you run lowers the load on your bones with each
step. It is one of the changes a physical therapist may suggest when stress injuries keep coming
back.

## Sources

- Patel DS, Roth M, Kapil N. Stress fractures: diagnosis, treatment, and prevention. *Am Fam
  Physician* 2011;83(1):39–46.
- George ERM, Sheerin KR, Reid D. Criteria and guidelines for returning to running following a
  tibial bone stress injury: a scoping review. *Sports Med* 2024;54(9):2247–2265.
  [doi:10.1007/s40279-024-02051-y](https://doi.org/10.1007/s40279-024-02051-y)
- Liem BC, Truswell HJ, Harrast MA. Rehabilitation and return to running after lower limb stress
  fractures. *Curr Sports Med Rep* 2013;12(3):200–207.
  [doi:10.1249/JSR.0b013e3182913cbe](https://doi.org/10.1249/JSR.0b013e3182913cbe)
- Warden SJ, Edwards WB, Willy RW. Preventing bone stress injuries in runners with optimal
  workload. *Curr Osteoporos Rep* 2021;19(3):298–307.
  [doi:10.1007/s11914-021-00666-y](https://doi.org/10.1007/s11914-021-00666-y)

*This article informs; it does not diagnose. Ask your own clinician about your injury.*
""",
    },
    {
        "slug": "calcium-vitamin-d-and-stress-fractures",
        "title": "Calcium, vitamin D and stress fractures: what the studies found",
        "summary": "Two large studies of Navy recruits link calcium and vitamin D to fewer stress fractures. "
        "What they showed, and what they did not.",
        "body": """\
Bone needs calcium and vitamin D to stay strong. Two studies of US Navy recruits, who train hard
and often get stress fractures, looked at how much these matter.

## A supplement trial in more than 5,000 recruits

In a randomised trial in more than 5,000 female Navy recruits, those given a daily supplement of
**2000 mg of calcium and 800 IU of vitamin D** had **20% fewer stress fractures** than those
who were not.

## Vitamin D levels in the blood

Another Navy study measured vitamin D in recruits' blood. Women with a level **below 20 ng/mL
had roughly twice the risk** of a stress fracture in the shin or the outer leg bone compared with
women at **40 ng/mL or more**.

## What this means for you

- These studies were about *preventing* stress fractures in young military recruits. They do
  not show how much a supplement speeds healing once a bone is injured.
- Your clinician may check your vitamin D level, especially if you have had more than one stress
  fracture.
- Eating enough for the training you do matters as much as any single nutrient. Low energy
  intake, missed periods and low bone density often go together, and a dietitian can help.
- Ask before starting supplements: the right dose depends on your blood level and your health.

## Sources

- Lappe J, Cullen D, Haynatzki G, et al. Calcium and vitamin D supplementation decreases
  incidence of stress fractures in female navy recruits. *J Bone Miner Res* 2008;23(5):741–749.
  [PMID 18433305](https://pubmed.ncbi.nlm.nih.gov/18433305/)
- Burgi AA, Gorham ED, Garland CF, et al. High serum 25-hydroxyvitamin D is associated with a low
  incidence of stress fractures. *J Bone Miner Res* 2011;26(10):2371–2377.
  [doi:10.1002/jbmr.451](https://doi.org/10.1002/jbmr.451)
- Mountjoy M, Ackerman KE, Bailey DM, et al. 2023 International Olympic Committee's (IOC)
  consensus statement on Relative Energy Deficiency in Sport (REDs). *Br J Sports Med*
  2023;57(17):1073–1097. [doi:10.1136/bjsports-2023-106994](https://doi.org/10.1136/bjsports-2023-106994)

*This article informs; it does not diagnose. Ask your own clinician about your injury.*
""",
    },
]

class _StorySpec(TypedDict):
    display_name: str
    headline: str
    body: str
    published: bool


# Invented for the demo; real stories need the patient's written consent before approval.
STORIES: list[_StorySpec] = [
    {
        "display_name": "Maria (demo story), trail runner",
        "headline": "I learned to rest without losing my fitness",
        "body": "My shin hurt for weeks before I came in. The team explained why rest had to come first "
        "and helped me keep fit on the bike. Needling eased the tightness in my calf, and the walk–run "
        "plan got me back on the trails without rushing it.",
        "published": True,
    },
    {
        "display_name": "Sam (demo story), recruit",
        "headline": "Clear advice from the first visit",
        "body": "I was worried about my foot before training started again. They checked that I had seen "
        "a doctor and had the right scan, explained what the needling could and could not do, and "
        "worked alongside my physical therapist.",
        "published": True,
    },
    {
        "display_name": "Lee (demo story), dancer",
        "headline": "Waiting for consent: this draft is not on the website",
        "body": "A draft, to show that a story stays off the site until consent is recorded and it is approved.",
        "published": False,
    },
]


def _editor() -> User:
    user = User.objects.filter(role=Role.CLINIC_ADMIN).order_by("pk").first()
    if user is None:
        user = User.objects.create(username="demo-site-editor", role=Role.CLINIC_ADMIN)
        user.set_unusable_password()
        user.save()
    return user


def load(stdout) -> None:
    """Create the demo articles and stories that are missing."""
    editor = _editor()
    made = 0
    for article in ARTICLES:
        if not Article.objects.filter(slug=article["slug"]).exists():
            services.article_create(
                actor=editor,
                status=ArticleStatus.PUBLISHED,
                slug=article["slug"],
                title=article["title"],
                summary=article["summary"],
                body=article["body"],
            )
            made += 1
    for spec in STORIES:
        if PatientStory.objects.filter(headline=spec["headline"]).exists():
            continue
        story = services.story_create(
            actor=editor, display_name=spec["display_name"], headline=spec["headline"], body=spec["body"]
        )
        if spec["published"]:
            services.story_record_consent(story=story, actor=editor, note="Demo data: no real patient.")
            services.story_approve(story=story, actor=editor)
        made += 1
    stdout.write(f"Public site: {made} demo article(s)/story(ies) added; contact inbox at /clinic/inbox/.")
