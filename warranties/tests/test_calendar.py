"""The private calendar feed, /calendar/<secret>.ics (SPEC 9): its secret, what it lists and for
whom, and the iCalendar document a calendar application reads."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from icalendar import Calendar

from accounts.selectors import today_for
from catalog.tests.factories import BrandFactory, RetailerFactory
from warranties import selectors, services
from warranties.models import CalendarFeed, WarrantyType
from warranties.services import (
    calendar_feed_get_or_create,
    calendar_feed_regenerate,
    warranty_set,
)
from warranties.tests.factories import WarrantyFactory

pytestmark = pytest.mark.django_db


def make(owner, name, end_in_days, *, voided=False, lifetime=False, **purchase):
    today = today_for(owner)
    return WarrantyFactory(
        purchase__owner=owner,
        purchase__product_name=name,
        **{f"purchase__{key}": value for key, value in purchase.items()},
        warranty_start=today - datetime.timedelta(days=800),
        warranty_end=None if lifetime else today + datetime.timedelta(days=end_in_days),
        warranty_type=WarrantyType.LIFETIME if lifetime else WarrantyType.MANUFACTURER,
        voided=voided,
    )


def body(response) -> bytes:
    """The feed's document: it is streamed out in pieces."""
    return b"".join(response.streaming_content)


def feed_url(owner) -> str:
    return reverse("calendar_feed", args=[calendar_feed_get_or_create(owner=owner).secret])


def read_feed(client, owner) -> Calendar:
    response = client.get(feed_url(owner))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(body(response))


def events_by_summary(calendar: Calendar) -> dict:
    return {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}


@pytest.fixture
def sample(user):
    return {
        "soon": make(user, "Soon Kettle", 5),
        "later": make(user, "Later Laptop", 200),
        "expired": make(user, "Old Phone", -10),
        "voided": make(user, "Voided Vacuum", 100, voided=True),
        "lifetime": make(user, "Lifetime Knife", 0, lifetime=True),
    }


# The document


def test_feed_has_one_all_day_event_per_warranty_end(client, user, sample):
    events = events_by_summary(read_feed(client, user))
    assert set(events) == {
        "Warranty ends: Soon Kettle",
        "Warranty ends: Later Laptop",
        "Warranty ends: Old Phone",  # expired: the calendar keeps its history
    }
    for key, summary in [
        ("soon", "Soon Kettle"),
        ("later", "Later Laptop"),
        ("expired", "Old Phone"),
    ]:
        warranty = sample[key]
        event = events[f"Warranty ends: {summary}"]
        assert str(event["UID"]) == f"warranty-{warranty.id}@spends-tracker"
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        # Dates, not times: an all-day event on the warranty's last day.
        assert type(start) is datetime.date and type(end) is datetime.date
        assert start == warranty.warranty_end
        assert end == warranty.warranty_end + datetime.timedelta(days=1)
        assert event["DTSTART"].params["VALUE"] == "DATE"
        assert str(event["TRANSP"]) == "TRANSPARENT"
        purchase_url = f"http://testserver/inventory/{warranty.purchase_id}"
        assert str(event["URL"]) == purchase_url
        assert purchase_url in str(event["DESCRIPTION"])
        assert event.decoded("LAST-MODIFIED") == warranty.updated_at.replace(microsecond=0)
        assert event.decoded("DTSTAMP").tzinfo is not None


def test_feed_leaves_out_voided_and_lifetime_warranties(client, user, sample):
    content = body(client.get(feed_url(user))).decode()
    assert "Voided Vacuum" not in content
    assert "Lifetime Knife" not in content
    assert str(sample["voided"].id) not in content and str(sample["lifetime"].id) not in content


def test_feed_calendar_properties(client, user):
    document = body(client.get(feed_url(user)))
    calendar = Calendar.from_ical(document)
    assert str(calendar["VERSION"]) == "2.0"
    assert "Spends Tracker" in str(calendar["PRODID"])
    assert str(calendar["CALSCALE"]) == "GREGORIAN"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["X-WR-CALNAME"]) == "Warranties (Spends Tracker)"
    content = document.decode()
    assert "\r\nREFRESH-INTERVAL;VALUE=DURATION:PT6H\r\n" in content
    assert "\r\nX-PUBLISHED-TTL:PT6H\r\n" in content
    assert calendar.walk("VEVENT") == []  # no warranties yet: an empty, valid calendar


def test_event_describes_the_warranty_and_its_purchase(client, user):
    warranty = make(
        user,
        "Espresso machine",
        30,
        brand=BrandFactory(owner=user, name="Gaggia"),
        retailer=RetailerFactory(owner=user, name="Coffee Corner"),
    )
    warranty_set(
        purchase=warranty.purchase,
        data={"warranty_type": WarrantyType.EXTENDED, "provider": "CareCo", "notes": "secret!"},
    )
    event = events_by_summary(read_feed(client, user))["Warranty ends: Espresso machine"]
    description = str(event["DESCRIPTION"])
    assert description.splitlines()[:3] == [
        "Extended warranty from CareCo",
        "Brand: Gaggia",
        "Bought at Coffee Corner",
    ]
    assert "secret!" not in description  # notes stay in the application


def test_product_names_with_ical_special_characters_survive(client, user):
    make(user, 'Drill, cordless; 18V "Pro" \\ set', 30)
    summaries = set(events_by_summary(read_feed(client, user)))
    assert summaries == {'Warranty ends: Drill, cordless; 18V "Pro" \\ set'}


def test_changed_end_date_moves_the_event_under_the_same_uid(client, user):
    warranty = make(user, "Fridge", 40)
    before = events_by_summary(read_feed(client, user))["Warranty ends: Fridge"]
    new_end = warranty.warranty_end + datetime.timedelta(days=365)
    warranty_set(purchase=warranty.purchase, data={"warranty_end": new_end})
    after = read_feed(client, user).walk("VEVENT")
    assert len(after) == 1
    assert str(after[0]["UID"]) == str(before["UID"]) == f"warranty-{warranty.id}@spends-tracker"
    assert after[0].decoded("DTSTART") == new_end
    assert after[0].decoded("LAST-MODIFIED") >= before.decoded("LAST-MODIFIED")


def test_renamed_product_changes_the_event_and_its_last_modified(client, user):
    warranty = make(user, "Old name", 40)
    purchase = warranty.purchase
    purchase.product_name = "New name"
    purchase.save()
    event = read_feed(client, user).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "Warranty ends: New name"
    assert event.decoded("LAST-MODIFIED") == purchase.updated_at.replace(microsecond=0)


# Whose data


def test_each_feed_has_only_its_owners_warranties(client, user, other_user):
    make(user, "Alice Kettle", 10)
    make(user, "Alice Laptop", 100)
    make(other_user, "Mallory Drone", 20)
    make(other_user, "Mallory Phone", -5)
    assert set(events_by_summary(read_feed(client, user))) == {
        "Warranty ends: Alice Kettle",
        "Warranty ends: Alice Laptop",
    }
    assert set(events_by_summary(read_feed(client, other_user))) == {
        "Warranty ends: Mallory Drone",
        "Warranty ends: Mallory Phone",
    }


def test_the_secret_decides_whose_feed_not_the_session(client, user, other_user):
    make(user, "Alice Kettle", 10)
    make(other_user, "Mallory Drone", 20)
    client.force_login(other_user)
    content = body(client.get(feed_url(user))).decode()
    assert "Alice Kettle" in content and "Mallory Drone" not in content


def test_feed_needs_no_sign_in(client, user):
    make(user, "Kettle", 10)
    response = client.get(feed_url(user))
    assert response.status_code == 200
    assert "Kettle" in body(response).decode()


def test_feed_headers(client, user):
    response = client.get(feed_url(user))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'inline; filename="warranties.ics"'
    assert "private" in response["Cache-Control"] and "max-age=0" in response["Cache-Control"]


def test_head_is_answered(client, user):
    response = client.head(feed_url(user))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_feed_refuses_other_methods(client, user, method):
    assert getattr(client, method)(feed_url(user)).status_code == 405


@pytest.mark.parametrize("secret", ["unknown", "x" * 43, "x" * 200, "%00", "..%2F..%2Fsettings"])
def test_unknown_secret_is_404(client, user, secret):
    calendar_feed_get_or_create(owner=user)
    response = client.get(f"/calendar/{secret}.ics")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_feed_of_a_deactivated_account_is_404(client, user):
    url = feed_url(user)
    get_user_model().objects.filter(pk=user.pk).update(is_active=False)
    assert client.get(url).status_code == 404


def test_regenerated_secret_ends_the_old_address(client, user):
    make(user, "Kettle", 10)
    old_url = feed_url(user)
    feed = calendar_feed_regenerate(owner=user)
    new_url = reverse("calendar_feed", args=[feed.secret])
    assert new_url != old_url
    assert client.get(old_url).status_code == 404
    response = client.get(new_url)
    assert response.status_code == 200 and "Kettle" in body(response).decode()


def test_query_count_does_not_grow_with_the_warranties(client, user, django_assert_max_num_queries):
    url = feed_url(user)
    make(user, "Only one", 10)
    with django_assert_max_num_queries(2):
        assert client.get(url).status_code == 200
    brand = BrandFactory(owner=user, name="Brand")
    retailer = RetailerFactory(owner=user, name="Shop")
    for number in range(29):
        make(user, f"Item {number}", number, brand=brand, retailer=retailer)
    with django_assert_max_num_queries(2):
        response = client.get(url)
    assert len(Calendar.from_ical(body(response)).walk("VEVENT")) == 30


# The services


def test_get_or_create_makes_one_feed_with_a_long_random_secret(user, other_user):
    feed = calendar_feed_get_or_create(owner=user)
    assert calendar_feed_get_or_create(owner=user) == feed
    assert CalendarFeed.objects.filter(owner=user).count() == 1
    assert len(feed.secret) >= 43
    assert set(feed.secret) <= set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    )
    assert calendar_feed_get_or_create(owner=other_user).secret != feed.secret


def test_get_or_create_that_loses_a_race_answers_the_winners_feed(user, monkeypatch):
    winner = calendar_feed_get_or_create(owner=user)
    real = selectors.calendar_feed_for
    calls = []

    def not_there_yet(owner):
        # The first read happens before the other request's insert; later ones after it.
        calls.append(owner)
        return None if len(calls) == 1 else real(owner)

    monkeypatch.setattr(services, "calendar_feed_for", not_there_yet)
    assert calendar_feed_get_or_create(owner=user) == winner
    assert len(calls) == 2
    assert CalendarFeed.objects.get(owner=user).secret == winner.secret


def test_regenerate_changes_only_the_owners_secret(user, other_user):
    mine = calendar_feed_get_or_create(owner=user)
    theirs = calendar_feed_get_or_create(owner=other_user)
    regenerated = calendar_feed_regenerate(owner=user)
    assert regenerated.pk == mine.pk and regenerated.secret != mine.secret
    assert CalendarFeed.objects.get(owner=user).secret == regenerated.secret
    assert CalendarFeed.objects.get(owner=other_user).secret == theirs.secret


def test_regenerate_before_any_feed_makes_one(user):
    feed = calendar_feed_regenerate(owner=user)
    assert CalendarFeed.objects.get(owner=user).secret == feed.secret


def test_long_lines_and_special_characters_come_back_as_written(client, user):
    """Lines are folded at 75 octets, never inside a character, and text is escaped: a
    calendar application reads back exactly the product's name and provider."""
    # Three-byte characters end to end, so that some fold falls inside one unless avoided.
    name = "Café crème “deluxe”, 2 × grinder; back\\slash " + "✓" * 60
    warranty = make(user, name, 10)
    warranty.provider = "Sören's Care;\nsecond line"
    warranty.save()

    document = body(client.get(feed_url(user)))

    lines = document.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)
    for line in lines:
        line.decode()  # each folded piece is whole characters
    # Escaped as RFC 5545 says (readers tolerate more than it allows, so check the bytes).
    unfolded = document.replace(b"\r\n ", b"").decode()
    assert (
        "SUMMARY:Warranty ends: Café crème “deluxe”\\, 2 × grinder\\; back\\\\slash ✓" in unfolded
    )
    [event] = Calendar.from_ical(document).walk("VEVENT")
    assert str(event["SUMMARY"]) == f"Warranty ends: {name}"
    assert str(event["DESCRIPTION"]).startswith(
        "Manufacturer warranty from Sören's Care;\nsecond line\n"
    )
