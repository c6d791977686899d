"""Imports (SPEC section 6) through the service that the API, the settings page, the job and
the command all call."""

import datetime
import json
import uuid
from decimal import Decimal

import pytest

from accounts.models import Preferences
from catalog.models import Brand, Retailer
from catalog.tests.factories import RetailerFactory
from jobs.models import Job, JobState
from purchases.imports import (
    ImportFileError,
    ImportOptions,
    import_in_background,
    import_purchases,
)
from purchases.models import PRICE_MESSAGES, Purchase
from purchases.tests.factories import PurchaseFactory
from spends.bulk import RowStream
from spends.errors import PayloadTooLarge
from warranties.models import Warranty
from warranties.tests.factories import WarrantyFactory

pytestmark = pytest.mark.django_db


def run(owner, text: str | bytes, file_format="csv", **options):
    data = text.encode() if isinstance(text, str) else text
    return import_purchases(
        owner=owner, data=data, file_format=file_format, options=ImportOptions(**options)
    )


def json_export(*purchases, **extra) -> str:
    return json.dumps({"format": "spends-tracker", "version": 1, "purchases": list(purchases),
                       **extra})  # fmt: skip


def counts(owner) -> tuple[int, int, int, int]:
    return (
        Purchase.objects.filter(owner=owner).count(),
        Warranty.objects.filter(owner=owner).count(),
        Retailer.objects.filter(owner=owner).count(),
        Brand.objects.filter(owner=owner).count(),
    )


# Reading CSV ---------------------------------------------------------------------------------


def test_csv_headers_in_any_case_and_order_with_bom_grouped_price_and_user_date(user):
    Preferences.objects.create(user=user, date_format="DD.MM.YYYY", currency_code="EUR")
    text = (
        "\ufeff Purchase_Date ,PRICE,Product_Name,Retailer,brand,Serial_Number\r\n"
        '30.01.2026,"1,234.56",Espresso machine,Kitchen World,Gaggia,SN-1\r\n'
        "2026-02-01,3.5,Descaler,kitchen world,,\r\n"
    )
    report = run(user, text)

    assert report.as_dict() == {
        "dry_run": False, "created": 2, "updated": 0, "skipped": 0, "failed": 0, "errors": [],
        "warnings": ["Created 1 retailer: Kitchen World.", "Created 1 brand: Gaggia."],
    }  # fmt: skip
    machine = Purchase.objects.get(owner=user, product_name="Espresso machine")
    assert machine.price == Decimal("1234.56")
    assert machine.purchase_date == datetime.date(2026, 1, 30)
    assert machine.currency_code == "EUR"  # the owner's currency where the file gives none
    assert machine.status == "RECEIVED"
    assert (machine.retailer.name, machine.brand.name, machine.serial_number) == (
        "Kitchen World", "Gaggia", "SN-1",
    )  # fmt: skip
    descaler = Purchase.objects.get(owner=user, product_name="Descaler")
    assert descaler.retailer_id == machine.retailer_id  # matched ignoring case
    assert descaler.price == Decimal("3.50")


def test_csv_cells_escaped_against_formulas_lose_exactly_the_added_quote(user):
    text = (
        "product_name,price,purchase_date,notes\n"
        "A,1,2026-01-01,'=SUM(A1:A2)\n"
        "B,1,2026-01-01,'+1 spare\n"
        "C,1,2026-01-01,'-2 dented\n"
        "D,1,2026-01-01,'@home\n"
        "E,1,2026-01-01,''=already quoted\n"
        "F,1,2026-01-01,'Tis a note\n"
    )
    run(user, text)

    notes = dict(Purchase.objects.filter(owner=user).values_list("product_name", "notes"))
    assert notes == {
        "A": "=SUM(A1:A2)", "B": "+1 spare", "C": "-2 dented", "D": "@home",
        "E": "'=already quoted", "F": "'Tis a note",
    }  # fmt: skip


def test_csv_without_the_required_columns_is_refused_naming_them(user):
    with pytest.raises(ImportFileError, match="missing: price, purchase_date"):
        run(user, "product_name,cost,date\nLamp,3,2026-01-01\n")


@pytest.mark.parametrize(
    ("data", "file_format", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "csv", "not UTF-8 text"),
        (b"", "csv", "empty"),
        ('{"format": "spends-tracker", "version": 1, "purchases": []}', "csv", "not a CSV"),
        ("product_name,price,purchase_date\nLamp,3,2026-01-01\n", "json", "not a JSON file"),
        ('{"purchases": []}', "json", "not a Spends Tracker export"),
        ("[1, 2]", "json", "not a Spends Tracker export"),
        ('{"format": "spends-tracker", "version": 2}', "json", "newer version"),
        ('{"format": "spends-tracker", "version": 1, "purchases": {}}', "json", "must be a list"),
    ],
)
def test_a_file_that_is_not_an_export_of_its_kind_is_refused_saying_so(
    user, data, file_format, message
):
    with pytest.raises(ImportFileError, match=message):
        run(user, data, file_format)
    assert counts(user) == (0, 0, 0, 0)


def test_an_upload_over_the_import_limit_is_refused_before_it_is_read(user, settings):
    settings.SPENDS_MAX_IMPORT_BYTES = 1024
    with pytest.raises(PayloadTooLarge, match="imports may be at most"):
        import_in_background(
            owner=user, filename="big.csv", file_format="csv", options=ImportOptions(),
            data=("product_name,price,purchase_date\n" + "Lamp,3,2026-01-01\n" * 100).encode(),
        )  # fmt: skip
    assert counts(user) == (0, 0, 0, 0)
    assert not Job.objects.exists()


# Invalid rows --------------------------------------------------------------------------------


def test_one_bad_row_stops_everything_and_the_report_names_its_line_and_field(user):
    text = (
        "product_name,price,purchase_date,notes,retailer\n"
        'Lamp,3,2026-01-01,"two\nlines",New Shop\n'  # a record over lines 2 and 3
        "Chair,12.345,2026-01-02,,\n"  # line 4: more than two decimals is refused, not rounded
        "Desk,40,2026-01-03,,\n"
    )
    report = run(user, text)

    assert report.stopped
    assert report.as_dict()["errors"] == [
        {
            "row": 4,
            "field": "price",
            "message": PRICE_MESSAGES["max_decimal_places"],
        }
    ]
    assert (report.created, report.failed) == (0, 1)
    assert report.warnings == ["1 row has problems, so nothing was imported. Fix them, or import "
                               "partially to import the other 2 alone."]  # fmt: skip
    assert counts(user) == (0, 0, 0, 0)


def test_a_bad_row_after_batches_were_written_undoes_them_and_every_problem_is_listed(user):
    # Batches of two: rows 2 to 5 are written before row 6 stops the import; rows 7 and 8 are
    # still checked, so the report lists row 8 too and counts row 7 among the valid ones.
    rows = [f"Item {n},{n},2026-01-0{n},Shop {n},2027-01-01\n" for n in range(1, 5)]
    text = (
        "product_name,price,purchase_date,retailer,warranty_end\n" + "".join(rows)
        + "Bad,x,2026-01-05,Shop 5,\n" + "Fine,6,2026-01-06,,\n" + "Worse,7,someday,,\n"
    )  # fmt: skip
    report = import_purchases(
        owner=user, data=text.encode(), file_format="csv", options=ImportOptions(),
        batch_size=2,
    )  # fmt: skip

    assert report.stopped
    assert [(error["row"], error["field"]) for error in report.errors] == [
        (6, "price"), (8, "purchase_date"),
    ]  # fmt: skip
    assert (report.created, report.failed) == (0, 2)
    assert report.warnings == ["2 rows have problems, so nothing was imported. Fix them, or "
                               "import partially to import the other 5 alone."]  # fmt: skip
    assert counts(user) == (0, 0, 0, 0)


def test_partial_writes_the_valid_rows_and_reports_the_others(user):
    text = (
        "product_name,price,purchase_date,currency_code,status\n"
        "Lamp,3,2026-01-01,usd,ordered\n"
        ",5,2026-01-01,USD,RECEIVED\n"
        "Chair,-1,31/31/2026,XYZ,LOST\n"
        "Desk,40,2026-01-03,EUR,\n"
    )
    report = run(user, text, partial=True)

    assert not report.stopped
    assert (report.created, report.failed) == (2, 2)
    problems = {(error["row"], error["field"]) for error in report.errors}
    assert problems == {
        (3, "product_name"), (4, "price"), (4, "purchase_date"), (4, "currency_code"),
        (4, "status"),
    }  # fmt: skip
    saved = dict(Purchase.objects.filter(owner=user).values_list("product_name", "status"))
    assert saved == {"Lamp": "ORDERED", "Desk": "RECEIVED"}


def test_a_dry_run_reports_what_would_happen_and_writes_nothing(user):
    PurchaseFactory(owner=user, product_name="Lamp", price=Decimal("3"),
                    purchase_date=datetime.date(2026, 1, 1))  # fmt: skip
    text = (
        "product_name,price,purchase_date,retailer\n"
        "lamp,3.00,2026-01-01,\n"
        "Chair,12,2026-01-02,Furniture Co\n"
    )
    report = run(user, text, dry_run=True)

    assert report.as_dict() == {
        "dry_run": True, "created": 1, "updated": 0, "skipped": 1, "failed": 0, "errors": [],
        "warnings": ["Will create 1 retailer: Furniture Co."],
    }  # fmt: skip
    assert counts(user) == (1, 0, 0, 0)


def test_text_over_the_models_limits_is_refused(user):
    name = "x" * 201
    report = run(user, f"product_name,price,purchase_date\n{name},1,2026-01-01\n")
    assert report.errors == [
        {"row": 2, "field": "product_name",
         "message": "Ensure this value has at most 200 characters (it has 201)."}
    ]  # fmt: skip
    assert counts(user) == (0, 0, 0, 0)


# Duplicates ----------------------------------------------------------------------------------


def test_duplicates_by_id_are_skipped_by_default_and_updated_on_request(user):
    purchase = PurchaseFactory(owner=user, product_name="Lamp", price=Decimal("3.00"))
    created_at = purchase.created_at
    text = f"id,product_name,price,purchase_date\n{purchase.id},Floor lamp,4.50,2026-02-01\n"

    skipped = run(user, text)
    assert (skipped.created, skipped.skipped, skipped.updated) == (0, 1, 0)
    purchase.refresh_from_db()
    assert purchase.product_name == "Lamp"

    updated = run(user, text, on_duplicate="update")
    assert (updated.created, updated.skipped, updated.updated) == (0, 0, 1)
    purchase.refresh_from_db()
    assert (purchase.product_name, purchase.price) == ("Floor lamp", Decimal("4.50"))
    assert purchase.purchase_date == datetime.date(2026, 2, 1)
    assert purchase.created_at == created_at
    assert purchase.updated_at > created_at


def test_without_an_id_a_duplicate_is_the_same_name_date_price_currency_and_retailer(user):
    shop = RetailerFactory(owner=user, name="Shop")
    PurchaseFactory(owner=user, product_name="Lamp", price=Decimal("3.00"), retailer=shop,
                    purchase_date=datetime.date(2026, 1, 1), currency_code="USD")  # fmt: skip
    text = (
        "product_name,price,purchase_date,currency_code,retailer,notes\n"
        " LAMP ,3,2026-01-01,USD,shop,same\n"  # the same purchase, written differently
        "Lamp,3,2026-01-01,EUR,Shop,other currency\n"
        "Lamp,3,2026-01-01,USD,,no retailer\n"
        "Lamp,3,2026-01-02,USD,Shop,other day\n"
        "Desk,9,2026-01-01,USD,,\n"
        "desk,9.00,2026-01-01,USD,,repeated in the file\n"
    )
    report = run(user, text, on_duplicate="update")

    assert (report.created, report.updated, report.skipped) == (4, 2, 0)
    assert Purchase.objects.filter(owner=user).count() == 5
    assert Purchase.objects.get(owner=user, product_name__iexact="desk").notes == (
        "repeated in the file"
    )
    same = Purchase.objects.get(
        owner=user, retailer=shop, currency_code="USD", purchase_date=datetime.date(2026, 1, 1)
    )
    assert same.notes == "same"


def test_a_skipped_duplicate_adds_no_retailer_or_brand(user):
    purchase = PurchaseFactory(owner=user, product_name="Lamp")
    text = (
        "id,product_name,price,purchase_date,retailer,brand\n"
        f"{purchase.id},Lamp,1,2026-01-01,New shop,New brand\n"
    )

    report = run(user, text)

    assert (report.skipped, report.warnings) == (1, [])
    assert counts(user)[2:] == (0, 0)


def test_an_id_of_another_users_purchase_never_touches_it(user, other_user):
    theirs = PurchaseFactory(owner=other_user, product_name="Secret")
    text = f"id,product_name,price,purchase_date\n{theirs.id},Mine,1,2026-01-01\n"

    report = run(user, text, on_duplicate="update")

    assert (report.created, report.updated) == (1, 0)
    mine = Purchase.objects.get(owner=user)
    assert mine.id != theirs.id
    theirs.refresh_from_db()
    assert (theirs.owner, theirs.product_name) == (other_user, "Secret")


@pytest.mark.parametrize("theirs_has_warranty", [True, False])
def test_another_users_export_imports_with_new_ids_and_each_warranty_on_its_own_purchase(
    user, other_user, theirs_has_warranty
):
    """Importing another account's export (its purchase ids taken): every warranty goes with the
    new purchase made for its row, never with the other user's purchase of the id given."""
    theirs = PurchaseFactory(owner=other_user, product_name="Secret")
    if theirs_has_warranty:
        WarrantyFactory(purchase=theirs, owner=other_user, warranty_end=datetime.date(2027, 1, 1))
    text = (
        "id,product_name,price,purchase_date,warranty_end,warranty_type\n"
        f"{theirs.id},Mine,1,2026-01-01,2028-01-01,EXTENDED\n"
    )

    report = run(user, text)

    assert (report.created, report.failed) == (1, 0)
    mine = Purchase.objects.get(owner=user)
    assert mine.id != theirs.id
    assert (mine.warranty.owner, mine.warranty.warranty_type) == (user, "EXTENDED")
    assert list(Warranty.objects.filter(purchase=theirs).values_list("owner", flat=True)) == (
        [other_user.pk] if theirs_has_warranty else []
    )


# Warranties ----------------------------------------------------------------------------------


def test_csv_warranty_columns_create_update_and_remove_warranties(user):
    text = (
        "id,product_name,price,purchase_date,warranty_start,warranty_end,warranty_type,"
        "warranty_status,warranty_provider,warranty_notes\n"
        "11111111-1111-1111-1111-111111111111,TV,500,2026-01-01,,2028-01-01,,VOIDED,Acme,dropped\n"
        "22222222-2222-2222-2222-222222222222,Knife,20,2026-01-01,2026-01-05,,lifetime,,,\n"
        "33333333-3333-3333-3333-333333333333,Cable,2,2026-01-01,,,,,,\n"
    )
    run(user, text)

    tv = Warranty.objects.get(purchase_id="11111111-1111-1111-1111-111111111111")
    assert (tv.warranty_start, tv.warranty_end, tv.warranty_type, tv.voided, tv.provider,
            tv.notes) == (datetime.date(2026, 1, 1), datetime.date(2028, 1, 1), "MANUFACTURER",
                          True, "Acme", "dropped")  # fmt: skip
    knife = Warranty.objects.get(purchase_id="22222222-2222-2222-2222-222222222222")
    assert (knife.warranty_type, knife.warranty_end) == ("LIFETIME", None)
    assert not Warranty.objects.filter(purchase_id="33333333-3333-3333-3333-333333333333").exists()

    changed = text.replace(",2028-01-01,,VOIDED,Acme,dropped", ",,,,,").replace(
        "Cable,2,2026-01-01,,,,,,", "Cable,2,2026-01-01,,2027-06-30,EXTENDED,ACTIVE,Shop,"
    )
    report = run(user, changed, on_duplicate="update")

    assert report.updated == 3
    assert not Warranty.objects.filter(purchase_id="11111111-1111-1111-1111-111111111111").exists()
    cable = Warranty.objects.get(purchase_id="33333333-3333-3333-3333-333333333333")
    assert (cable.warranty_end, cable.warranty_type, cable.provider) == (
        datetime.date(2027, 6, 30), "EXTENDED", "Shop",
    )  # fmt: skip


def test_a_warranty_ending_before_it_starts_is_an_error_of_its_column(user):
    text = (
        "product_name,price,purchase_date,warranty_start,warranty_end\n"
        "TV,500,2026-01-01,2026-01-01,2025-01-01\n"
        "Radio,50,2026-01-01,,\n"
        "Clock,5,2026-01-01,2026-01-01,\n"
    )
    report = run(user, text)
    assert report.errors == [
        {"row": 2, "field": "warranty_end", "message": "The warranty cannot end before it starts."},
        {"row": 4, "field": "warranty_end", "message": "Give an end date or a duration in months."},
    ]
    assert counts(user) == (0, 0, 0, 0)


def test_csv_without_warranty_columns_keeps_existing_warranties_on_update(user):
    warranty = WarrantyFactory(purchase__owner=user)
    purchase = warranty.purchase
    text = f"id,product_name,price,purchase_date\n{purchase.id},Renamed,1,2026-01-01\n"

    run(user, text, on_duplicate="update")

    assert Warranty.objects.filter(pk=warranty.pk).exists()


# JSON ----------------------------------------------------------------------------------------


def test_json_import_keeps_ids_times_and_catalog_details(user):
    retailer_id, brand_id = uuid.uuid4(), uuid.uuid4()
    purchase_id, warranty_id = uuid.uuid4(), uuid.uuid4()
    text = json_export(
        {
            "id": str(purchase_id), "product_name": "Drill", "price": 129.99,
            "currency_code": "GBP", "status": "ORDERED", "purchase_date": "2025-06-01",
            "retailer_id": str(retailer_id), "retailer_name": "Tools Ltd",
            "brand_id": str(brand_id), "brand_name": "Bosch", "serial_number": "S",
            "model_number": "M", "order_number": "O", "notes": "=not a formula in JSON",
            "attachment_count": 1, "created_at": "2025-06-01T10:00:00Z",
            "updated_at": "2025-06-02T11:30:00.123456Z",
            "warranty": {
                "id": str(warranty_id), "warranty_start": "2025-06-01",
                "warranty_end": "2027-06-01", "warranty_type": "EXTENDED", "status": "ACTIVE",
                "voided": False, "provider": "Bosch", "notes": "", "days_remaining": 100,
                "created_at": "2025-06-01T10:00:00Z", "updated_at": "2025-06-01T10:00:00Z",
            },
            "attachments": [{"id": str(uuid.uuid4()), "filename": "r.pdf"}],
        },
        retailers=[{"id": str(retailer_id), "name": "Tools Ltd", "url": "https://tools.example"}],
        brands=[{"id": str(brand_id), "name": "Bosch", "url": ""}],
    )  # fmt: skip
    report = run(user, text, "json")

    assert (report.created, report.failed) == (1, 0)
    assert "exports carry no files" in report.warnings[0]
    drill = Purchase.objects.select_related("retailer", "brand", "warranty").get(owner=user)
    assert drill.id == purchase_id
    assert drill.price == Decimal("129.99")
    assert (drill.currency_code, drill.status, drill.notes) == (
        "GBP", "ORDERED", "=not a formula in JSON",
    )  # fmt: skip
    assert drill.created_at == datetime.datetime(2025, 6, 1, 10, 0, tzinfo=datetime.UTC)
    assert drill.updated_at == datetime.datetime(2025, 6, 2, 11, 30, 0, 123456, tzinfo=datetime.UTC)
    assert (drill.retailer.id, drill.retailer.url) == (retailer_id, "https://tools.example")
    assert drill.brand.id == brand_id
    assert (drill.warranty.id, drill.warranty.warranty_type) == (warranty_id, "EXTENDED")


def test_json_rows_are_numbered_from_zero_and_name_nested_fields(user):
    text = json_export(
        {"product_name": "Fine", "price": "1", "purchase_date": "2026-01-01"},
        "not an object",
        {"product_name": "Bad", "price": "x", "purchase_date": "2026-01-01",
         "warranty": {"warranty_end": "soon"}},
    )  # fmt: skip
    report = run(user, text, "json")

    assert report.errors == [
        {"row": 1, "field": None, "message": "A purchase must be an object."},
        {"row": 2, "field": "price",
         "message": "“x” is not a price: write it as 1234.56 or 1,234.56."},
        {"row": 2, "field": "warranty.warranty_end",
         "message": "“soon” is not a date: write it as 2026-01-30 or 01/30/2026."},
    ]  # fmt: skip
    assert counts(user) == (0, 0, 0, 0)


# All or nothing ------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_import_killed_half_way_leaves_nothing_written(user):
    rows = "".join(f"Item {n},{n}.99,2026-01-01,Shop {n % 3},,2027-01-01\n" for n in range(10))
    text = "product_name,price,purchase_date,retailer,notes,warranty_end\n" + rows
    batches_saved = []

    def progress(done, total, *, stage):
        if stage == "Importing rows" and done:  # after each batch of three
            batches_saved.append(done)
            if len(batches_saved) == 3:
                # By now three batches of three purchases (with their warranties and
                # retailers) are in the database, inside the import's transaction.
                assert Purchase.objects.filter(owner=user).count() == 9
                raise RuntimeError("killed")

    with pytest.raises(RuntimeError, match="killed"):
        import_purchases(
            owner=user, data=text.encode(), file_format="csv", options=ImportOptions(),
            progress=progress, batch_size=3,
        )  # fmt: skip

    assert counts(user) == (0, 0, 0, 0)


# As a job ------------------------------------------------------------------------------------


def test_an_import_in_the_background_is_a_job_whose_result_is_the_report(user):
    text = "product_name,price,purchase_date\nLamp,3,2026-01-01\nChair,x,2026-01-01\n"
    job = import_in_background(
        owner=user, filename="things.csv", data=text.encode(), file_format="csv",
        options=ImportOptions(partial=True),
    )  # fmt: skip

    job.refresh_from_db()
    assert (job.kind, job.state, job.error) == ("import", JobState.SUCCEEDED, "")
    assert job.result["created"] == 1
    assert job.result["errors"] == [
        {
            "row": 3,
            "field": "price",
            "message": "“x” is not a price: write it as 1234.56 or 1,234.56.",
        }
    ]
    assert (job.progress_done, job.progress_total) == (2, 2)  # both rows read once
    assert Purchase.objects.filter(owner=user).count() == 1


def test_a_file_of_the_wrong_kind_is_refused_before_any_job_starts(user):
    with pytest.raises(ImportFileError):
        import_in_background(
            owner=user, filename="photo.csv", data=b"\xff\xd8\xff\xe0binary", file_format="csv",
            options=ImportOptions(),
        )  # fmt: skip
    assert not Job.objects.exists()


def test_a_job_that_fails_says_why_and_leaves_the_data_as_it_was(user, monkeypatch):
    PurchaseFactory(owner=user, product_name="Kept")
    text = (
        "product_name,price,purchase_date,warranty_end,retailer\nTV,500,2026-01-01,2028-01-01,New\n"
    )

    real_write = RowStream.write

    def write_then_disk_full(stream, model, rows):
        real_write(stream, model, rows)
        if model is Purchase:
            raise OSError("No space left on device")

    # The retailer, the warranty and the purchase are written; then the disk is full.
    monkeypatch.setattr(RowStream, "write", write_then_disk_full)
    job = import_in_background(
        owner=user, filename="tv.csv", data=text.encode(), file_format="csv",
        options=ImportOptions(),
    )  # fmt: skip

    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert job.error == (
        "The import stopped because of an unexpected error, and nothing was changed. "
        "The server's log has the details."
    )
    assert job.result is None
    assert list(Purchase.objects.filter(owner=user).values_list("product_name", flat=True)) == [
        "Kept"
    ]
    assert not Retailer.objects.filter(owner=user).exists()
