"""Schema types shared by every app's API."""

from decimal import Decimal
from typing import Annotated

from pydantic import WithJsonSchema

# An amount in a response: a Decimal that the API's renderer writes as a JSON number
# (spends.api.MoneyJSONEncoder), so the schema says "number".
MoneyOut = Annotated[
    Decimal, WithJsonSchema({"type": "number", "format": "decimal"}, mode="serialization")
]
