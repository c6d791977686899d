from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from catalog.models import CatalogEntry, Retailer
from catalog.selectors import CatalogModel, catalog_find_by_name, catalog_get
from spends.errors import Conflict


def _label(model: CatalogModel) -> str:
    return model._meta.verbose_name


def _save(entry: CatalogEntry) -> CatalogEntry:
    """Validate and save, turning a name clash (also one that races us) into Conflict."""
    entry.name = (entry.name or "").strip()
    clash = (
        type(entry).objects.filter(owner_id=entry.owner_id, name__iexact=entry.name)
        .exclude(id=entry.id).exists()
    )  # fmt: skip
    if clash:
        raise Conflict(f'A {_label(type(entry))} named "{entry.name}" already exists.')
    entry.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        raise Conflict(f'A {_label(type(entry))} named "{entry.name}" already exists.') from None
    return entry


@transaction.atomic
def catalog_create(*, owner, model: CatalogModel, name: str, url: str = "") -> CatalogEntry:
    return _save(model(owner=owner, name=name, url=url or ""))


@transaction.atomic
def catalog_update(*, owner, model: CatalogModel, entry_id, **changes) -> CatalogEntry:
    unknown = set(changes) - {"name", "url"}
    if unknown:
        raise ValidationError({key: "Unknown field." for key in sorted(unknown)})
    entry = catalog_get(owner, model, entry_id)
    for key, value in changes.items():
        setattr(entry, key, value if value is not None else "")
    return _save(entry)


@transaction.atomic
def catalog_delete(*, owner, model: CatalogModel, entry_id) -> None:
    entry = catalog_get(owner, model, entry_id)
    in_use = entry.purchases.count()
    if in_use:
        noun = "purchase uses" if in_use == 1 else "purchases use"
        raise Conflict(
            f'Cannot delete {_label(model)} "{entry.name}": {in_use} {noun} it. '
            "Move them elsewhere (merge) first."
        )
    entry.delete()


@transaction.atomic
def catalog_merge(*, owner, model: CatalogModel, entry_id, into_id) -> CatalogEntry:
    """Move every purchase of one entry to another of the same owner, then delete the first."""
    source = catalog_get(owner, model, entry_id)
    target = catalog_get(owner, model, into_id)
    if source.id == target.id:
        raise ValidationError({"into": f"Cannot merge a {_label(model)} into itself."})
    field = "retailer" if model is Retailer else "brand"
    source.purchases.update(**{field: target})
    source.delete()
    return catalog_get(owner, model, target.id)


def catalog_resolve(
    *, owner, model: CatalogModel, entry_id=None, name: str | None = None
) -> CatalogEntry | None:
    """The entry a purchase names by id or by name; a new name creates the entry."""
    if entry_id is not None:
        return catalog_get(owner, model, entry_id)
    if name is None or not name.strip():
        return None
    existing = catalog_find_by_name(owner, model, name)
    return existing or catalog_create(owner=owner, model=model, name=name)
