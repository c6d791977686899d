"""The one place where dates and money are written for people (DESIGN.md, "Pages and htmx")."""

import datetime
from decimal import Decimal

from django import template

from spends.currencies import currency_symbol
from spends.dates import format_date

register = template.Library()


@register.simple_tag(takes_context=True)
def user_date(context, value) -> str:
    """A date in the signed-in user's date format."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        value = value.date()
    preferences = context.get("preferences")
    return format_date(value, preferences.date_format if preferences else "YYYY-MM-DD")


@register.filter
def money(amount, currency_code: str = "") -> str:
    """`$1,234.56`, `€12.00`, `-$3.50`; a currency without a common symbol as `CHF 12.00`."""
    if amount is None or amount == "":
        return ""
    amount = Decimal(amount)
    sign = "-" if amount < 0 else ""
    digits = f"{abs(amount):,.2f}"
    symbol = currency_symbol(currency_code)
    if symbol:
        return f"{sign}{symbol}{digits}"
    return f"{sign}{currency_code} {digits}".strip()
