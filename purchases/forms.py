"""The inventory pages' forms: they parse what a person sends; the rules live in the services."""

import functools
import uuid
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from accounts.selectors import preferences_for
from catalog.models import Brand, Retailer
from catalog.selectors import catalog_names
from purchases.filekinds import ACCEPT, ALLOWED_KINDS_TEXT
from purchases.imports import DUPLICATE_POLICIES, ImportOptions, date_format_hint
from purchases.models import PRICE_MESSAGES, AttachmentKind, Purchase, PurchaseStatus
from purchases.selectors import (
    DEFAULT_PURCHASE_SORT,
    PURCHASE_SORTS,
    PurchaseFilters,
    purchase_currencies,
)
from spends.currencies import CURRENCY_CHOICES
from spends.forms import add_service_errors
from spends.uploads import size_limit_text
from warranties.models import WarrantyType
from warranties.services import MAX_DURATION_MONTHS

SORT_CHOICES = [(key, key) for key in PURCHASE_SORTS] + [(f"-{key}", key) for key in PURCHASE_SORTS]
WARRANTY_FILTER_CHOICES = [
    ("", "Any warranty"),
    ("ACTIVE", "Active"),
    ("EXPIRING_SOON", "Expiring soon"),
    ("EXPIRED", "Expired"),
    ("VOIDED", "Voided"),
    ("NONE", "No warranty"),
]


def date_input() -> forms.DateInput:
    # The browser's picker sends and shows ISO dates; the hint beneath says the user's format.
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class PurchaseFilterForm(forms.Form):
    """The inventory's query string, parsed in one place into PurchaseFilters. A value that does
    not parse is left out of the filters (and its error shown beside its field)."""

    search = forms.CharField(
        required=False,
        max_length=200,
        label="Search",
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "Product, notes, serial, model, brand"}
        ),
    )
    status = forms.ChoiceField(
        required=False, choices=[("", "Any status"), *PurchaseStatus.choices]
    )
    retailer = forms.ChoiceField(required=False)
    brand = forms.ChoiceField(required=False)
    date_from = forms.DateField(required=False, label="Bought from", widget=date_input())
    date_to = forms.DateField(required=False, label="Bought until", widget=date_input())
    price_min = forms.DecimalField(
        required=False, label="Price from", min_value=0, max_digits=12, decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"}),
    )  # fmt: skip
    price_max = forms.DecimalField(
        required=False, label="Price up to", min_value=0, max_digits=12, decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"}),
    )  # fmt: skip
    currency = forms.ChoiceField(required=False)
    warranty = forms.ChoiceField(required=False, choices=WARRANTY_FILTER_CHOICES)
    sort = forms.ChoiceField(required=False, choices=SORT_CHOICES, widget=forms.HiddenInput)

    def __init__(self, data, *, owner, retailers=None, brands=None, **kwargs):
        super().__init__(data, **kwargs)
        self.retailer_choices = (
            retailers if retailers is not None else catalog_names(owner, Retailer)
        )
        self.brand_choices = brands if brands is not None else catalog_names(owner, Brand)
        # Lists are checked item by item when they are set; given lazily, the hundreds of
        # retailers and brands are gone through only when a value is checked or the select is
        # drawn, and the htmx table needs neither for an unfiltered list.
        self.fields["retailer"].choices = functools.cache(
            lambda: [("", "Any retailer"), *self.retailer_choices]
        )
        self.fields["brand"].choices = functools.cache(
            lambda: [("", "Any brand"), *self.brand_choices]
        )
        # The owner's currencies are looked up only when a currency is given (to check it) or
        # the select is drawn; the htmx table needs neither.
        self.fields["currency"].choices = functools.cache(
            lambda: [("", "Any currency"), *((code, code) for code in purchase_currencies(owner))]
        )

    def filters(self) -> PurchaseFilters:
        self.is_valid()
        data = self.cleaned_data
        return PurchaseFilters(
            status=data.get("status") or None,
            retailer_id=data.get("retailer") or None,
            brand_id=data.get("brand") or None,
            search=data.get("search") or None,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            min_price=data.get("price_min"),
            max_price=data.get("price_max"),
            currency_code=data.get("currency") or None,
            warranty_status=data.get("warranty") or None,
            sort=data.get("sort") or DEFAULT_PURCHASE_SORT,
        )

    def has_filters(self) -> bool:
        """Whether any filter (not the sort) narrows the list."""
        filters = self.filters()
        return any(
            getattr(filters, field.name) not in (None, "")
            for field in filters.__dataclass_fields__.values()
            if field.name != "sort"
        )


# Where a service's error keys belong on PurchaseForm (purchases.api shows the same keys).
SERVICE_ERROR_FIELDS = {
    "retailer": "retailer_name",
    "retailer_id": "retailer_name",
    "retailer.name": "retailer_name",
    "brand": "brand_name",
    "brand_id": "brand_name",
    "brand.name": "brand_name",
    "warranty.warranty_start": "warranty_start",
    "warranty.warranty_end": "warranty_end",
    "warranty.duration_months": "duration_months",
    "warranty.warranty_type": "warranty_type",
    "warranty.provider": "warranty_provider",
    "warranty.notes": "warranty_notes",
}


PRICE_DECIMALS_MESSAGE = PRICE_MESSAGES["max_decimal_places"]


class PurchaseForm(forms.Form):
    """A purchase with its warranty, for the add and edit dialogs."""

    product_name = forms.CharField(
        max_length=200,
        label="Product",
        error_messages={"required": "Give the product's name."},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    price = forms.DecimalField(
        min_value=Decimal("0"),
        max_digits=10,
        decimal_places=2,
        error_messages={
            "required": "Give the price.",
            "invalid": "Give the price as a number, such as 19.99.",
            **PRICE_MESSAGES,
        },
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"}),
    )
    currency_code = forms.ChoiceField(label="Currency", choices=CURRENCY_CHOICES)
    status = forms.ChoiceField(choices=PurchaseStatus.choices, initial=PurchaseStatus.RECEIVED)
    purchase_date = forms.DateField(
        label="Purchase date",
        widget=date_input(),
        error_messages={"required": "Give the purchase date.", "invalid": "Enter a valid date."},
    )
    retailer_name = forms.CharField(
        required=False,
        max_length=100,
        label="Retailer",
        help_text="Pick one of yours or type a new name.",
        widget=forms.TextInput(attrs={"list": "retailer-options", "autocomplete": "off"}),
    )
    brand_name = forms.CharField(
        required=False,
        max_length=100,
        label="Brand",
        help_text="Pick one of yours or type a new name.",
        widget=forms.TextInput(attrs={"list": "brand-options", "autocomplete": "off"}),
    )
    serial_number = forms.CharField(required=False, max_length=100, label="Serial number")
    model_number = forms.CharField(required=False, max_length=100, label="Model number")
    order_number = forms.CharField(required=False, max_length=100, label="Order number")
    notes = forms.CharField(
        required=False, max_length=10_000, widget=forms.Textarea(attrs={"rows": 3})
    )

    has_warranty = forms.BooleanField(
        required=False,
        label="This purchase has a warranty",
        widget=forms.CheckboxInput(attrs={"data-warranty-toggle": ""}),
    )
    warranty_type = forms.ChoiceField(
        required=False, label="Warranty type", choices=WarrantyType.choices,
        initial=WarrantyType.MANUFACTURER,
    )  # fmt: skip
    warranty_start = forms.DateField(
        required=False,
        label="Warranty start",
        help_text="Empty: the purchase date.",
        widget=date_input(),
    )
    warranty_end = forms.DateField(
        required=False,
        label="Warranty end",
        help_text="An end date, or a duration below.",
        widget=date_input(),
    )
    duration_months = forms.IntegerField(
        required=False,
        label="Or duration (months)",
        min_value=1,
        max_value=MAX_DURATION_MONTHS,
        error_messages={
            "min_value": f"Give between 1 and {MAX_DURATION_MONTHS} months.",
            "max_value": f"Give between 1 and {MAX_DURATION_MONTHS} months.",
            "invalid": "Give a whole number of months.",
        },
        widget=forms.NumberInput(attrs={"min": "1", "max": str(MAX_DURATION_MONTHS)}),
    )
    warranty_provider = forms.CharField(required=False, max_length=200, label="Provider")
    warranty_notes = forms.CharField(
        required=False,
        max_length=10_000,
        label="Warranty notes",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    PURCHASE_FIELDS = (
        "product_name", "price", "currency_code", "status", "purchase_date", "retailer_name",
        "brand_name", "serial_number", "model_number", "order_number", "notes",
    )  # fmt: skip
    WARRANTY_FIELDS = (
        "has_warranty", "warranty_type", "warranty_start", "warranty_end", "duration_months",
        "warranty_provider", "warranty_notes",
    )  # fmt: skip

    @classmethod
    def initial_for(cls, purchase: Purchase) -> dict:
        initial = {
            "product_name": purchase.product_name,
            "price": purchase.price,
            "currency_code": purchase.currency_code,
            "status": purchase.status,
            "purchase_date": purchase.purchase_date,
            "retailer_name": purchase.retailer.name if purchase.retailer_id else "",
            "brand_name": purchase.brand.name if purchase.brand_id else "",
            "serial_number": purchase.serial_number,
            "model_number": purchase.model_number,
            "order_number": purchase.order_number,
            "notes": purchase.notes,
        }
        warranty = getattr(purchase, "warranty", None)
        if warranty is not None:
            initial.update(
                has_warranty=True,
                warranty_type=warranty.warranty_type,
                warranty_start=warranty.warranty_start,
                warranty_end=warranty.warranty_end,
                warranty_provider=warranty.provider,
                warranty_notes=warranty.notes,
            )
        return initial

    def purchase_fields(self) -> dict:
        """The keyword arguments of purchases.services.purchase_create / purchase_update."""
        data = self.cleaned_data
        return {key: data[key] for key in self.PURCHASE_FIELDS}

    def warranty_data(self) -> dict | None:
        """The warranty as the services take it (like the API's `warranty` object), or None."""
        data = self.cleaned_data
        if not data.get("has_warranty"):
            return None
        return {
            "warranty_type": data.get("warranty_type") or WarrantyType.MANUFACTURER,
            "warranty_start": data.get("warranty_start"),
            "warranty_end": data.get("warranty_end"),
            "duration_months": data.get("duration_months"),
            "provider": data.get("warranty_provider", ""),
            "notes": data.get("warranty_notes", ""),
        }

    def add_service_error(self, error: ValidationError) -> None:
        """Put a service's ValidationError beside the fields it names."""
        add_service_errors(self, error, SERVICE_ERROR_FIELDS)


class MultipleUuidField(forms.Field):
    widget = forms.MultipleHiddenInput

    default_error_messages = {
        "required": "Select at least one purchase.",
        "invalid": "Select purchases from the list.",
    }

    def to_python(self, value) -> list[uuid.UUID]:
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        try:
            return list(dict.fromkeys(uuid.UUID(str(item)) for item in value))
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class PurchaseBulkForm(forms.Form):
    """One change to several selected purchases: delete, or set status, retailer or brand."""

    ACTIONS = [
        ("delete", "Delete"),
        ("status", "Set status"),
        ("retailer", "Set retailer"),
        ("brand", "Set brand"),
    ]
    # The value that clears the retailer or brand of the selected purchases.
    NONE = "none"

    action = forms.ChoiceField(
        choices=ACTIONS, error_messages={"required": "Choose what to do with the selection."}
    )
    ids = MultipleUuidField()
    value = forms.CharField(required=False, max_length=100)
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        action, value = data.get("action"), (data.get("value") or "").strip()
        if action == "status":
            if value not in PurchaseStatus.values:
                self.add_error("value", "Choose Ordered or Received.")
            else:
                data["changes"] = {"status": value}
        elif action in ("retailer", "brand"):
            if not value:
                self.add_error("value", f"Choose a {action}, or “No {action}”.")
            elif value == self.NONE:
                data["changes"] = {f"{action}_id": None}
            else:
                try:
                    data["changes"] = {f"{action}_id": uuid.UUID(value)}
                except ValueError:
                    self.add_error("value", f"Choose a {action} from the list.")
        return data


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class AttachmentUploadForm(forms.Form):
    """A purchase's upload: the files and the kind they are attached as. Each file is checked
    by the service (its size, its kind recognised by content), so this form only collects them;
    a request without any file is for the view to answer, since the upload handler may have
    dropped the chosen files for being too large."""

    files = forms.Field(
        label="Files",
        required=False,
        # The browser's picker offers the allowed kinds and asks for a file before sending.
        widget=MultipleFileInput(attrs={"accept": ACCEPT, "required": True}),
    )
    kind = forms.ChoiceField(
        label="Kind",
        choices=AttachmentKind.choices,
        initial=AttachmentKind.RECEIPT,
        error_messages={
            "required": "Choose what kind of file this is.",
            "invalid_choice": "Choose one of the kinds in the list.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read when the form is made, so the hint follows the configured limit.
        limit = size_limit_text(settings.SPENDS_MAX_ATTACHMENT_BYTES)
        self.fields["files"].help_text = f"{ALLOWED_KINDS_TEXT}, up to {limit} each"

    def chosen_files(self) -> list:
        return list(self.cleaned_data.get("files") or [])


class ImportForm(forms.Form):
    """The settings page's import: one file (CSV or JSON, told apart by its name or its first
    character) and the import's options. Reading the file is the import service's work; the
    view answers a file dropped for its size, which never reaches this form."""

    FILE_TYPES = ".csv,.json,text/csv,application/json"
    DUPLICATE_CHOICES = [
        (policy, f"{policy.capitalize()} duplicates") for policy in DUPLICATE_POLICIES
    ]

    file = forms.FileField(
        label="File",
        error_messages={
            "required": "Choose a CSV or JSON file to import.",
            "empty": "The file is empty.",
            "invalid": "Choose a CSV or JSON file to import.",
            "missing": "Choose a CSV or JSON file to import.",
        },
        widget=forms.FileInput(attrs={"accept": FILE_TYPES}),
    )
    dry_run = forms.BooleanField(required=False, label="Dry run (check only, write nothing)")
    on_duplicate = forms.ChoiceField(
        # Absent means the default, as in the API; only an unknown policy is refused.
        required=False,
        label="When a row is already one of your purchases",
        choices=DUPLICATE_CHOICES,
        initial="skip",
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        error_messages={"invalid_choice": "Choose to skip or to update duplicates."},
    )
    partial = forms.BooleanField(
        required=False, label="Import valid rows even if some rows have problems"
    )

    def __init__(self, *args, owner, **kwargs):
        kwargs.setdefault("prefix", "import")
        super().__init__(*args, **kwargs)
        # Read when the form is made, so the hints follow the configured limit and the user's
        # date format.
        self.size_limit = size_limit_text(settings.SPENDS_MAX_IMPORT_BYTES)
        self.date_hint = date_format_hint(preferences_for(owner).date_format)
        self.fields["file"].help_text = f"A CSV file or a JSON export, up to {self.size_limit}."

    def clean_on_duplicate(self) -> str:
        return self.cleaned_data.get("on_duplicate") or "skip"

    def options(self) -> ImportOptions:
        data = self.cleaned_data
        return ImportOptions(
            on_duplicate=data["on_duplicate"], dry_run=data["dry_run"], partial=data["partial"]
        )
