"""Controlled vocabularies for the treatment record.

The field set follows the revised STRICTA checklist (MacPherson 2010, PLoS Med 7(6):e1000261,
PMC2882429); the adverse-event scheme follows White et al. 2001 (BMJ 323:485, PMID 11532840),
in its common three-tier form.
"""

from __future__ import annotations

from django.db import models


class Laterality(models.TextChoices):
    """Same values as the plan contract (`acupuncture.points[].laterality`)."""

    LEFT = "left", "Left"
    RIGHT = "right", "Right"
    BILATERAL = "bilateral", "Bilateral"
    MIDLINE = "midline", "Midline"


class Side(models.TextChoices):
    """One side of the body: an electrode pair must stay on one side (no current across the trunk)."""

    LEFT = "left", "Left"
    RIGHT = "right", "Right"


class DepthUnit(models.TextChoices):
    # Body cun is proportional to the patient, so it is never converted to mm.
    MM = "mm", "mm"
    CUN = "cun", "cun (body)"


class NeedleResponse(models.TextChoices):
    """STRICTA 2d: the response sought and obtained (de qi for acupuncture)."""

    OBTAINED = "obtained", "De qi obtained"
    NOT_OBTAINED = "not_obtained", "De qi sought, not obtained"
    NOT_SOUGHT = "not_sought", "Not sought"


class DryNeedlingTechnique(models.TextChoices):
    PISTONING = "pistoning", "Fast-in fast-out (pistoning)"
    SPARROW_PECKING = "sparrow_pecking", "Sparrow-pecking"
    STATIC = "static", "Static (left in situ)"
    ROTATION = "rotation", "Rotation"
    OTHER = "other", "Other (say in notes)"


class DryNeedlingResponse(models.TextChoices):
    LTR = "ltr", "Local twitch response elicited"
    NO_LTR = "no_ltr", "No local twitch response"
    NOT_SOUGHT = "not_sought", "Not sought"


class Waveform(models.TextChoices):
    CONTINUOUS = "continuous", "Continuous"
    DENSE_DISPERSE = "dense_disperse", "Dense-disperse (alternating frequencies)"
    INTERMITTENT = "intermittent", "Intermittent"


class IntensityDescriptor(models.TextChoices):
    SENSORY = "sensory", "Sensory (strong but comfortable)"
    MOTOR_TWITCH = "motor_twitch", "Motor (visible mild twitch)"


# The scheme id is stored on every adverse event so a later change of scheme keeps old rows readable.
AE_SCHEME_ID = "white2001-3tier"
AE_SCHEME_LABEL = "White et al. 2001, three-tier summary (BMJ 2001;323:485, PMID 11532840)"


class AdverseEventSeverity(models.TextChoices):
    MILD = "mild", "Mild: short, reversible, no inconvenience"
    SIGNIFICANT = "significant", "Significant: needs medical intervention or interferes with activities"
    SERIOUS = "serious", "Serious: hospital admission, possible lasting disability, or death"


class AdverseEventType(models.TextChoices):
    """The controlled list suggested by White et al. 2001."""

    BLEEDING = "bleeding", "Bleeding"
    BRUISING = "bruising", "Bruising or haematoma"
    NEEDLE_PAIN = "needle_pain", "Pain at the needle site"
    SORENESS = "post_treatment_soreness", "Post-treatment soreness"
    AGGRAVATION = "aggravation", "Aggravation of symptoms"
    DROWSINESS = "drowsiness", "Drowsiness or tiredness"
    VASOVAGAL = "vasovagal", "Dizziness, faint or vasovagal reaction"
    NAUSEA = "nausea", "Nausea"
    HEADACHE = "headache", "Headache"
    EMOTIONAL = "emotional_reaction", "Emotional reaction"
    LOCAL_INFECTION = "local_infection", "Local infection"
    BURN_MOXA = "burn_moxa", "Burn (moxibustion)"
    ALLERGY = "allergy", "Allergy"
    FORGOTTEN_NEEDLE = "forgotten_needle", "Forgotten needle"
    STUCK_OR_BENT = "stuck_or_bent_needle", "Stuck or bent needle"
    BROKEN_NEEDLE = "broken_needle", "Broken needle"
    NERVE_INJURY = "nerve_injury", "Nerve injury"
    PNEUMOTHORAX = "pneumothorax", "Pneumothorax"
    OTHER_ORGAN = "other_organ_injury", "Other organ injury"
    EA_SKIN = "ea_skin_lesion", "Skin lesion from electroacupuncture"
    OTHER = "other", "Other (describe)"
