"""The inventory pages: the purchases table with its filters, the add/edit dialog, delete, bulk
changes, one-click RECEIVED, a purchase's detail and its attachments (upload, preview, download,
delete). They call the same selectors and services as purchases.api; a service's ValidationError
goes onto the form beside its field."""

import dataclasses
import datetime
import uuid
from collections.abc import Callable
from typing import Self

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.csp import CSP
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from accounts.selectors import preferences_for, today_for
from accounts.views import render_settings
from catalog.models import Brand, Retailer
from catalog.selectors import catalog_names
from jobs.models import Job
from purchases import filestore, services
from purchases.downloads import attachment_response, attachment_text_start
from purchases.exports import EXPORT_FORMATS, export_response
from purchases.forms import (
    AttachmentUploadForm,
    ImportForm,
    PurchaseBulkForm,
    PurchaseFilterForm,
    PurchaseForm,
)
from purchases.imports import (
    ImportFileError,
    import_check_size,
    import_detect_format,
    import_in_background,
)
from purchases.models import Attachment, Purchase, PurchaseStatus
from purchases.selectors import (
    attachment_get,
    attachment_list,
    purchase_count,
    purchase_get,
    purchase_list,
    purchase_list_total,
    purchase_table,
)
from spends.errors import ApplicationError, NotFound, PayloadTooLarge
from spends.forms import add_service_errors, upload_form_status
from spends.htmx import HtmxHttpRequest, close_dialog, render_page
from spends.paging import paginate
from spends.templatetags.formatting import date_text, money
from spends.uploads import oversized_uploads, size_limit_text
from warranties.status import WarrantyStatus, shown_status

# The event that makes the inventory table (and a detail page) fetch itself again.
PURCHASES_CHANGED = "purchases-changed"

# Sortable columns: sort key and the direction of a first click.
SORT_COLUMNS = {
    "product_name": "",
    "price": "-",
    "purchase_date": "-",
    "created_at": "-",
}


@dataclasses.dataclass(frozen=True)
class WarrantyBadge:
    """A row's warranty status (its look is templates/warranties/status_badge.html) and the
    days it has left or has been over."""

    status: str
    detail: str = ""


def _days(count: int) -> str:
    return f"{count} day{'' if count == 1 else 's'}"


def warranty_badge(warranty, today: datetime.date) -> WarrantyBadge:
    if warranty is None:
        return WarrantyBadge("NONE")
    status = shown_status(voided=warranty.voided, warranty_end=warranty.warranty_end, today=today)
    days = warranty.days_remaining_on(today)
    if status == WarrantyStatus.VOIDED:
        return WarrantyBadge(status)
    if status == WarrantyStatus.EXPIRED:
        return WarrantyBadge(status, f"{_days(-days)} ago")
    if days is None:
        return WarrantyBadge(status, "lifetime")
    return WarrantyBadge(status, "ends today" if days == 0 else f"{_days(days)} left")


@dataclasses.dataclass(frozen=True)
class RowLinks:
    """A table row's links, each named after its URL (`purchase_<field>`)."""

    detail: str
    update: str
    delete: str
    receive: str

    @classmethod
    def maker(cls) -> Callable[[uuid.UUID], Self]:
        """Each URL is reversed once, for a stand-in id; a row's links are then the stand-in
        replaced by its id. Reversing the seven links of each row took a third of the
        table's time."""
        stand_in = str(uuid.UUID(int=0))
        patterns = [
            reverse(f"purchase_{field.name}", args=[stand_in]) for field in dataclasses.fields(cls)
        ]
        return lambda purchase_id: cls(
            *(url.replace(stand_in, str(purchase_id)) for url in patterns)
        )


def _table_rows(purchases, *, today: datetime.date, date_format: str) -> list[dict]:
    """The table's rows (inventory_row), with what they share made once: the links' pattern
    and the badges, each written once per look."""
    links_for = RowLinks.maker()
    written: dict[tuple, str] = {}

    def write(template_name: str, context: dict) -> str:
        key = (template_name, repr(context))
        if key not in written:
            written[key] = render_to_string(template_name, context)
        return written[key]

    return [
        inventory_row(
            purchase,
            today=today,
            date_format=date_format,
            links=links_for(purchase.id),
            write=write,
        )
        for purchase in purchases
    ]


def inventory_row(
    purchase: Purchase,
    *,
    today: datetime.date,
    date_format: str,
    links: RowLinks,
    write: Callable[[str, dict], str],
) -> dict:
    """What a table row (inventory.html#purchase-row) writes, each value formatted here once by
    the helpers the templates' tags use, and escaped once: per-row tags, includes and lookups
    on the model were most of the table's time, and the template writes the id, the links and
    the badges several times a row (a value escaped already is written as it is). A dict,
    which the template language reads fastest. `write(template, context)`: the template
    rendered with the context (the badges' templates, few contexts among many rows)."""
    badge = warranty_badge(getattr(purchase, "warranty", None), today)
    warranty_status = write("warranties/status_badge.html", {"status": badge.status})
    return {
        "id": escape(purchase.id),
        "product_name": escape(purchase.product_name),
        "retailer": escape(purchase.retailer.name) if purchase.retailer_id else None,
        "brand": escape(purchase.brand.name) if purchase.brand_id else None,
        "price": escape(money(purchase.price, purchase.currency_code)),
        "ordered": purchase.ordered,
        "purchase_date": escape(date_text(purchase.purchase_date, date_format)),
        "created": escape(date_text(purchase.created_at, date_format)),
        "status_badge": write(
            "purchases/inventory.html#status-badge", {"row": {"ordered": purchase.ordered}}
        ),
        "warranty": write(
            "purchases/inventory.html#warranty-badge",
            {"warranty_badge": warranty_status, "warranty_detail": badge.detail},
        ),
        "attachment_count": purchase.attachment_count,
        "links": {name: escape(url) for name, url in vars(links).items()},
    }


def _purchase_or_404(request: HtmxHttpRequest, purchase_id) -> Purchase:
    try:
        purchase = purchase_get(request.user, purchase_id)
    except NotFound:
        raise Http404("Purchase not found.") from None
    purchase.warranty_badge = warranty_badge(
        getattr(purchase, "warranty", None), today_for(request.user)
    )
    return purchase


def _next_url(request: HtmxHttpRequest, default: str) -> str:
    """Where a plain form goes back to: its `next` field when it is one of our own pages."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def _no_swap(response: HttpResponse) -> HttpResponse:
    """An htmx answer that swaps nothing in place; its toast still travels out of band (added by
    HtmxMessagesMiddleware)."""
    response["HX-Reswap"] = "none"
    return response


def _done(request: HtmxHttpRequest, *events: str) -> HttpResponse:
    """An htmx form succeeded: close the dialog and tell the page (`events`)."""
    return close_dialog(_no_swap(HttpResponse("")), *events)


def _sorting(current: str) -> dict:
    """Per sortable column: the sort its header link sets, its aria-sort and its arrow."""
    columns = {}
    for key, first in SORT_COLUMNS.items():
        if current == key:
            columns[key] = {"next": f"-{key}", "aria": "ascending", "icon": "bi-arrow-up"}
        elif current == f"-{key}":
            columns[key] = {"next": key, "aria": "descending", "icon": "bi-arrow-down"}
        else:
            columns[key] = {"next": f"{first}{key}", "aria": "none", "icon": "bi-arrow-down-up"}
    return columns


@require_http_methods(["GET"])
def inventory(request: HtmxHttpRequest) -> HttpResponse:
    owner = request.user
    retailers = catalog_names(owner, Retailer)
    brands = catalog_names(owner, Brand)
    filter_form = PurchaseFilterForm(request.GET, owner=owner, retailers=retailers, brands=brands)
    filters = filter_form.filters()
    page = paginate(
        request.GET,
        purchase_table(owner, filters),
        count=lambda purchases: purchase_list_total(owner, purchases),
    )
    page.page_obj.object_list = _table_rows(
        page.page_obj.object_list,
        today=today_for(owner),
        date_format=preferences_for(owner).date_format,
    )
    has_purchases = page.page_obj.paginator.count > 0 or purchase_count(owner) > 0
    context = {
        **page.as_context(),
        "filter_form": filter_form,
        "filtered": filter_form.has_filters(),
        "has_purchases": has_purchases,
        "sort": filters.sort,
        "sorting": _sorting(filters.sort),
        "retailers": retailers,
        "brands": brands,
        "statuses": PurchaseStatus.choices,
        "bulk_none": PurchaseBulkForm.NONE,
    }
    return render_page(request, "purchases/inventory.html", context, partial="purchase-table")


def _form_context(request: HtmxHttpRequest, form: PurchaseForm, **extra) -> dict:
    owner = request.user
    return {
        "form": form,
        "retailer_names": [name for _, name in catalog_names(owner, Retailer)],
        "brand_names": [name for _, name in catalog_names(owner, Brand)],
        "in_dialog": bool(request.htmx),
        **extra,
    }


def _save_purchase(request: HtmxHttpRequest, form: PurchaseForm, purchase_id=None):
    """Call the service as purchases.api does; a refused value goes beside its field."""
    fields = form.purchase_fields()
    warranty = form.warranty_data()
    try:
        if purchase_id is None:
            if warranty is not None:
                fields["warranty"] = warranty
            return services.purchase_create(owner=request.user, **fields)
        return services.purchase_update(
            owner=request.user, purchase_id=purchase_id, warranty=warranty, **fields
        )
    except NotFound:
        raise Http404("Purchase not found.") from None
    except ValidationError as error:
        form.add_service_error(error)
    except ApplicationError as error:
        form.add_error(None, error.message)
    return None


@require_http_methods(["GET", "POST"])
def purchase_create(request: HtmxHttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = PurchaseForm(request.POST)
        if form.is_valid():
            purchase = _save_purchase(request, form)
            if purchase is not None:
                messages.success(request, f"Added “{purchase.product_name}”.")
                if request.htmx:
                    return _done(request, PURCHASES_CHANGED)
                return redirect("inventory")
        status = 422
    else:
        form = PurchaseForm(
            initial={
                "currency_code": preferences_for(request.user).currency_code,
                "purchase_date": today_for(request.user),
            }
        )
        status = 200
    context = _form_context(
        request,
        form,
        title="Add purchase",
        action=reverse("purchase_create"),
        submit_label="Add purchase",
        cancel_url=reverse("inventory"),
    )
    return render_page(
        request, "purchases/purchase_form.html", context, partial="purchase-form", status=status
    )


@require_http_methods(["GET", "POST"])
def purchase_update(request: HtmxHttpRequest, purchase_id) -> HttpResponse:
    purchase = _purchase_or_404(request, purchase_id)
    if request.method == "POST":
        form = PurchaseForm(request.POST)
        if form.is_valid():
            saved = _save_purchase(request, form, purchase_id=purchase.id)
            if saved is not None:
                messages.success(request, f"Saved “{saved.product_name}”.")
                if request.htmx:
                    return _done(request, PURCHASES_CHANGED)
                return redirect(_next_url(request, reverse("inventory")))
        status = 422
    else:
        form = PurchaseForm(initial=PurchaseForm.initial_for(purchase))
        status = 200
    context = _form_context(
        request,
        form,
        purchase=purchase,
        title=f"Edit “{purchase.product_name}”",
        action=reverse("purchase_update", args=[purchase.id]),
        submit_label="Save changes",
        cancel_url=_next_url(request, reverse("inventory")),
        next=_next_url(request, ""),
    )
    return render_page(
        request, "purchases/purchase_form.html", context, partial="purchase-form", status=status
    )


@require_http_methods(["GET", "POST"])
def purchase_delete(request: HtmxHttpRequest, purchase_id) -> HttpResponse:
    purchase = _purchase_or_404(request, purchase_id)
    detail_url = reverse("purchase_detail", args=[purchase.id])
    if request.method == "POST":
        try:
            services.purchase_delete(owner=request.user, purchase_id=purchase.id)
        except NotFound:
            raise Http404("Purchase not found.") from None
        messages.success(request, f"Deleted “{purchase.product_name}”.")
        if request.htmx:
            if request.htmx.current_url_abs_path and (
                request.htmx.current_url_abs_path.split("?")[0] == detail_url
            ):
                # Its own page is gone: go to the inventory, where the toast shows.
                return HttpResponseClientRedirect(reverse("inventory"))
            return _done(request, PURCHASES_CHANGED)
        return redirect("inventory")
    context = {
        "purchase": purchase,
        "in_dialog": bool(request.htmx),
        "cancel_url": _next_url(request, reverse("inventory")),
    }
    return render_page(
        request, "purchases/purchase_delete.html", context, partial="purchase-delete"
    )


@require_http_methods(["POST"])
def purchase_receive(request: HtmxHttpRequest, purchase_id) -> HttpResponse:
    purchase = _purchase_or_404(request, purchase_id)
    try:
        purchase = services.purchase_mark_received(owner=request.user, purchase_id=purchase.id)
    except NotFound:
        raise Http404("Purchase not found.") from None
    messages.success(request, f"“{purchase.product_name}” marked received.")
    if request.htmx:
        if request.htmx.target == f"purchase-{purchase.id}":
            [row] = _table_rows(
                [purchase],
                today=today_for(request.user),
                date_format=preferences_for(request.user).date_format,
            )
            return render_page(
                request, "purchases/inventory.html", {"row": row}, partial="purchase-row"
            )
        response = _no_swap(HttpResponse(""))
        response["HX-Trigger"] = PURCHASES_CHANGED
        return response
    return redirect(_next_url(request, reverse("inventory")))


def _bulk_page(request: HtmxHttpRequest, form: PurchaseBulkForm, *, status: int, **extra):
    context = {
        "form": form,
        "in_dialog": bool(request.htmx),
        "next": _next_url(request, reverse("inventory")),
        **extra,
    }
    return render_page(
        request, "purchases/purchase_bulk.html", context, partial="purchase-bulk", status=status
    )


def _bulk_refused(request: HtmxHttpRequest, form: PurchaseBulkForm, problem: str):
    """Nothing was changed: with htmx a toast (the selection stays as it was), without a page
    that says why."""
    if request.htmx:
        messages.error(request, f"Nothing was changed: {problem}")
        return _no_swap(HttpResponse("", status=422))
    return _bulk_page(request, form, status=422, problem=problem)


@require_http_methods(["POST"])
def purchase_bulk(request: HtmxHttpRequest) -> HttpResponse:
    owner = request.user
    form = PurchaseBulkForm(request.POST)
    back = _next_url(request, reverse("inventory"))
    if not form.is_valid():
        return _bulk_refused(
            request, form, " ".join(error for errors in form.errors.values() for error in errors)
        )
    ids = form.cleaned_data["ids"]
    action = form.cleaned_data["action"]
    if action == "delete":
        if not form.cleaned_data["confirm"]:
            selected = purchase_list(owner).filter(id__in=ids)
            return _bulk_page(
                request,
                form,
                status=200,
                selected=selected[:10],
                selected_count=selected.count(),
                ids=ids,
            )
        count = services.purchase_bulk_delete(owner=owner, purchase_ids=ids)
        messages.success(request, f"Deleted {count} purchase{'' if count == 1 else 's'}.")
    else:
        try:
            count = services.purchase_bulk_update(
                owner=owner, purchase_ids=ids, **form.cleaned_data["changes"]
            )
        except ValidationError as error:
            return _bulk_refused(request, form, " ".join(error.messages))
        messages.success(request, f"Updated {count} purchase{'' if count == 1 else 's'}.")
    if request.htmx:
        return _done(request, PURCHASES_CHANGED)
    return redirect(back)


@require_http_methods(["GET"])
def purchase_detail(request: HtmxHttpRequest, purchase_id) -> HttpResponse:
    purchase = _purchase_or_404(request, purchase_id)
    context = {
        "purchase": purchase,
        "warranty": getattr(purchase, "warranty", None),
        **_attachments_context(request, purchase, AttachmentUploadForm()),
    }
    return render_page(
        request, "purchases/purchase_detail.html", context, partial="purchase-detail"
    )


# Attachments ---------------------------------------------------------------------------------

# The preview dialog shows at most this much of a text file; the download has all of it.
PREVIEW_TEXT_BYTES = 100 * 1024

# A file served inline is an image or a PDF (never markup: nosniff, and kinds are recognised by
# content), framed by our own pages only. It may load nothing and run nothing; the image and
# inline-style sources serve the image documents browsers build when an image is opened on its
# own. No `sandbox`: some browsers refuse to run their PDF viewer in a sandboxed document.
# Chromium's viewer shows PDFs under this policy (e2e/test_attachments.py).
INLINE_ATTACHMENT_CSP = {
    "default-src": [CSP.NONE],
    "img-src": [CSP.SELF],
    "style-src": [CSP.UNSAFE_INLINE],
    "frame-ancestors": [CSP.SELF],
}


def _attachments_context(
    request: HtmxHttpRequest, purchase: Purchase, upload_form: AttachmentUploadForm, problems=()
) -> dict:
    """What the detail page's #attachments region shows: the list, the upload form and the
    reasons the last upload's files were refused."""
    try:
        attachments = attachment_list(request.user, purchase.id)
    except NotFound:
        raise Http404("Purchase not found.") from None
    return {
        "purchase": purchase,
        "attachments": list(attachments),
        "upload_form": upload_form,
        "upload_problems": list(problems),
    }


def _attachment_or_404(request: HtmxHttpRequest, attachment_id) -> Attachment:
    try:
        attachment = attachment_get(request.user, attachment_id)
    except NotFound:
        raise Http404("Attachment not found.") from None
    return attachment


@dataclasses.dataclass
class UploadOutcome:
    """What became of an upload's files: the names stored, and why the others were not."""

    attached: list[str] = dataclasses.field(default_factory=list)
    too_large: list[str] = dataclasses.field(default_factory=list)
    refused: list[str] = dataclasses.field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        return self.too_large + self.refused

    def attached_message(self) -> str:
        if len(self.attached) == 1:
            return f"Attached “{self.attached[0]}”."
        return f"Attached {len(self.attached)} files."


def _attach_files(
    request: HtmxHttpRequest, purchase: Purchase, form: AttachmentUploadForm
) -> UploadOutcome:
    """Each file stands alone: the good ones are stored even when another in the same upload
    is refused, and every refusal is said."""
    outcome = UploadOutcome()
    # Files the upload handler dropped while reading the request never reach request.FILES.
    limit = size_limit_text(settings.SPENDS_MAX_ATTACHMENT_BYTES)
    for name in oversized_uploads(request):
        outcome.too_large.append(f"“{name}” is larger than the upload limit of {limit}.")
    valid = form.is_valid()
    files = form.chosen_files()
    if not files and not outcome.too_large:
        outcome.refused.append("Choose one or more files.")
    if not valid:
        return outcome
    for upload in files:
        try:
            attachment = services.attachment_add(
                owner=request.user,
                purchase_id=purchase.id,
                stream=upload,
                filename=upload.name,
                kind=form.cleaned_data["kind"],
            )
        except NotFound:
            raise Http404("Purchase not found.") from None
        except PayloadTooLarge as error:
            outcome.too_large.append(error.message)
        except ValidationError as error:
            outcome.refused.extend(error.messages)
        else:
            outcome.attached.append(attachment.filename)
    return outcome


@require_http_methods(["POST"])
def purchase_attachments(request: HtmxHttpRequest, purchase_id) -> HttpResponse:
    """Attach the chosen files to a purchase; htmx gets the #attachments region back with the
    refusals in it, a plain form the detail page with them as messages."""
    purchase = _purchase_or_404(request, purchase_id)
    form = AttachmentUploadForm(request.POST, request.FILES)
    outcome = _attach_files(request, purchase, form)
    if outcome.attached:
        messages.success(request, outcome.attached_message())
    if not request.htmx:
        # Post/Redirect/Get: the page shows what happened as messages.
        form_errors = [error for errors in form.errors.values() for error in errors]
        for problem in outcome.problems + form_errors:
            messages.error(request, problem)
        return redirect("purchase_detail", purchase.id)
    if outcome.too_large:
        status = 413
    elif outcome.problems or form.errors:
        status = 422
    else:
        status = 200
        # A fresh form for the next upload, keeping the kind just chosen.
        form = AttachmentUploadForm(initial={"kind": form.cleaned_data["kind"]})
    context = _attachments_context(request, purchase, form, outcome.problems)
    return render_page(
        request, "purchases/purchase_detail.html", context, partial="attachments", status=status
    )


@require_http_methods(["GET"])
def attachment_preview(request: HtmxHttpRequest, attachment_id) -> HttpResponse:
    attachment = _attachment_or_404(request, attachment_id)
    context = {
        "attachment": attachment,
        "purchase": attachment.purchase,
        "in_dialog": bool(request.htmx),
        "file_missing": not filestore.exists(attachment.sha256),
        "text": None,
        "text_truncated": attachment.size > PREVIEW_TEXT_BYTES,
        "preview_text_limit": size_limit_text(PREVIEW_TEXT_BYTES),
    }
    if attachment.preview_kind == "text" and not context["file_missing"]:
        context["text"] = attachment_text_start(attachment, PREVIEW_TEXT_BYTES)
        context["file_missing"] = context["text"] is None
    return render_page(
        request, "purchases/attachment_preview.html", context, partial="attachment-preview"
    )


@require_http_methods(["GET"])
@xframe_options_sameorigin
@csp_override(INLINE_ATTACHMENT_CSP)
def attachment_inline(request: HtmxHttpRequest, attachment_id) -> FileResponse:
    """An image or PDF to show inside our own page (the preview's frame, a thumbnail): framed
    by this site only, and allowed nothing beyond showing itself."""
    attachment = _attachment_or_404(request, attachment_id)
    try:
        return attachment_response(attachment, inline=True)
    except NotFound:
        raise Http404("This file has no preview.") from None


@require_http_methods(["GET"])
def attachment_download(request: HtmxHttpRequest, attachment_id) -> FileResponse:
    attachment = _attachment_or_404(request, attachment_id)
    try:
        return attachment_response(attachment)
    except NotFound:
        raise Http404("This attachment's file is missing.") from None


@require_http_methods(["GET", "POST"])
def attachment_delete(request: HtmxHttpRequest, attachment_id) -> HttpResponse:
    attachment = _attachment_or_404(request, attachment_id)
    detail_url = reverse("purchase_detail", args=[attachment.purchase_id])
    if request.method == "POST":
        try:
            services.attachment_delete(owner=request.user, attachment_id=attachment.id)
        except NotFound:
            raise Http404("Attachment not found.") from None
        messages.success(request, f"Deleted “{attachment.filename}”.")
        if request.htmx:
            return _done(request, PURCHASES_CHANGED)
        return redirect(detail_url)
    context = {
        "attachment": attachment,
        "purchase": attachment.purchase,
        "in_dialog": bool(request.htmx),
        "cancel_url": detail_url,
    }
    return render_page(
        request, "purchases/attachment_delete.html", context, partial="attachment-delete"
    )


@require_http_methods(["GET"])
def inventory_export(request: HtmxHttpRequest, file_format: str) -> HttpResponse:
    """The inventory's purchases as a CSV or JSON download: the same query string as the
    inventory page (its filters and sort; every page of it). Without filters, everything: the
    settings page's export links."""
    if file_format not in EXPORT_FORMATS:
        raise Http404("Unknown export format.")
    filters = PurchaseFilterForm(request.GET, owner=request.user).filters()
    return export_response(request.user, file_format, filters)


# The settings page's import form and, once an import has started, its job beneath it.
DATA_IMPORT_REGION = "purchases/settings_data.html#data-import"


def _start_import(request: HtmxHttpRequest, form: ImportForm) -> tuple[Job | None, int]:
    """The import started as a job, or None with the reasons on the form; and the status that
    answers it (413 for a file over the limit, 422 for any other problem)."""
    status = upload_form_status(
        request, form, limit=settings.SPENDS_MAX_IMPORT_BYTES, what="import"
    )
    if status is not None:
        return None, status
    upload = form.cleaned_data["file"]
    try:
        import_check_size(upload.size)
        data = upload.read()
        job = import_in_background(
            owner=request.user,
            filename=upload.name,
            data=data,
            file_format=import_detect_format(upload.name, data),
            options=form.options(),
        )
    except PayloadTooLarge as error:
        form.add_error("file", error.message)
        return None, 413
    except ImportFileError as error:
        form.add_error("file", error.message)
        return None, 422
    except ValidationError as error:
        add_service_errors(form, error)
        return None, 422
    return job, 200


@require_http_methods(["POST"])
def data_import(request: HtmxHttpRequest) -> HttpResponse:
    """Settings › Data: start importing the chosen file, always as a job. htmx gets the import
    region back with the job's progress beneath the form (it fetches itself until the report
    shows); a plain form goes on to the job's page, which does the same by reloading."""
    form = ImportForm(request.POST, request.FILES, owner=request.user)
    job, status = _start_import(request, form)
    if job is None:
        return render_settings(request, region=DATA_IMPORT_REGION, status=status, import_form=form)
    what = "Dry run" if form.cleaned_data["dry_run"] else "Import"
    title = f"{what} of “{form.cleaned_data['file'].name}”"
    messages.success(request, f"{title} started.")
    if not request.htmx:
        return redirect("job_detail", job.id)
    return render_settings(
        request, region=DATA_IMPORT_REGION, import_form=form, import_job=job, import_title=title
    )
