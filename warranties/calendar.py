"""The private calendar feed as an iCalendar document (RFC 5545, with RFC 7986's name and
refresh interval): one all-day event per warranty end. It knows nothing about HTTP; the view
(warranties.views.calendar_feed) gives it the warranties
(warranties.selectors.calendar_feed_warranties) and how to link to a purchase.

The document is written here, line by line, rather than with the icalendar library, which the
tests use to read it: the library folds every line a character at a time, and took 28 s for a
feed of 70,000 warranties (33 MB), where these few fixed properties take about a second. The
document is produced in pieces, so that a large feed streams out in flat memory."""

import datetime
import uuid
from collections.abc import Callable, Iterable, Iterator

from django.utils import timezone

from warranties.models import WarrantyType

PRODID = "-//Spends Tracker//Warranty calendar//EN"
CALENDAR_NAME = "Warranties (Spends Tracker)"
# How often a subscribed calendar application should fetch the feed again (applications that
# know neither property choose for themselves, often once a day).
REFRESH_INTERVAL = "PT6H"
# Events written out together, as one piece of the streamed document.
EVENTS_PER_PIECE = 500
# RFC 5545 3.1: a content line is folded after 75 octets, each continuation starting with a space.
FOLD_AT = 75


def text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and line breaks escaped."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def content_line(line: str) -> bytes:
    """One content line, UTF-8, folded at 75 octets without cutting a character (or a
    backslash escape, which some applications misread when cut) in two; ends with CRLF."""
    data = line.encode()
    if len(data) <= FOLD_AT:
        return data + b"\r\n"
    pieces, start, limit = [], 0, FOLD_AT
    while len(data) - start > limit:
        end = start + limit
        while data[end] & 0xC0 == 0x80:  # a UTF-8 continuation byte: the character goes on
            end -= 1
        if data[end - 1 : end] == b"\\":
            end -= 1
        pieces.append(data[start:end])
        start, limit = end, FOLD_AT - 1  # the space that starts a continuation counts
    pieces.append(data[start:])
    return b"\r\n ".join(pieces) + b"\r\n"


def utc_stamp(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def warranty_event_uid(warranty_id) -> str:
    """The event's UID: the warranty's own, so that a changed end date moves the event in a
    subscribed calendar rather than adding a second one."""
    return f"warranty-{warranty_id}@spends-tracker"


def warranty_event(row, *, url: str, stamp: str) -> bytes:
    """The all-day event of a warranty's last day (DTEND is the day after: it is exclusive),
    from a row of warranties.selectors.calendar_feed_warranties."""
    kind = f"{WarrantyType(row.warranty_type).label} warranty"
    description = [f"{kind} from {row.provider}" if row.provider else kind]
    if row.purchase__brand__name:
        description.append(f"Brand: {row.purchase__brand__name}")
    if row.purchase__retailer__name:
        description.append(f"Bought at {row.purchase__retailer__name}")
    description.append(f"Purchase: {url}")
    # The event shows the purchase's name too: renaming the product changes the event.
    changed = max(row.updated_at, row.purchase__updated_at)
    end = row.warranty_end
    lines = (
        "BEGIN:VEVENT",
        f"UID:{text(warranty_event_uid(row.id))}",
        f"DTSTAMP:{stamp}",
        f"LAST-MODIFIED:{utc_stamp(changed)}",
        f"DTSTART;VALUE=DATE:{end:%Y%m%d}",
        f"DTEND;VALUE=DATE:{end + datetime.timedelta(days=1):%Y%m%d}",
        f"SUMMARY:{text(f'Warranty ends: {row.purchase__product_name}')}",
        f"DESCRIPTION:{text(chr(10).join(description))}",
        f"URL:{url}",
        # Free time: a warranty's end does not make the person busy that day.
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
    )
    return b"".join(content_line(line) for line in lines)


def warranty_calendar(
    warranties: Iterable,
    *,
    purchase_url: Callable[[uuid.UUID], str],
    now: datetime.datetime | None = None,
) -> Iterator[bytes]:
    """The feed's document, in pieces: the calendar's own properties, then one event per
    warranty."""
    stamp = utc_stamp(now or timezone.now())
    header = (
        "BEGIN:VCALENDAR",
        f"PRODID:{text(PRODID)}",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        # RFC 7986's NAME, and the older X-WR-CALNAME that most applications still read.
        f"NAME:{text(CALENDAR_NAME)}",
        f"X-WR-CALNAME:{text(CALENDAR_NAME)}",
        f"REFRESH-INTERVAL;VALUE=DURATION:{REFRESH_INTERVAL}",
        f"X-PUBLISHED-TTL:{REFRESH_INTERVAL}",
    )
    yield b"".join(content_line(line) for line in header)
    piece = []
    for row in warranties:
        piece.append(warranty_event(row, url=purchase_url(row.purchase_id), stamp=stamp))
        if len(piece) == EVENTS_PER_PIECE:
            yield b"".join(piece)
            piece = []
    piece.append(content_line("END:VCALENDAR"))
    yield b"".join(piece)
