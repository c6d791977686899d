"""spends.bulk.RowStream: batches of rows written while the caller goes on (PostgreSQL: a COPY
left open), seen by the next query, and gone with the transaction when the block fails."""

import datetime
import uuid
from decimal import Decimal

import psycopg
import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from catalog.models import Retailer
from purchases.models import Purchase
from spends.bulk import RowStream

pytestmark = pytest.mark.django_db
# How the database refuses a row: through Django's cursor (SQLite), or from the COPY, which
# psycopg runs itself (PostgreSQL).
REFUSED = (IntegrityError, psycopg.errors.CheckViolation)


def purchase_row(owner, name: str) -> dict:
    now = timezone.now()
    return {
        "id": uuid.uuid4(), "owner_id": owner.pk, "product_name": name, "price": Decimal("1.50"),
        "currency_code": "USD", "purchase_date": datetime.date(2026, 1, 2), "status": "RECEIVED",
        "retailer_id": None, "brand_id": None, "serial_number": "", "model_number": "",
        "order_number": "", "notes": "", "created_at": now, "updated_at": now,
    }  # fmt: skip


def test_rows_written_are_there_for_the_next_query_and_after_the_block(user):
    with transaction.atomic(), RowStream() as stream:
        stream.write(Purchase, [purchase_row(user, "Lamp"), purchase_row(user, "Desk")])
        # A query on the connection while the batch may still be going in: it waits for it.
        assert Purchase.objects.filter(owner=user).count() == 2
        stream.write(Purchase, [purchase_row(user, "Chair")])
        Retailer.objects.create(owner=user, name="Shop")  # a write, too
        stream.write(Purchase, [purchase_row(user, "Shelf")])
    names = set(Purchase.objects.filter(owner=user).values_list("product_name", flat=True))
    assert names == {"Lamp", "Desk", "Chair", "Shelf"}
    assert Purchase.objects.get(product_name="Lamp").price == Decimal("1.50")


def test_a_block_that_fails_leaves_nothing(user):
    with pytest.raises(RuntimeError), transaction.atomic(), RowStream() as stream:
        stream.write(Purchase, [purchase_row(user, "Lamp")])
        raise RuntimeError("stop")
    assert not Purchase.objects.filter(owner=user).exists()


def test_a_row_the_database_refuses_fails_the_block(user):
    refused = purchase_row(user, "Lamp") | {"price": Decimal("-1.00")}  # prices are >= 0
    with pytest.raises(REFUSED), transaction.atomic(), RowStream() as stream:
        stream.write(Purchase, [refused])
        stream.end()
    assert not Purchase.objects.filter(owner=user).exists()


def test_every_kind_of_value_is_stored_as_the_orm_stores_it(user):
    retailer = Retailer.objects.create(owner=user, name="Shop")
    written = purchase_row(user, 'Lamp "Nova", 30\u00a0cm\n\\ \u2028 \U0001f4a1 \u00e9') | {
        "price": Decimal("1234567.89"),
        "retailer_id": retailer.id,
        "status": "ORDERED",
        "notes": "",
        "created_at": datetime.datetime(2026, 3, 4, 5, 6, 7, 891011, tzinfo=datetime.UTC),
    }
    by_orm = Purchase.objects.create(**(written | {"id": uuid.uuid4(), "product_name": "Twin"}))
    with transaction.atomic(), RowStream() as stream:
        stream.write(Purchase, [written])

    stored = Purchase.objects.get(id=written["id"])
    for name, value in written.items():
        assert getattr(stored, name) == value, name
    assert type(stored.price) is Decimal
    assert Purchase.objects.filter(price=Decimal("1234567.89"), retailer=retailer).count() == 2
    assert Purchase.objects.filter(created_at=by_orm.created_at).count() == 2
    assert list(Purchase.objects.filter(owner=user).order_by("-price", "product_name")) == [
        stored, by_orm,
    ]  # fmt: skip


def test_batches_of_several_tables_go_in_in_order(user):
    from warranties.models import Warranty

    purchase = purchase_row(user, "Kettle")
    now = timezone.now()
    warranty = {
        "id": uuid.uuid4(), "owner_id": user.pk, "purchase_id": purchase["id"],
        "warranty_start": datetime.date(2026, 1, 2), "warranty_end": datetime.date(2028, 1, 2),
        "warranty_type": "MANUFACTURER", "voided": True, "provider": "", "notes": "",
        "created_at": now, "updated_at": now,
    }  # fmt: skip
    with transaction.atomic(), RowStream() as stream:
        # The warranty first: its purchase's key is checked at the commit.
        stream.write(Warranty, [warranty])
        stream.write(Purchase, [purchase])
        stream.write(Purchase, [])

    stored = Warranty.objects.select_related("purchase").get()
    assert stored.purchase.product_name == "Kettle"
    assert stored.voided is True
    assert stored.warranty_end == datetime.date(2028, 1, 2)
