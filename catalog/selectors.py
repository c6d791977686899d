from django.db.models import QuerySet
from django.db.models.functions import Coalesce, Lower

from accounts.versions import remembered
from catalog.models import Brand, CatalogEntry, Retailer
from spends.errors import NotFound
from spends.queries import related_count, uuid_as_text, uuid_text

CatalogModel = type[Retailer] | type[Brand]


def catalog_list(owner, model: CatalogModel, *, search: str = "") -> QuerySet[CatalogEntry]:
    """Retailers or brands of `owner`, sorted by name, each with its `purchase_count`."""
    queryset = model.objects.filter(owner=owner)
    if search.strip():
        queryset = queryset.filter(name__icontains=search.strip())
    return queryset.annotate(purchase_count=purchase_count_expression(model)).order_by(
        Lower("name"), "id"
    )


def purchase_count_expression(model: CatalogModel) -> Coalesce:
    """How many purchases name the retailer or brand (spends.queries.related_count)."""
    from purchases.models import Purchase  # purchases' models import this app's

    return related_count(Purchase.objects.all(), model._meta.model_name)


@remembered
def catalog_names(owner, model: CatalogModel) -> list[tuple[str, str]]:
    """(id, name) of each of the owner's retailers or brands, sorted by name: what a choice
    list needs, without the purchase counts. Remembered until the owner's data change (the
    inventory and the purchase form read hundreds of names on each request)."""
    entries = model.objects.filter(owner=owner).order_by(Lower("name"), "id")
    # The ids read as text: no UUID built and written out again for each of hundreds of ids.
    return [(uuid_text(entry_id), name)
            for entry_id, name in entries.values_list(uuid_as_text("id"), "name")]  # fmt: skip


def catalog_get(owner, model: CatalogModel, entry_id) -> CatalogEntry:
    entry = catalog_list(owner, model).filter(id=entry_id).first()
    if entry is None:
        raise NotFound(f"{model._meta.verbose_name.capitalize()} not found.")
    return entry


def catalog_find_by_name(owner, model: CatalogModel, name: str) -> CatalogEntry | None:
    return model.objects.filter(owner=owner, name__iexact=name.strip()).first()
