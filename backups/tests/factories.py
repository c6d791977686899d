"""Sample data for the backup tests: purchases with a warranty and a receipt whose file is really
stored, API clients of staff, and damaged copies of archives."""

import io
from decimal import Decimal
from pathlib import Path

from django.test import Client

from accounts.services import api_token_create
from catalog.tests.factories import BrandFactory, RetailerFactory
from purchases.models import AttachmentKind, Purchase
from purchases.services import attachment_add
from purchases.tests.factories import PurchaseFactory
from purchases.tests.files import tiny_png
from warranties.tests.factories import WarrantyFactory

RECEIPT = tiny_png(4, 4)


def purchase_with_receipt(
    owner, *, product_name: str = "Kettle", price: str = "24.99", receipt: bytes = RECEIPT
) -> Purchase:
    """A purchase with a retailer, a brand, a warranty and a stored receipt."""
    purchase = PurchaseFactory(
        owner=owner, product_name=product_name, price=Decimal(price),
        retailer=RetailerFactory(owner=owner), brand=BrandFactory(owner=owner),
    )  # fmt: skip
    WarrantyFactory(owner=owner, purchase=purchase, provider="Maker")
    attachment_add(
        owner=owner, purchase_id=purchase.pk, stream=io.BytesIO(receipt),
        filename="receipt.png", kind=AttachmentKind.RECEIPT,
    )  # fmt: skip
    return purchase


def token_client(user) -> Client:
    """A test client that calls the API with a bearer token of `user`."""
    _, token = api_token_create(owner=user, name="tests")
    return Client(headers={"Authorization": f"Bearer {token}"})


def damaged_copy(archive: Path, target: Path, *, inside: bytes) -> Path:
    """A copy of `archive` with one byte flipped in the middle of the first place that holds
    `inside` (a stored file's bytes, which the archive keeps uncompressed)."""
    data = bytearray(archive.read_bytes())
    start = data.find(inside)
    assert start >= 0, "the archive does not hold these bytes as they are"
    data[start + len(inside) // 2] ^= 0xFF
    target.write_bytes(bytes(data))
    return target
