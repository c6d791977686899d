"""Date arithmetic and formats shared by the whole application."""

import calendar
import datetime

# strftime patterns of the date formats in accounts.models.DateFormat.
DATE_FORMAT_PATTERNS = {
    "short": "%b %d, %Y",
    "MM/DD/YYYY": "%m/%d/%Y",
    "DD/MM/YYYY": "%d/%m/%Y",
    "YYYY-MM-DD": "%Y-%m-%d",
    "DD.MM.YYYY": "%d.%m.%Y",
}


def add_months(start: datetime.date, months: int) -> datetime.date:
    """`start` moved by whole months, clamped to the month's last day (Jan 31 + 1 = Feb 28)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return start.replace(
        year=year, month=month, day=min(start.day, calendar.monthrange(year, month)[1])
    )


def format_date(value: datetime.date, date_format: str) -> str:
    return value.strftime(DATE_FORMAT_PATTERNS.get(date_format, DATE_FORMAT_PATTERNS["YYYY-MM-DD"]))


def parse_date(text: str, date_format: str | None = None) -> datetime.date:
    """Parse ISO dates, or dates in `date_format`; raises ValueError otherwise."""
    text = text.strip()
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        if date_format is None or date_format not in DATE_FORMAT_PATTERNS:
            raise
    return datetime.datetime.strptime(text, DATE_FORMAT_PATTERNS[date_format]).date()
