"""The outcome measures, their scales and their minimal clinically important changes.

Sources:
- Pain NRS 0–10: a fall of about 2 points or about 30% is a clinically important improvement
  [FAR01: Farrar et al., Pain 2001;94(2):149–158; SAL04: Salaffi et al., Eur J Pain
  2004;8(4):283–291, PMID 15207508].
- Lower Extremity Functional Scale: 20 items scored 0 (extreme difficulty or unable) to 4 (no
  difficulty), total 0–80, higher is better; MCID 9 points [BIN99: Binkley et al., Phys Ther
  1999;79(4):371–383, PMID 10201543].

LEFS licence caveat: the scale was published in Physical Therapy (1999) and rehabilitation
databases list it as free to use, but no explicit licence text was found. The item wording
below is our own short paraphrase, in the published order, for the clinician entering a
patient's answers; it is not the questionnaire to hand to patients. Confirm permission with
the authors or publisher before printing the original wording.
"""

from __future__ import annotations

NRS_MIN, NRS_MAX = 0, 10
NRS_MCID_POINTS = 2
NRS_MCID_FRACTION = 0.30
NRS_MCID_SOURCES = ("FAR01", "SAL04")

LEFS_ITEM_MIN, LEFS_ITEM_MAX = 0, 4
LEFS_MIN, LEFS_MAX = 0, 80
LEFS_MCID = 9
LEFS_MCID_SOURCES = ("BIN99",)

# Paraphrased, in the published order.
LEFS_ITEMS: tuple[str, ...] = (
    "Usual work, housework or school activities",
    "Usual hobbies, recreation or sport",
    "Getting into or out of the bath",
    "Walking between rooms",
    "Putting on shoes or socks",
    "Squatting",
    "Lifting an object from the floor",
    "Light household activities",
    "Heavy household activities",
    "Getting into or out of a car",
    "Walking 2 blocks",
    "Walking a mile",
    "Going up or down 10 stairs",
    "Standing for 1 hour",
    "Sitting for 1 hour",
    "Running on even ground",
    "Running on uneven ground",
    "Making sharp turns while running fast",
    "Hopping",
    "Rolling over in bed",
)
assert len(LEFS_ITEMS) == 20

LEFS_ANSWERS = (
    (0, "0 – extreme difficulty or unable"),
    (1, "1"),
    (2, "2"),
    (3, "3"),
    (4, "4 – no difficulty"),
)

CITATIONS = {
    "FAR01": "Farrar JT et al. Clinical importance of changes in chronic pain intensity measured on an "
    "11-point numerical pain rating scale. Pain 2001;94(2):149–158.",
    "SAL04": "Salaffi F et al. Minimal clinically important changes in chronic musculoskeletal pain intensity "
    "measured on a numerical rating scale. Eur J Pain 2004;8(4):283–291. PMID 15207508.",
    "BIN99": "Binkley JM et al. The Lower Extremity Functional Scale (LEFS): scale development, measurement "
    "properties, and clinical application. Phys Ther 1999;79(4):371–383. PMID 10201543.",
}


def lefs_total(items: list[int]) -> int:
    """The LEFS total of 20 item scores (each 0–4)."""
    if len(items) != len(LEFS_ITEMS):
        raise ValueError(f"LEFS has {len(LEFS_ITEMS)} items, got {len(items)}")
    for score in items:
        if not (isinstance(score, int) and LEFS_ITEM_MIN <= score <= LEFS_ITEM_MAX):
            raise ValueError(f"LEFS item scores are whole numbers {LEFS_ITEM_MIN}–{LEFS_ITEM_MAX}, got {score!r}")
    return sum(items)


def nrs_improved(baseline: int, latest: int) -> bool:
    """A clinically important fall in pain: at least 2 points or at least 30% [FAR01, SAL04]."""
    drop = baseline - latest
    if drop <= 0:
        return False
    return drop >= NRS_MCID_POINTS or drop >= NRS_MCID_FRACTION * baseline


def lefs_improved(baseline: int, latest: int) -> bool:
    """A clinically important gain in function: at least 9 LEFS points [BIN99]."""
    return latest - baseline >= LEFS_MCID
