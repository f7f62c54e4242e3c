"""Reading programmes: the patient's current one, today's session, history, adherence and its chart."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from fracturecare.programmes.chart import ChartSession, render_programme_chart
from fracturecare.programmes.knowledge import programme_definition
from fracturecare.programmes.models import Override, Programme, ProgrammeStatus, SessionLog


def current_programme(patient) -> Programme | None:
    """The programme assigned most recently (active, completed or stopped), or None."""
    return (Programme.objects.filter(patient=patient)
            .order_by("-assigned_at", "-id").first())



@dataclass(frozen=True)
class StepView:
    number: int  # 1-based
    stage: str
    session: str
    state: str  # done | current | ahead


@dataclass(frozen=True)
class ProgrammeOverview:
    programme: Programme
    definition: dict
    steps: list[StepView]
    today_session: str  # what to do today, in words
    is_session_day: bool
    last_reason: str
    sessions: list[SessionLog]
    overrides: list[Override]
    adherence_done: int
    adherence_logged: int
    step_back_min_pain: int
    chart_svg: str

    @property
    def current_step(self) -> StepView:
        return self.steps[self.programme.step]


def programme_overview(programme: Programme, *, today: datetime.date | None = None) -> ProgrammeOverview:
    """Everything the portal and the clinic show about a programme (two queries)."""
    today = today or timezone.localdate()
    definition = programme_definition(programme.programme_id)
    stages = {s["id"]: s["name"] for s in definition["stages"]}
    steps = [
        StepView(i + 1, stages[s["stage"]], s["session"],
                 "current" if i == programme.step else ("done" if i < programme.step else "ahead"))
        for i, s in enumerate(definition["steps"])
    ]
    sessions = list(SessionLog.objects.filter(programme=programme).order_by("on", "id"))
    overrides = list(Override.objects.filter(programme=programme).select_related("by").order_by("at", "id"))
    events = [(s.logged_at, s.reason) for s in sessions] + [(o.at, f"Your clinician changed the step: {o.reason}")
                                                             for o in overrides]
    last_reason = max(events, key=lambda e: e[0])[1] if events else ""
    step = steps[programme.step]
    if programme.status == ProgrammeStatus.COMPLETED:
        today_session, is_day = "Programme complete. Keep recovery days in your training.", False
    elif programme.status == ProgrammeStatus.STOPPED:
        today_session, is_day = "Your clinician has stopped this programme.", False
    elif today < programme.next_session_on:
        today_session = f"Rest day. Next session on {programme.next_session_on:%A %-d %B}: {step.session}."
        is_day = False
    else:
        today_session, is_day = step.session, True
    step_back = definition["progression"]["step_back_min_pain"]["value"]
    chart = render_programme_chart(
        [ChartSession(s.on, s.step, s.done, s.pain_during, s.pain_next_day, s.action) for s in sessions],
        step_count=len(steps), step_back_min_pain=step_back,
    )
    return ProgrammeOverview(
        programme=programme, definition=definition, steps=steps, today_session=today_session, is_session_day=is_day,
        last_reason=last_reason, sessions=sessions, overrides=overrides,
        adherence_done=sum(1 for s in sessions if s.done), adherence_logged=len(sessions),
        step_back_min_pain=step_back, chart_svg=chart,
    )


@dataclass(frozen=True)
class ProgrammeStage:
    """Where a programme puts the patient, for the current-stage selector."""

    patient_id: int
    on: datetime.date
    completed: bool
    text: str  # e.g. "Return to running, step 3 of 18 (Walking)"
    stepped_back: bool  # the last logged session stepped back


def programme_stages(patient_ids: list[int]) -> dict[int, ProgrammeStage]:
    """The latest programme's position per patient, for many patients in two queries."""
    latest: dict[int, Programme] = {}
    for programme in Programme.objects.filter(patient_id__in=patient_ids).order_by("-assigned_at", "-id"):
        latest.setdefault(programme.patient_id, programme)
    last_logs: dict[int, SessionLog] = {}
    for log in SessionLog.objects.filter(programme__in=latest.values()).order_by("-on", "-id"):
        last_logs.setdefault(log.programme_id, log)
    out = {}
    for pid, programme in latest.items():
        definition = programme_definition(programme.programme_id)
        step = definition["steps"][programme.step]
        stage_name = next(s["name"] for s in definition["stages"] if s["id"] == step["stage"])
        last_log = last_logs.get(programme.pk)
        on = max(programme.assigned_at.date(), last_log.on if last_log else programme.assigned_at.date(),
                 programme.updated_at.date())
        text = (f"{definition['name']} complete" if programme.status == ProgrammeStatus.COMPLETED else
                f"{definition['name']}, step {programme.step + 1} of {len(definition['steps'])} ({stage_name})")
        out[pid] = ProgrammeStage(pid, on, programme.status == ProgrammeStatus.COMPLETED, text,
                                  bool(last_log and last_log.action == "step_back"))
    return out
