"""Export then import into an empty account reproduces everything exactly (SPEC section 6)."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog.models import Brand, Retailer
from catalog.tests.factories import BrandFactory, RetailerFactory
from purchases.models import Purchase
from purchases.tests.factories import PurchaseFactory
from warranties.models import Warranty, WarrantyType
from warranties.tests.factories import WarrantyFactory

pytestmark = pytest.mark.django_db

TRICKY_NOTES = [
    "=HYPERLINK(\"http://evil.example\")", "+44 20 7946 0958", "-5% off", "@reply",
    "\tindented", "\rcarriage", "'=already quoted", "''=twice", "'plain quote",
    "line one\nline two, with \"quotes\"", "ünïcödé ✓ 😀", "",
]  # fmt: skip


def stamp(day: int) -> datetime.datetime:
    return datetime.datetime(2025, 3, day, 8, 30, 15, 123456, tzinfo=datetime.UTC)


@pytest.fixture
def everything(user):
    """Alice's data, with every field set and every kind of warranty."""
    shop = RetailerFactory(owner=user, name="Corner Shop", url="https://shop.example")
    online = RetailerFactory(owner=user, name="=Online", url="")
    maker = BrandFactory(owner=user, name="Acme", url="https://acme.example")
    prices = [Decimal("0.10"), Decimal("99999999.99"), Decimal("1234.50"), Decimal("0")]
    for index, notes in enumerate(TRICKY_NOTES):
        purchase = PurchaseFactory(
            owner=user, product_name=f"Item {index} -dash" if index % 2 else f"@Item {index}",
            price=prices[index % 4], currency_code=("USD", "EUR", "JPY")[index % 3],
            status=("ORDERED", "RECEIVED")[index % 2],
            purchase_date=datetime.date(2024, 1 + index, 28),
            retailer=(shop, online, None)[index % 3], brand=maker if index % 2 else None,
            serial_number=f"SN-{index}", model_number="+M" if index == 3 else "M",
            order_number=f"=ORD{index}", notes=notes,
        )  # fmt: skip
        kind = index % 4
        if kind == 0:
            WarrantyFactory(purchase=purchase, provider="Acme care", notes="-covers screen")
        elif kind == 1:
            WarrantyFactory(purchase=purchase, voided=True, warranty_type=WarrantyType.EXTENDED,
                            warranty_end=datetime.date(2020, 1, 1),
                            warranty_start=datetime.date(2019, 1, 1))  # fmt: skip
        elif kind == 2:
            WarrantyFactory(purchase=purchase, warranty_type=WarrantyType.LIFETIME,
                            warranty_end=None)  # fmt: skip
    # Times as they would be after months of use, to the microsecond.
    for day, purchase in enumerate(Purchase.objects.filter(owner=user), start=1):
        Purchase.objects.filter(pk=purchase.pk).update(
            created_at=stamp(day), updated_at=stamp(day + 1)
        )
        Warranty.objects.filter(purchase=purchase).update(
            created_at=stamp(day), updated_at=stamp(day)
        )
    Retailer.objects.filter(owner=user).update(created_at=stamp(1), updated_at=stamp(2))
    Brand.objects.filter(owner=user).update(created_at=stamp(3), updated_at=stamp(4))
    return user


def snapshot(owner, *, with_catalog_ids: bool) -> list[tuple]:
    rows = []
    for purchase in (
        Purchase.objects.filter(owner=owner)
        .select_related("retailer", "brand", "warranty")
        .order_by("id")
    ):
        warranty = getattr(purchase, "warranty", None)
        rows.append((
            purchase.id, purchase.product_name, purchase.price, purchase.currency_code,
            purchase.status, purchase.purchase_date, purchase.serial_number,
            purchase.model_number, purchase.order_number, purchase.notes,
            purchase.created_at, purchase.updated_at,
            purchase.retailer and (purchase.retailer.name, purchase.retailer.url,
                                   with_catalog_ids and purchase.retailer.id),
            purchase.brand and (purchase.brand.name, purchase.brand.url,
                                with_catalog_ids and purchase.brand.id),
            warranty and (
                warranty.warranty_start, warranty.warranty_end, warranty.warranty_type,
                warranty.voided, warranty.provider, warranty.notes,
                with_catalog_ids and warranty.id,
                with_catalog_ids and warranty.created_at, with_catalog_ids and warranty.updated_at,
            ),
        ))  # fmt: skip
    return rows


def wipe(owner) -> None:
    Purchase.objects.filter(owner=owner).delete()
    Retailer.objects.filter(owner=owner).delete()
    Brand.objects.filter(owner=owner).delete()


def export_then_import(api_client, owner, file_format: str) -> dict:
    exported = api_client.get(f"/api/export/{file_format}")
    assert exported.status_code == 200
    content = b"".join(exported.streaming_content)
    wipe(owner)
    assert not Purchase.objects.filter(owner=owner).exists()
    upload = SimpleUploadedFile(f"export.{file_format}", content)
    response = api_client.post(f"/api/import/{file_format}", {"file": upload})
    assert response.status_code == 200, response.json()
    return response.json()


def test_a_json_round_trip_reproduces_every_field_and_id_exactly(api_client, everything):
    before = snapshot(everything, with_catalog_ids=True)
    catalog_before = sorted(Retailer.objects.filter(owner=everything).values_list(
        "id", "name", "url", "created_at", "updated_at"))  # fmt: skip

    report = export_then_import(api_client, everything, "json")

    assert (report["created"], report["failed"]) == (len(TRICKY_NOTES), 0)
    assert snapshot(everything, with_catalog_ids=True) == before
    assert sorted(Retailer.objects.filter(owner=everything).values_list(
        "id", "name", "url", "created_at", "updated_at")) == catalog_before  # fmt: skip
    assert Brand.objects.filter(owner=everything).count() == 1


def test_a_csv_round_trip_reproduces_purchases_and_warranties_exactly(api_client, everything):
    before = snapshot(everything, with_catalog_ids=False)

    report = export_then_import(api_client, everything, "csv")

    assert (report["created"], report["failed"]) == (len(TRICKY_NOTES), 0)
    assert snapshot(everything, with_catalog_ids=False) == [
        # A CSV names retailers and brands but carries no addresses for them.
        (*row[:12], row[12] and (row[12][0], "", False), row[13] and (row[13][0], "", False),
         row[14])
        for row in before
    ]  # fmt: skip


def test_importing_the_same_export_again_skips_every_purchase(api_client, everything):
    exported = b"".join(api_client.get("/api/export/csv").streaming_content)
    before = snapshot(everything, with_catalog_ids=True)

    response = api_client.post(
        "/api/import/csv", {"file": SimpleUploadedFile("again.csv", exported)}
    )

    assert (response.json()["created"], response.json()["skipped"]) == (0, len(TRICKY_NOTES))
    assert snapshot(everything, with_catalog_ids=True) == before
