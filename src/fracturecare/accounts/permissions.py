"""Who may open which page. Every clinic view is wrapped in `role_required`.

The roles (`fracturecare.roles`) and the guard (`fracturecare.guards`) live below every app; they
are named here too because most views read them from the accounts app.
"""

from __future__ import annotations

from fracturecare.guards import role_required
from fracturecare.roles import CLINICAL, STAFF, Role

__all__ = ["CLINICAL", "STAFF", "Role", "role_required"]
