import dataclasses
import datetime
from decimal import Decimal

from django.db import connection
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce, Lower

from accounts.selectors import today_for
from accounts.versions import remembered_count
from purchases.models import Attachment, Purchase
from purchases.search import search_condition
from spends.errors import NotFound
from spends.queries import related_count
from warranties.status import expiring_condition, status_condition

# Sort keys the list offers; each may be prefixed with "-" for descending.
PURCHASE_SORTS = ("purchase_date", "price", "product_name", "created_at")
DEFAULT_PURCHASE_SORT = "-purchase_date"
WARRANTY_FILTERS = ("ACTIVE", "EXPIRED", "VOIDED", "EXPIRING_SOON", "NONE")


@dataclasses.dataclass(frozen=True)
class PurchaseFilters:
    """The inventory's filters; the page, the API and the exports all read them from here."""

    status: str | None = None
    retailer_id: str | None = None
    brand_id: str | None = None
    search: str | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    currency_code: str | None = None
    warranty_status: str | None = None
    sort: str = DEFAULT_PURCHASE_SORT


def purchase_ordering(sort: str) -> list:
    """The sort plus the tie-breakers that make paging stable (never a row twice or skipped).
    Product names sort as people read them, ignoring case (an index on the lowered name serves
    it)."""
    key = sort.removeprefix("-")
    if key not in PURCHASE_SORTS:
        raise ValueError(f"Unknown sort {sort!r}")
    expression = Lower(key) if key == "product_name" else F(key)
    ordering = [expression.desc() if sort.startswith("-") else expression.asc()]
    if key != "created_at":
        ordering.append("-created_at")
    return [*ordering, "id"]


def purchase_list(owner, filters: PurchaseFilters | None = None) -> QuerySet[Purchase]:
    """The owner's purchases, filtered and sorted, with what a list row shows (retailer, brand,
    warranty, attachment count) fetched in the same query."""
    filters = filters or PurchaseFilters()
    queryset = Purchase.objects.filter(owner=owner)
    conditions = Q()
    if filters.status:
        conditions &= Q(status=filters.status)
    if filters.retailer_id:
        conditions &= Q(retailer_id=filters.retailer_id)
    if filters.brand_id:
        conditions &= Q(brand_id=filters.brand_id)
    if filters.search and filters.search.strip():
        conditions &= search_condition(owner, filters.search)
    if filters.date_from:
        conditions &= Q(purchase_date__gte=filters.date_from)
    if filters.date_to:
        conditions &= Q(purchase_date__lte=filters.date_to)
    if filters.min_price is not None:
        conditions &= Q(price__gte=filters.min_price)
    if filters.max_price is not None:
        conditions &= Q(price__lte=filters.max_price)
    if filters.currency_code:
        conditions &= Q(currency_code=filters.currency_code)
    if filters.warranty_status:
        conditions &= purchase_warranty_condition(filters.warranty_status, today_for(owner))
    return (
        queryset.filter(conditions)
        .select_related("retailer", "brand", "warranty")
        .annotate(attachment_count=attachment_count_expression())
        .order_by(*purchase_ordering(filters.sort or DEFAULT_PURCHASE_SORT))
    )


# The columns a row of the inventory's table shows (purchases.views.inventory_row reads no
# others): the other dozen columns of the purchase, retailer, brand and warranty cost a tenth
# of the rows' time to convert and set on the models.
TABLE_ROW_FIELDS = (
    "id", "product_name", "price", "currency_code", "status", "purchase_date", "created_at",
    "retailer__name", "brand__name", "warranty__voided", "warranty__warranty_end",
)  # fmt: skip


def purchase_table(owner, filters: PurchaseFilters | None = None) -> QuerySet[Purchase]:
    """`purchase_list` as the inventory's table shows it: only the columns of TABLE_ROW_FIELDS."""
    return purchase_list(owner, filters).only(*TABLE_ROW_FIELDS)


def attachment_count_expression() -> Coalesce:
    """A purchase's attachment count (spends.queries.related_count)."""
    return related_count(Attachment.objects.all(), "purchase")


def purchase_warranty_condition(warranty_status: str, today: datetime.date) -> Q:
    if warranty_status == "NONE":
        return Q(warranty__isnull=True)
    if warranty_status == "EXPIRING_SOON":
        return expiring_condition(today, prefix="warranty__")
    return status_condition(warranty_status, today, prefix="warranty__")


def purchase_get(owner, purchase_id) -> Purchase:
    purchase = purchase_list(owner).filter(id=purchase_id).first()
    if purchase is None:
        raise NotFound("Purchase not found.")
    return purchase


def purchase_count(owner) -> int:
    return Purchase.objects.filter(owner=owner).count()


def purchase_list_total(owner, purchases: QuerySet[Purchase]) -> int:
    """How many purchases `purchases` (a `purchase_list`, unpaged) holds: what its pages are out
    of. Remembered until the owner's data change (accounts.versions.remembered_count): counting
    100,000 purchases took 4-8 ms of every page."""
    return remembered_count(owner, purchases)


def purchase_currencies(owner) -> list[str]:
    """Every currency the owner has purchases in, in alphabetical order (as the currency filter
    lists them).

    A loose index scan: each step asks the index that starts with (owner, currency) for the
    next currency after the last one found, so the query costs one index probe per currency
    however many purchases there are (a GROUP BY read every purchase: 15-45 ms for 100,000).
    The same SQL runs on SQLite and PostgreSQL."""
    table = connection.ops.quote_name(Purchase._meta.db_table)
    owner_column = connection.ops.quote_name(Purchase._meta.get_field("owner").column)
    code_column = connection.ops.quote_name(Purchase._meta.get_field("currency_code").column)
    sql = (
        f"WITH RECURSIVE currencies(code) AS ("
        f" SELECT MIN({code_column}) FROM {table} WHERE {owner_column} = %s"
        f" UNION ALL"
        f" SELECT (SELECT MIN(p.{code_column}) FROM {table} p"
        f" WHERE p.{owner_column} = %s AND p.{code_column} > currencies.code)"
        f" FROM currencies WHERE currencies.code IS NOT NULL"
        f") SELECT code FROM currencies WHERE code IS NOT NULL ORDER BY code"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [owner.pk, owner.pk])
        return [code for (code,) in cursor.fetchall()]


def attachment_list(owner, purchase_id) -> QuerySet[Attachment]:
    purchase_get(owner, purchase_id)
    return Attachment.objects.filter(owner=owner, purchase_id=purchase_id).order_by(
        "created_at", "id"
    )


def attachment_get(owner, attachment_id) -> Attachment:
    attachment = Attachment.objects.filter(owner=owner, id=attachment_id).first()
    if attachment is None:
        raise NotFound("Attachment not found.")
    return attachment
