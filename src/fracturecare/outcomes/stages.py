"""Return-to-activity stages and the example walk–run progression.

The phases are the project's phase model (built from
PAT11, MED, GEO24, LIE13, WAR14 and WAR21). The day-by-day walk–run table is a clinic
handout [RTR-EX: Sunny Coast Sports Medicine, "Return to running protocol post injury"], not a
peer-reviewed protocol, and is shown with that label.
"""

from __future__ import annotations

from django.db import models


class Phase(models.TextChoices):
    TRIAGE = "triage", "0. Triage"
    PROTECTION = "protection", "1. Protection"
    RELOAD = "reload", "2. Reload and strengthen"
    RETURN_TO_RUN = "return_to_run", "3. Return to running"
    RETURN_TO_SPORT = "return_to_sport", "4. Return to sport"


PHASE_GOALS = {
    Phase.TRIAGE: "Find red flags and high-risk sites.",
    Phase.PROTECTION: "Pain-free daily life; unload the bone.",
    Phase.RELOAD: "Restore capacity: progressive strength, balance, low-impact conditioning.",
    Phase.RETURN_TO_RUN: "Graded impact: walk–run progression.",
    Phase.RETURN_TO_SPORT: "Full training; address risk factors.",
}

WALK_RUN_SOURCE = (
    "Example walk–run progression from a clinic handout (Sunny Coast Sports Medicine) [RTR-EX]; "
    "not a peer-reviewed protocol. Start only after clinician clearance and once walking is pain-free."
)
WALK_RUN_RULES = (
    "If significant pain develops, stop, rest one day, and restart at the previous step.",
    "If symptoms persist, seek medical review.",
)
# Day number -> session.
WALK_RUN_DAYS: dict[int, str] = {
    1: "Brisk walk 10 min",
    2: "Brisk walk 15 min",
    3: "Brisk walk 20 min",
    4: "Brisk walk 25 min",
    5: "Brisk walk 30 min",
    6: "Walk 15 / jog 5 / walk 10",
    7: "Walk 10 / jog 10 / walk 10",
    8: "Walk 10 / jog 15 / walk 5",
    9: "Rest (no impact)",
    10: "Walk 5 / jog 20 / walk 5",
    11: "Walk 5 / jog 25",
    12: "Jog 30",
    13: "Rest",
    14: "Jog 15 / run 5 / jog 10",
    15: "Jog 10 / run 10 / jog 10",
    16: "Jog 10 / run 15 / jog 5",
    17: "Rest",
    18: "Jog 5 / run 20 / jog 5",
    19: "Jog 5 / run 25",
    20: "Run 30",
    21: "Rest",
    22: "Return to usual training, keeping recovery days",
}
WALK_RUN_LAST_DAY = max(WALK_RUN_DAYS)
