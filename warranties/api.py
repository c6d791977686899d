from uuid import UUID

from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from spends.pagination import SkipLimitPagination
from warranties.models import Warranty
from warranties.schemas import WarrantyOut, WarrantyTypeName, WarrantyUpdate
from warranties.selectors import warranty_expiring, warranty_get, warranty_list
from warranties.services import warranty_delete, warranty_update
from warranties.status import EXPIRING_SOON_DAYS, WarrantyStatus

router = Router(tags=["warranties"])

ERRORS = {401: dict, 404: dict, 422: dict}
StatusFilter = WarrantyStatus  # ACTIVE, EXPIRED, VOIDED


class WarrantyFilterQuery(Schema):
    status: StatusFilter | None = None
    expiring_soon: bool | None = None
    warranty_type: WarrantyTypeName | None = None
    purchase_id: UUID | None = None


class ExpiringQuery(Schema):
    days: int = Field(EXPIRING_SOON_DAYS, ge=1, le=3650)


@router.get("", response={200: list[WarrantyOut], 401: dict, 422: dict}, summary="List warranties")
@paginate(SkipLimitPagination)
def list_warranties(request, filters: Query[WarrantyFilterQuery]):
    """Sorted by end date, soonest first; lifetime warranties last."""
    return warranty_list(
        request.auth,
        status=filters.status,
        expiring_within_days=EXPIRING_SOON_DAYS if filters.expiring_soon else None,
        warranty_type=filters.warranty_type,
        purchase_id=filters.purchase_id,
    )


@router.get(
    "/expiring", response={200: list[WarrantyOut], 401: dict, 422: dict}, summary="Expiring soon"
)
@paginate(SkipLimitPagination)
def expiring_warranties(request, query: Query[ExpiringQuery]):
    """ACTIVE warranties ending from today to today + `days` (both included), soonest first."""
    return warranty_expiring(request.auth, days=query.days)


@router.get("/{warranty_id}", response={200: WarrantyOut, **ERRORS}, summary="Get a warranty")
def get_warranty(request, warranty_id: UUID) -> Warranty:
    return warranty_get(request.auth, warranty_id)


@router.put("/{warranty_id}", response={200: WarrantyOut, **ERRORS}, summary="Update a warranty")
def put_warranty(request, warranty_id: UUID, payload: WarrantyUpdate):
    """Any subset of the fields, plus `voided`; `status` VOIDED or ACTIVE voids or restores it
    (EXPIRED is derived and answers 422)."""
    return warranty_update(
        owner=request.auth, warranty_id=warranty_id, data=payload.model_dump(exclude_unset=True)
    )


@router.delete("/{warranty_id}", response={204: None, 401: dict, 404: dict}, summary="Delete")
def delete_warranty(request, warranty_id: UUID):
    warranty_delete(warranty=warranty_get(request.auth, warranty_id))
    return Status(204, None)
