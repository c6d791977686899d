"""Retailers and brands on the settings page (#catalog): list with purchase counts, add,
rename, merge and delete. Every change answers with a toast; with htmx the list region of that
kind re-renders (directly, or out of band when the change came from the dialog)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from catalog.forms import CatalogEntryForm, CatalogMergeForm
from catalog.models import Brand, CatalogEntry, Retailer
from catalog.selectors import CatalogModel, catalog_get, catalog_list
from catalog.services import catalog_create, catalog_delete, catalog_merge, catalog_update
from spends.errors import Conflict, NotFound
from spends.forms import add_service_errors
from spends.htmx import HtmxHttpRequest, close_dialog, render_page

KINDS: dict[str, CatalogModel] = {"retailers": Retailer, "brands": Brand}
ICONS = {"retailers": "bi-shop", "brands": "bi-tag"}
LIST_TEMPLATE = "catalog/catalog.html"


def catalog_context(owner, kind: str, *, form: CatalogEntryForm | None = None) -> dict:
    """What the list region of one kind shows (the settings page shows both kinds)."""
    model = KINDS[kind]
    return {
        "kind": kind,
        "title": str(model._meta.verbose_name_plural).capitalize(),
        "singular": str(model._meta.verbose_name),
        "icon": ICONS[kind],
        "entries": catalog_list(owner, model),
        "form": form or CatalogEntryForm(prefix=kind),
    }


def _model(kind: str) -> CatalogModel:
    try:
        return KINDS[kind]
    except KeyError:
        raise Http404("Unknown list.") from None


def _entry(request, model: CatalogModel, entry_id) -> CatalogEntry:
    try:
        return catalog_get(request.user, model, entry_id)
    except NotFound:
        raise Http404("Not found.") from None


def _settings_url() -> str:
    return reverse("settings") + "#catalog"


def _list_region(request, kind: str, *, form=None, oob: bool = False, status: int = 200):
    context = {"catalog": catalog_context(request.user, kind, form=form), "oob": oob}
    return render(request, f"{LIST_TEMPLATE}#catalog-list", context, status=status)


def _closed_dialog_with_list(request, kind: str) -> HttpResponse:
    """The dialog's form succeeded: close it and refresh the list region out of band."""
    return close_dialog(_list_region(request, kind, oob=True))


@require_http_methods(["GET", "POST"])
def catalog_entries(request: HtmxHttpRequest, kind: str) -> HttpResponse:
    """GET: the list of one kind (its own page without htmx). POST: add one."""
    model = _model(kind)
    form = None
    status = 200
    if request.method == "POST":
        form = CatalogEntryForm(request.POST, prefix=kind)
        if form.is_valid():
            try:
                entry = catalog_create(
                    owner=request.user, model=model, name=form.cleaned_data["name"],
                    url=form.cleaned_data["url"],
                )  # fmt: skip
            except Conflict as error:
                form.add_error("name", error.message)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, f'{model._meta.verbose_name.capitalize()} "{entry.name}" added.'
                )
                if not request.htmx:
                    return redirect(_settings_url())
                form = None
        if form is not None:
            status = 422
    context = {"catalog": catalog_context(request.user, kind, form=form)}
    return render_page(request, LIST_TEMPLATE, context, partial="catalog-list", status=status)


@require_http_methods(["GET", "POST"])
def catalog_edit(request: HtmxHttpRequest, kind: str, entry_id) -> HttpResponse:
    """Rename (and change the website of) one entry, in the dialog."""
    model = _model(kind)
    entry = _entry(request, model, entry_id)
    status = 200
    if request.method == "POST":
        form = CatalogEntryForm(request.POST)
        if form.is_valid():
            try:
                updated = catalog_update(
                    owner=request.user, model=model, entry_id=entry.id,
                    name=form.cleaned_data["name"], url=form.cleaned_data["url"],
                )  # fmt: skip
            except NotFound:
                raise Http404("Not found.") from None
            except Conflict as error:
                form.add_error("name", error.message)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                label = model._meta.verbose_name.capitalize()
                if updated.name != entry.name:
                    messages.success(
                        request, f'{label} "{entry.name}" renamed to "{updated.name}".'
                    )
                else:
                    messages.success(request, f'{label} "{updated.name}" saved.')
                if request.htmx:
                    return _closed_dialog_with_list(request, kind)
                return redirect(_settings_url())
        status = 422
    else:
        form = CatalogEntryForm(initial={"name": entry.name, "url": entry.url})
    context = {"catalog": catalog_context(request.user, kind), "entry": entry, "form": form}
    return render_page(
        request, "catalog/catalog_edit.html", context, partial="catalog-edit-form", status=status
    )


@require_http_methods(["GET", "POST"])
def catalog_merge_view(request: HtmxHttpRequest, kind: str, entry_id) -> HttpResponse:
    """Move every purchase of one entry to another, then delete the first (in the dialog)."""
    model = _model(kind)
    entry = _entry(request, model, entry_id)
    others = [other for other in catalog_list(request.user, model) if other.id != entry.id]
    status = 200
    if request.method == "POST":
        form = CatalogMergeForm(request.POST, others=others)
        if form.is_valid():
            try:
                target = catalog_merge(
                    owner=request.user, model=model, entry_id=entry.id,
                    into_id=form.cleaned_data["into"],
                )  # fmt: skip
            except NotFound:
                form.add_error("into", f"Choose one of your {model._meta.verbose_name_plural}.")
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                moved = entry.purchase_count
                noun = "purchase" if moved == 1 else "purchases"
                messages.success(
                    request, f'Merged "{entry.name}" into "{target.name}": {moved} {noun} moved.'
                )
                if request.htmx:
                    return _closed_dialog_with_list(request, kind)
                return redirect(_settings_url())
        status = 422
    else:
        form = CatalogMergeForm(others=others)
    context = {
        "catalog": catalog_context(request.user, kind),
        "entry": entry,
        "others": others,
        "form": form,
    }
    return render_page(
        request, "catalog/catalog_merge.html", context, partial="catalog-merge-form", status=status
    )


@require_http_methods(["POST"])
def catalog_delete_view(request: HtmxHttpRequest, kind: str, entry_id) -> HttpResponse:
    """Delete one entry; refused (an error toast) while purchases use it."""
    model = _model(kind)
    entry = _entry(request, model, entry_id)
    try:
        catalog_delete(owner=request.user, model=model, entry_id=entry.id)
    except NotFound:
        raise Http404("Not found.") from None
    except Conflict as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, f'{model._meta.verbose_name.capitalize()} "{entry.name}" deleted.'
        )
    if request.htmx:
        return _list_region(request, kind)
    return redirect(_settings_url())
