"""The one place where dates, money and file sizes are written for people (DESIGN.md, "Pages and
htmx")."""

import datetime
from decimal import Decimal

from django import template
from django.utils import timezone

from spends.currencies import currency_symbol
from spends.dates import format_date
from spends.uploads import size_words

register = template.Library()

FORMAT_EXAMPLE_DATE = datetime.date(2026, 1, 30)


@register.simple_tag(takes_context=True)
def user_date(context, value) -> str:
    """A date in the signed-in user's date format."""
    return date_text(value, _date_format(context))


def date_text(value, date_format: str) -> str:
    """What `{% user_date value %}` writes for a user whose format is `date_format`: a moment as
    its date in the current time zone, nothing for no date. For a view that formats many dates
    at once (the inventory's rows)."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    return format_date(value, date_format)


@register.simple_tag(takes_context=True)
def user_date_example(context) -> str:
    """The hint beneath date inputs (SPEC 3): a fixed date written in the user's format."""
    return format_date(FORMAT_EXAMPLE_DATE, _date_format(context))


def _date_format(context) -> str:
    preferences = context.get("preferences")
    return preferences.date_format if preferences else "YYYY-MM-DD"


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


@register.filter
def file_size(size) -> str:
    """ "12 MB", "2.5 KB", "729 bytes" (no needless ".0"), as the upload limits are written."""
    return size_words(size or 0)
