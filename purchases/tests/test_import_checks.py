"""The import's checks of text lengths, which take a shortcut for the fields whose only rule is
a maximum length (purchases.imports._FieldRules): what they accept and the messages they give
must be the model's own."""

import pytest
from django.core.exceptions import ValidationError

from purchases.imports import ImportOptions, import_purchases
from purchases.models import Purchase
from warranties.models import Warranty

pytestmark = pytest.mark.django_db

TEXT_COLUMNS = [
    ("product_name", Purchase, "product_name"),
    ("serial_number", Purchase, "serial_number"),
    ("model_number", Purchase, "model_number"),
    ("order_number", Purchase, "order_number"),
    ("notes", Purchase, "notes"),
    ("warranty_provider", Warranty, "provider"),
    ("warranty_notes", Warranty, "notes"),
]


def dry_run(owner, column: str, value: str):
    columns = "product_name,price,purchase_date,warranty_end"
    cells = {"product_name": "Lamp", "price": "3", "purchase_date": "2026-01-01",
             "warranty_end": "2027-01-01"}  # fmt: skip
    if column in cells:
        cells[column] = value
    else:
        columns += f",{column}"
        cells[column] = value
    text = f"{columns}\n{','.join(cells.values())}\n"
    return import_purchases(
        owner=owner, data=text.encode(), file_format="csv", options=ImportOptions(dry_run=True)
    )


def model_messages(model, field_name: str, value: str) -> list[str]:
    try:
        model._meta.get_field(field_name).clean(value, None)
    except ValidationError as error:
        return error.messages
    return []


@pytest.mark.parametrize(("column", "model", "field_name"), TEXT_COLUMNS)
def test_text_up_to_the_models_limit_is_accepted_and_one_character_more_refused(
    user, column, model, field_name
):
    limit = model._meta.get_field(field_name).max_length

    assert dry_run(user, column, "x" * limit).as_dict()["errors"] == []
    over = "x" * (limit + 1)
    report = dry_run(user, column, over)
    assert model_messages(model, field_name, over)  # the model refuses it too
    assert report.errors == [
        {"row": 2, "field": column, "message": message}
        for message in model_messages(model, field_name, over)
    ]
