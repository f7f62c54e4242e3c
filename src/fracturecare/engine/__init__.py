"""The clinical engine: pure functions from a case (plain dict) to a plan (plain dict).

No Django, no I/O, no clock: the knowledge base is passed in, so the same case and the
same knowledge always give the same plan.
"""

from fracturecare.engine.errors import CaseError, FieldError
from fracturecare.engine.plan import ENGINE_VERSION, make_plan

__all__ = ["CaseError", "FieldError", "ENGINE_VERSION", "make_plan"]
