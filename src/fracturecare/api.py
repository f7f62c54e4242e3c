"""The JSON API at /api/v1/, described by OpenAPI at /api/v1/docs.

Each area of the clinic contributes a router; the routers live beside their services.
"""

from ninja import NinjaAPI

api = NinjaAPI(title="fracturecare", version="1", urls_namespace="api")
api.add_router("", "fracturecare.planning.api.router")
api.add_router("", "fracturecare.scheduling.api.router")
