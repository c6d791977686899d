"""An instance with something of everything a backup holds, and ways to look at all of it."""

import datetime
import io
from decimal import Decimal

import pytest

from accounts.services import api_token_create, preferences_update
from backups import dump
from catalog.tests.factories import BrandFactory, RetailerFactory
from purchases import filestore
from purchases.models import Purchase
from purchases.tests.factories import AttachmentFactory, PurchaseFactory
from warranties.models import CalendarFeed, WarrantyReminder, WarrantyType
from warranties.tests.factories import WarrantyFactory

PDF_BYTES = b"%PDF-1.4\n% a receipt\n" + bytes(range(256)) * 40
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"a photo of the box" * 500


def store(data: bytes) -> filestore.StoredFile:
    return filestore.put(io.BytesIO(data))


@pytest.fixture
def populated(user, other_user, staff_user):
    """Two people's data, with every kind of row and two stored files (one shared by both)."""
    preferences_update(
        user=user, currency_code="EUR", date_format="DD.MM.YYYY", reminders_enabled=True,
        reminder_email="alerts@example.org",
    )  # fmt: skip
    CalendarFeed.objects.create(owner=user, secret="a-calendar-secret-of-alice")
    api_token_create(owner=user, name="script")
    for owner, suffix in ((user, "a"), (other_user, "m")):
        retailer = RetailerFactory(owner=owner, name=f"Shop {suffix}", url="https://shop.example")
        brand = BrandFactory(owner=owner, name=f"Brand {suffix}")
        laptop = PurchaseFactory(
            owner=owner, product_name=f"Laptop {suffix}", price=Decimal("1234.56"),
            currency_code="EUR", retailer=retailer, brand=brand, notes="Ünïcode ✓\nsecond line",
            serial_number="SN-1", purchase_date=datetime.date(2025, 3, 1),
        )  # fmt: skip
        warranty = WarrantyFactory(
            owner=owner, purchase=laptop, warranty_start=datetime.date(2025, 3, 1),
            warranty_end=datetime.date(2027, 3, 1), provider="Maker", voided=False,
        )  # fmt: skip
        WarrantyReminder.objects.create(
            owner=owner, warranty=warranty, warranty_end=datetime.date(2026, 3, 1),
            sent_on=datetime.date(2026, 2, 1), sent_to=f"{owner.username}@example.com",
            sent_at=datetime.datetime(2026, 2, 1, 8, 0, tzinfo=datetime.UTC),
        )  # fmt: skip
        lamp = PurchaseFactory(owner=owner, product_name=f"Lamp {suffix}", price=Decimal("0.10"))
        WarrantyFactory(
            owner=owner, purchase=lamp, warranty_type=WarrantyType.LIFETIME,
            warranty_start=datetime.date(2026, 1, 15), warranty_end=None,
        )  # fmt: skip
        PurchaseFactory(owner=owner, product_name=f"Cable {suffix}", status="ORDERED")
        pdf = store(PDF_BYTES)
        AttachmentFactory(
            owner=owner, purchase=laptop, filename="receipt.pdf", size=pdf.size, sha256=pdf.sha256
        )
    png = store(PNG_BYTES + b"user")
    AttachmentFactory(
        owner=user, purchase=Purchase.objects.get(owner=user, product_name="Laptop a"),
        filename="box.png", content_type="image/png", kind="photo", size=png.size,
        sha256=png.sha256,
    )  # fmt: skip
    return user


def all_rows(using: str = "default") -> dict[str, list[tuple]]:
    """Every row of every backed-up table, as comparable tuples, in primary-key order."""
    return {
        dump.label(model): list(
            model._default_manager.using(using).order_by("pk").values_list(*dump.columns(model))
        )
        for model in dump.dumped_models()
    }


def stored_files() -> dict[str, bytes]:
    files = {}
    for name in filestore.stored_names():
        with filestore.storage().open(name, "rb") as handle:
            files[name] = handle.read()
    return files
