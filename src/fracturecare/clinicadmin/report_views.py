"""Reports at /clinic/reports/ (clinic admin only): charts, tables and a CSV download per report."""

from __future__ import annotations

import csv
import datetime

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from fracturecare.accounts.models import Role
from fracturecare.accounts.permissions import role_required
from fracturecare.audit.actions import AuditAction
from fracturecare.audit.services import audit_record
from fracturecare.clinicadmin import reports
from fracturecare.clinicadmin.charts import Series, bar_chart
from fracturecare.queryparams import check_day

DEFAULT_WEEKS = 12


class RangeForm(forms.Form):
    start = forms.DateField(input_formats=["%Y-%m-%d"], widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(input_formats=["%Y-%m-%d"], widget=forms.DateInput(attrs={"type": "date"}))

    def clean_start(self) -> datetime.date | None:
        return check_day(self.cleaned_data.get("start"), "start")

    def clean_end(self) -> datetime.date | None:
        return check_day(self.cleaned_data.get("end"), "end")

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", "The end comes before the start.")
            elif (end - start).days + 1 > reports.MAX_DAYS:
                self.add_error("end", f"A report covers at most {reports.MAX_DAYS} days.")
        return data


def _range(request: HttpRequest) -> tuple[RangeForm, datetime.date | None, datetime.date | None]:
    today = timezone.localdate()
    default = {"start": (today - datetime.timedelta(weeks=DEFAULT_WEEKS, days=-1)).isoformat(),
               "end": today.isoformat()}
    data = {k: request.GET.get(k, v) for k, v in default.items()}
    form = RangeForm(data)
    if not form.is_valid():
        return form, None, None
    return form, form.cleaned_data["start"], form.cleaned_data["end"]


def _pct(v: float) -> str:
    return f"{v * 100:.0f}%"


def _safe_cell(value: object) -> object:
    # A spreadsheet runs a cell that starts with = + - @ as a formula; numbers are left as they are.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def _tables(start: datetime.date, end: datetime.date) -> dict[str, tuple[list[str], list[list[object]]]]:
    weeks = reports.visits_per_week(start, end)
    attendance = reports.attendance_per_week(start, end)
    use = reports.utilisation(start, end)
    outcomes = reports.outcomes_by_site(start, end)

    def rate(v: float | None) -> object:
        return round(v, 3) if v is not None else ""

    return {
        "visits": (["week_starting", "visits", "new_patients"],
                   [[w.week.isoformat(), w.visits, w.new_patients] for w in weeks]),
        "attendance": (["week_starting", "scheduled", "no_shows", "no_show_rate", "late_cancellations",
                        "late_cancel_rate"],
                       [[a.week.isoformat(), a.scheduled, a.no_shows, rate(a.no_show_rate), a.late_cancellations,
                         rate(a.late_cancel_rate)] for a in attendance]),
        "utilisation": (["practitioner", "available_minutes", "booked_minutes", "utilisation"],
                        [[u.practitioner, u.available_minutes, u.booked_minutes, rate(u.rate)] for u in use]),
        "outcomes": (["site", "patients", "mean_pain_change", "patients_with_pain_change", "mean_lefs_change",
                      "patients_with_lefs_change"],
                     [[o.site, o.patients, "" if o.pain_change is None else o.pain_change, o.pain_patients,
                       "" if o.lefs_change is None else o.lefs_change, o.lefs_patients] for o in outcomes]),
    }


def _charts(tables: dict) -> dict[str, object]:
    _, visits = tables["visits"]
    _, attendance = tables["attendance"]
    _, use = tables["utilisation"]
    _, outcomes = tables["outcomes"]
    weeks = [row[0][5:] for row in visits]

    def num(v: object) -> float | None:
        return None if v == "" else float(v)  # type: ignore[arg-type]

    return {
        "visits": bar_chart("Visits and new patients per week", weeks, [
            Series("Visits", "#2a7ab0", [r[1] for r in visits]),
            Series("New patients", "#e07b39", [r[2] for r in visits]),
        ]),
        "attendance": bar_chart("No-show and late-cancellation rates per week", weeks, [
            Series("No-show rate", "#b42318", [num(r[3]) for r in attendance]),
            Series("Late-cancel rate", "#8250df", [num(r[5]) for r in attendance]),
        ], fmt=_pct),
        "utilisation": bar_chart("Utilisation per practitioner (booked / available minutes)",
                                 [str(r[0]) for r in use], [Series("Utilisation", "#1a7f37", [num(r[3]) for r in use])],
                                 fmt=_pct),
        "outcomes": bar_chart("Mean change by fracture site (pain: lower is better; LEFS: higher is better)",
                              [str(r[0]) for r in outcomes], [
                                  Series("Pain NRS change", "#b42318", [num(r[2]) for r in outcomes]),
                                  Series("LEFS change", "#2a7ab0", [num(r[4]) for r in outcomes]),
                              ]),
    }


TITLES = {
    "visits": "Visits and new patients per week",
    "attendance": "No-shows and late cancellations",
    "utilisation": "Utilisation per practitioner",
    "outcomes": "Outcomes by fracture site",
}


@role_required(Role.CLINIC_ADMIN)
@require_GET
def report_index(request: HttpRequest) -> HttpResponse:
    """All four reports for a date range (default: the last twelve weeks), each with its CSV link."""
    form, start, end = _range(request)
    audit_record(actor=request.user, action=AuditAction.CLINIC_REPORT_VIEWED, request=request,
                 data={"start": str(start or ""), "end": str(end or ""), "invalid": start is None})
    if start is None or end is None:
        return render(request, "clinicadmin/reports.html", {"form": form, "sections": []}, status=400)
    tables = _tables(start, end)
    charts = _charts(tables)
    sections = [{"kind": k, "title": TITLES[k], "chart": charts[k], "header": tables[k][0], "rows": tables[k][1]}
                for k in TITLES]
    query = f"start={start.isoformat()}&end={end.isoformat()}"
    return render(request, "clinicadmin/reports.html",
                  {"form": form, "sections": sections, "query": query, "start": start, "end": end})


@role_required(Role.CLINIC_ADMIN)
@require_GET
def report_csv(request: HttpRequest, kind: str) -> HttpResponse:
    """One report as CSV, for the same date range."""
    if kind not in TITLES:
        raise Http404("No such report.")
    form, start, end = _range(request)
    if start is None or end is None:
        errors = "; ".join(f"{field}: {' '.join(str(m) for m in msgs)}" for field, msgs in form.errors.items())
        return HttpResponse(f"Bad date range: {errors}\n", status=400, content_type="text/plain; charset=utf-8")
    header, rows = _tables(start, end)[kind]
    audit_record(actor=request.user, action=AuditAction.CLINIC_REPORT_DOWNLOADED, request=request,
                 data={"report": kind, "start": start.isoformat(), "end": end.isoformat()})
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{kind}-{start.isoformat()}-{end.isoformat()}.csv"'
    writer = csv.writer(response)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_safe_cell(v) for v in row])
    return response


