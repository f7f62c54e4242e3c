"""Download the patient handout of a signed plan as PDF."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from fracturecare.accounts.permissions import CLINICAL, role_required
from fracturecare.audit.actions import AuditAction
from fracturecare.audit.services import audit_record
from fracturecare.clinic.selectors import clinic_details
from fracturecare.handouts.content import handout_content
from fracturecare.handouts.pdf import handout_pdf
from fracturecare.handouts.selectors import latest_signed_version
from fracturecare.knowledge import load_knowledge
from fracturecare.planning.models import Plan


@role_required(*CLINICAL)
@require_http_methods(["GET"])
def plan_pdf(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The patient handout of the plan's latest signed version, as a PDF download (audited)."""
    try:
        plan = Plan.objects.select_related("patient").get(pk=plan_id)
    except Plan.DoesNotExist:
        raise Http404("No such plan") from None
    version = latest_signed_version(plan)
    if version is None:
        messages.error(request, "Sign the plan first: a handout is printed from a signed plan only.")
        return redirect("planning:detail", plan_id=plan.pk)
    snapshot = version.snapshot
    content = handout_content(snapshot, load_knowledge(), patient_first_name=plan.patient.first_name)
    pdf = handout_pdf(content, plan=snapshot["plan"], case=snapshot["case"], clinic=clinic_details())
    audit_record(
        actor=request.user,
        action=AuditAction.HANDOUT_DOWNLOADED,
        patient=plan.patient,
        obj=plan,
        data={"version": version.number},
        request=request,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="plan-{plan.pk}-v{version.number}-handout.pdf"'
    response["Cache-Control"] = "no-store"
    return response
