from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Length, Lower, Trim, Upper
from django.db.models.lookups import Exact

from catalog.models import Brand, Retailer
from purchases.filekinds import preview_kind
from spends.currencies import CURRENCY_CHOICES, DEFAULT_CURRENCY
from spends.models import BulkOwnedModel, OwnedModel


class PurchaseStatus(models.TextChoices):
    ORDERED = "ORDERED", "Ordered"
    RECEIVED = "RECEIVED", "Received"


# How the price's rules are told, wherever a price is checked (the model, the form, an import).
PRICE_MESSAGES = {
    "min_value": "The price cannot be negative.",
    "max_decimal_places": "Give at most 2 decimal places (cents); the price is not rounded.",
    "max_digits": "The price is too large: at most 10 digits in total.",
    "max_whole_digits": "The price is too large: at most 8 digits before the point.",
}


class Purchase(BulkOwnedModel):
    product_name = models.CharField(max_length=200)
    price = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
        error_messages=PRICE_MESSAGES,
    )
    currency_code = models.CharField(
        max_length=3, choices=CURRENCY_CHOICES, default=DEFAULT_CURRENCY
    )
    retailer = models.ForeignKey(
        Retailer, on_delete=models.PROTECT, null=True, blank=True, related_name="purchases"
    )
    brand = models.ForeignKey(
        Brand, on_delete=models.PROTECT, null=True, blank=True, related_name="purchases"
    )
    status = models.CharField(
        max_length=8, choices=PurchaseStatus.choices, default=PurchaseStatus.RECEIVED
    )
    purchase_date = models.DateField()
    serial_number = models.CharField(max_length=100, blank=True)
    model_number = models.CharField(max_length=100, blank=True)
    order_number = models.CharField(max_length=100, blank=True)
    notes = models.TextField(max_length=10_000, blank=True, validators=[MaxLengthValidator(10_000)])

    class Meta:
        ordering = ["-purchase_date", "-created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(price__gte=0), name="purchase_price_not_negative"
            ),
            models.CheckConstraint(
                condition=~models.Q(product_name="") & models.Q(product_name=Trim("product_name")),
                name="purchase_product_name_trimmed_not_empty",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=PurchaseStatus.values), name="purchase_status_known"
            ),
            models.CheckConstraint(
                condition=models.Q(currency_code=Upper("currency_code"))
                & Exact(Length("currency_code"), 3),
                name="purchase_currency_code_iso_shape",
            ),
        ]
        indexes = [
            # The default list order and its tie-breakers; also serves date-range filters.
            models.Index(
                "owner",
                models.F("purchase_date").desc(),
                models.F("created_at").desc(),
                "id",
                name="purchase_owner_date",
            ),
            models.Index(fields=["owner", "price"], name="purchase_owner_price"),
            models.Index("owner", Lower("product_name"), name="purchase_owner_name"),
            models.Index(fields=["owner", "created_at"], name="purchase_owner_created"),
            # Status filters, and with a currency too; with the id, a filter that also joins the
            # warranty (warranties.warranty_state_by_purchase) counts its matches from the indexes
            # alone (SQLite: 55 → 10 ms for received EUR purchases with an active warranty).
            models.Index(
                fields=["owner", "status", "currency_code", "id"], name="purchase_owner_status_cur"
            ),
            models.Index(fields=["owner", "retailer"], name="purchase_owner_retailer"),
            models.Index(fields=["owner", "brand"], name="purchase_owner_brand"),
            # Analytics: amounts are always in one currency, often of a period. The index holds
            # every column the sums, counts and groups read, so they scan the index alone
            # (index-only) and never the wide rows with their notes.
            models.Index(
                fields=[
                    "owner",
                    "currency_code",
                    "purchase_date",
                    "status",
                    "price",
                    "retailer",
                    "brand",
                ],
                name="purchase_cur_date_figures",
            ),  # fmt: skip
            # Top products: grouped by the name as analytics compares it, in index order.
            models.Index(
                "owner",
                "currency_code",
                Lower(Trim("product_name")),
                "product_name",
                "purchase_date",
                "price",
                name="purchase_cur_product_key",
            ),
        ]

    def __str__(self) -> str:
        return self.product_name

    @property
    def ordered(self) -> bool:
        """Ordered, not yet received (what the status badge shows)."""
        return self.status == PurchaseStatus.ORDERED

    def clean_fields(self, exclude=None) -> None:
        # Trim before the field checks, so that "   " counts as empty.
        self.product_name = (self.product_name or "").strip()
        super().clean_fields(exclude=exclude)

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.retailer_id and self.retailer.owner_id != self.owner_id:
            errors["retailer"] = "Unknown retailer."
        if self.brand_id and self.brand.owner_id != self.owner_id:
            errors["brand"] = "Unknown brand."
        if errors:
            raise ValidationError(errors)


class AttachmentKind(models.TextChoices):
    RECEIPT = "receipt", "Receipt"
    INVOICE = "invoice", "Invoice"
    MANUAL = "manual", "Manual"
    PHOTO = "photo", "Photo"
    OTHER = "other", "Other"


class Attachment(OwnedModel):
    """A file attached to a purchase. The bytes live in the content-addressed file store,
    named by `sha256`; identical files share one stored copy."""

    purchase = models.ForeignKey(Purchase, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(
        max_length=10, choices=AttachmentKind.choices, default=AttachmentKind.OTHER
    )
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=AttachmentKind.values), name="attachment_kind_known"
            ),
            models.CheckConstraint(
                condition=Exact(Length("sha256"), 64), name="attachment_sha256_length"
            ),
        ]
        indexes = [models.Index(fields=["purchase", "created_at"], name="attachment_purchase")]

    def __str__(self) -> str:
        return self.filename

    @property
    def preview_kind(self) -> str:
        return preview_kind(self.content_type)
