"""The JSON API under /api: one NinjaAPI; each app adds its router (DESIGN.md, "API")."""

from ninja import NinjaAPI

api = NinjaAPI(
    title="Spends Tracker API",
    version="1",
    description="Purchases, warranties, retailers, brands and analytics of the signed-in user.",
    urls_namespace="api",
)
