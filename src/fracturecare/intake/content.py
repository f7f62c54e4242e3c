"""The forms a patient fills in by link: the intake questionnaire's choices and the consent texts.

A consent form's text is versioned: a signature stores the version and a copy of the exact
text signed, and a new version means a new signature before needling (selectors.consent_status).
Risk statements carry knowledge-base source ids; the form lists those sources at the end.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


class FormKind(models.TextChoices):
    INTAKE = "intake", "Health questionnaire"
    CONSENT_ACUPUNCTURE = "consent_acupuncture", "Consent to acupuncture"
    CONSENT_DRY_NEEDLING = "consent_dry_needling", "Consent to dry needling"
    PRIVACY = "privacy_notice", "Privacy notice"
    OUTCOMES = "outcomes", "Pain and function questionnaire"


CONSENT_KINDS = (FormKind.CONSENT_ACUPUNCTURE, FormKind.CONSENT_DRY_NEEDLING, FormKind.PRIVACY)
#: What a new patient is asked to fill in before the first visit.
BEFORE_FIRST_VISIT = (FormKind.INTAKE, *CONSENT_KINDS)
#: What a returning patient is asked before a follow-up.
BEFORE_FOLLOW_UP = (FormKind.OUTCOMES,)


@dataclass(frozen=True)
class Statement:
    text: str
    citations: tuple[str, ...] = ()


@dataclass(frozen=True)
class ConsentForm:
    kind: str
    version: str
    title: str
    statements: tuple[Statement, ...]
    agreement: str


ACUPUNCTURE = ConsentForm(
    kind=FormKind.CONSENT_ACUPUNCTURE,
    version="2026-12-1",
    title="Consent to acupuncture",
    statements=(
        Statement(
            "Acupuncture places fine, sterile, single-use needles through the skin at chosen points. It may be "
            "offered alongside your other care for a bone stress injury; it does not replace it, and it is "
            "never placed into the injured bone."
        ),
        Statement(
            "Mild reactions are common and pass quickly: a little bleeding or bruising where a needle went in, "
            "soreness, and tiredness or drowsiness after treatment, which about a quarter of patients report.",
            ("MACP04",),
        ),
        Statement(
            "Fainting is uncommon; it was recorded 6 times in 31,822 consultations in a large survey. You will "
            "be treated lying down and observed afterwards. Please eat beforehand, and do not drive if you "
            "feel drowsy.",
            ("WHITE01",),
        ),
        Statement(
            "Serious events are rare. Needling over the chest can, rarely, puncture the lung (pneumothorax); "
            "nerve injury and infection are also possible. Tell your clinician at once about breathlessness, "
            "chest pain, spreading redness or fever after treatment.",
            ("PHYSIO-AB",),
        ),
        Statement(
            "Tell us before each treatment if you are or might be pregnant, take blood thinners, have a "
            "pacemaker or other implanted device, a bleeding disorder, diabetes, epilepsy, a metal allergy, "
            "lymphoedema, or a fear of needles."
        ),
        Statement(
            "You may ask questions, refuse, or stop treatment at any time, including during a session, without "
            "it affecting the rest of your care. You can withdraw this consent by telling the clinic."
        ),
    ),
    agreement="I have read this, my questions have been answered, and I agree to acupuncture.",
)

DRY_NEEDLING = ConsentForm(
    kind=FormKind.CONSENT_DRY_NEEDLING,
    version="2026-12-1",
    title="Consent to dry needling",
    statements=(
        Statement(
            "Dry needling places a fine, sterile, single-use needle into a tight or tender muscle. It may be "
            "offered alongside your other care for a bone stress injury; it does not replace it, and the needle "
            "is never aimed at the injured bone."
        ),
        Statement(
            "Minor reactions are common: in two large surveys of physiotherapists they followed between about "
            "1 in 5 and a little over 1 in 3 treatments. The usual ones are bleeding, bruising and pain during or "
            "after needling, and they pass within a day or two.",
            ("BRADY14", "BOYCE20"),
        ),
        Statement(
            "Major events (such as a punctured lung, heavy bleeding or a long flare of pain) were reported in "
            "fewer than 1 in 1,000 treatments.",
            ("BOYCE20",),
        ),
        Statement(
            "Needling near the chest wall carries a risk of pneumothorax (a punctured lung); nerve injury, "
            "infection and fainting are also possible. Tell your clinician at once about breathlessness, chest "
            "pain, spreading redness or fever after treatment.",
            ("PHYSIO-AB",),
        ),
        Statement(
            "Dry needling is not suitable for everyone. Tell us if you have a fear of needles, lymphoedema, a "
            "bleeding tendency or take blood thinners, have a weakened immune system, diabetes, epilepsy, a "
            "metal or latex allergy, or are or might be pregnant.",
            ("ISCP12",),
        ),
        Statement(
            "You may ask questions, refuse, or stop treatment at any time, including during a session, without "
            "it affecting the rest of your care. You can withdraw this consent by telling the clinic."
        ),
    ),
    agreement="I have read this, my questions have been answered, and I agree to dry needling.",
)

PRIVACY = ConsentForm(
    kind=FormKind.PRIVACY,
    version="2026-12-1",
    title="Privacy notice",
    statements=(
        Statement(
            "We keep a health record for you: your details, your answers to our questionnaires, your "
            "clinicians' assessments, plans and visit notes, and your appointments. We use it to care for you, "
            "to run your appointments and to meet our legal duties."
        ),
        Statement(
            "Only the clinic's staff who need it for their work can see your record, and every time someone "
            "opens or changes it is logged. Front-desk staff see your contact details and appointments, not "
            "your clinical notes."
        ),
        Statement(
            "We share your information only with your consent, with other professionals caring for you when "
            "you are referred, or where the law requires it. We do not sell it or use it for advertising."
        ),
        Statement(
            "Signed records are kept as they were signed; corrections are added, never written over. You may "
            "ask for a copy of your record, and ask us to correct something that is wrong."
        ),
        Statement("Emails and texts from us carry times and links, never details of your health."),
    ),
    agreement="I have read the privacy notice.",
)

CONSENT_FORMS: dict[str, ConsentForm] = {f.kind: f for f in (ACUPUNCTURE, DRY_NEEDLING, PRIVACY)}

# ---------------------------------------------------------------------------------------------
# Intake questionnaire choices. Values are the case contract's vocabulary (contracts/case.schema.json).
# ---------------------------------------------------------------------------------------------

SIDE_CHOICES = (("left", "Left"), ("right", "Right"), ("bilateral", "Both sides"), ("midline", "In the middle"))
YES_NO = (("yes", "Yes"), ("no", "No"))
PREGNANT_CHOICES = (("no", "No"), ("yes", "Yes"), ("unsure", "Not sure"))
PERIOD_CHOICES = (
    ("eumenorrheic", "Regular"),
    ("oligomenorrhea", "Irregular or infrequent"),
    ("amenorrhea", "They have stopped"),
    ("not_applicable", "Does not apply to me"),
)
MEDICATION_CHOICES = (
    ("anticoagulant", "Blood thinners (e.g. warfarin, apixaban, rivaroxaban)"),
    ("antiplatelet", "Aspirin or clopidogrel taken daily"),
    ("corticosteroid", "Steroid tablets (e.g. prednisolone)"),
    ("nsaid", "Anti-inflammatory painkillers (e.g. ibuprofen, naproxen)"),
    ("bisphosphonate", "Bone medicine (e.g. alendronate)"),
    ("immunosuppressant", "Medicines that lower the immune system"),
)
CONDITION_CHOICES = (
    ("pacemaker", "Pacemaker"),
    ("implanted_electronic_device", "Another implanted electronic device"),
    ("bleeding_disorder", "A bleeding disorder"),
    ("immunosuppressed", "A weakened immune system"),
    ("diabetes", "Diabetes"),
    ("epilepsy", "Epilepsy"),
    ("metal_allergy", "Metal (e.g. nickel) allergy"),
    ("needle_phobia", "Fear of needles"),
    ("vasovagal_history", "Fainting with needles or blood tests"),
    ("peripheral_neuropathy", "Numbness in the feet (neuropathy)"),
)
