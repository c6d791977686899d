"""/api/retailers and /api/brands: two routers with the same operations, built by one function.
Each operation parses, calls a catalog selector or service and serialises (DESIGN.md, "API")."""

from uuid import UUID

from ninja import Query, Router
from ninja.pagination import paginate
from ninja.responses import Status

from accounts.schemas import ErrorOut, ValidationErrorOut
from catalog import selectors, services
from catalog.models import Brand, Retailer
from catalog.schemas import CatalogEntryIn, CatalogEntryOut, CatalogEntryPatch, CatalogMergeIn
from catalog.selectors import CatalogModel
from spends.pagination import SkipLimitPagination


def _names(plural: str, action: str) -> dict[str, str]:
    """Distinct OpenAPI operation ids and URL names for the two routers' operations."""
    return {"operation_id": f"{plural}_{action}", "url_name": f"{plural}_{action}"}


def catalog_router(model: CatalogModel) -> Router:
    """The list, create, read, update, delete and merge operations for `model`."""
    singular = str(model._meta.verbose_name)  # "retailer"
    plural = str(model._meta.verbose_name_plural)  # "retailers"
    router = Router(tags=[plural])

    @router.get(
        "",
        response={200: list[CatalogEntryOut], 401: ErrorOut, 422: ValidationErrorOut},
        summary=f"List {plural}",
        description=f"Your {plural}, sorted by name, each with its purchase count.",
        **_names(plural, "list"),
    )
    @paginate(SkipLimitPagination)
    def list_entries(request, search: str = Query("", description="Part of the name.")):
        return selectors.catalog_list(request.auth, model, search=search)

    @router.post(
        "",
        response={201: CatalogEntryOut, 401: ErrorOut, 409: ErrorOut, 422: ValidationErrorOut},
        summary=f"Create a {singular}",
        description=f"409 when you already have a {singular} of that name (ignoring case).",
        **_names(plural, "create"),
    )
    def create_entry(request, payload: CatalogEntryIn):
        entry = services.catalog_create(
            owner=request.auth, model=model, name=payload.name, url=payload.url or ""
        )
        return Status(201, selectors.catalog_get(request.auth, model, entry.id))

    @router.get(
        "/{entry_id}",
        response={200: CatalogEntryOut, 401: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
        summary=f"Get a {singular}",
        **_names(plural, "get"),
    )
    def get_entry(request, entry_id: UUID):
        return selectors.catalog_get(request.auth, model, entry_id)

    @router.patch(
        "/{entry_id}",
        response={
            200: CatalogEntryOut,
            401: ErrorOut,
            404: ErrorOut,
            409: ErrorOut,
            422: ValidationErrorOut,
        },
        summary=f"Rename a {singular} or change its url",
        description=f"409 when the new name clashes with another {singular} of yours.",
        **_names(plural, "update"),
    )
    def update_entry(request, entry_id: UUID, payload: CatalogEntryPatch):
        changes = payload.model_dump(exclude_unset=True)
        services.catalog_update(owner=request.auth, model=model, entry_id=entry_id, **changes)
        return selectors.catalog_get(request.auth, model, entry_id)

    @router.delete(
        "/{entry_id}",
        response={204: None, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ValidationErrorOut},
        summary=f"Delete a {singular}",
        description=(
            f"Refused with 409, naming how many purchases use it, while any purchase uses the "
            f"{singular}: merge it into another first."
        ),
        **_names(plural, "delete"),
    )
    def delete_entry(request, entry_id: UUID):
        services.catalog_delete(owner=request.auth, model=model, entry_id=entry_id)
        return Status(204, None)

    @router.post(
        "/{entry_id}/merge",
        response={200: CatalogEntryOut, 401: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
        summary=f"Merge a {singular} into another",
        description=(
            f"Moves every purchase of this {singular} to the one named by `into`, deletes this "
            f"one and answers the surviving {singular}."
        ),
        **_names(plural, "merge"),
    )
    def merge_entry(request, entry_id: UUID, payload: CatalogMergeIn):
        return services.catalog_merge(
            owner=request.auth, model=model, entry_id=entry_id, into_id=payload.into
        )

    return router


retailers_router = catalog_router(Retailer)
brands_router = catalog_router(Brand)
