from django.db.models import Count, QuerySet
from django.db.models.functions import Lower

from catalog.models import Brand, CatalogEntry, Retailer
from spends.errors import NotFound

CatalogModel = type[Retailer] | type[Brand]


def catalog_list(owner, model: CatalogModel, *, search: str = "") -> QuerySet[CatalogEntry]:
    """Retailers or brands of `owner`, sorted by name, each with its `purchase_count`."""
    queryset = model.objects.filter(owner=owner)
    if search.strip():
        queryset = queryset.filter(name__icontains=search.strip())
    return queryset.annotate(purchase_count=Count("purchases")).order_by(Lower("name"), "id")


def catalog_get(owner, model: CatalogModel, entry_id) -> CatalogEntry:
    entry = catalog_list(owner, model).filter(id=entry_id).first()
    if entry is None:
        raise NotFound(f"{model._meta.verbose_name.capitalize()} not found.")
    return entry


def catalog_find_by_name(owner, model: CatalogModel, name: str) -> CatalogEntry | None:
    return model.objects.filter(owner=owner, name__iexact=name.strip()).first()
