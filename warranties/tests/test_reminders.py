"""Warranty reminders (SPEC section 9): who is reminded of what, once, and what the email says.

Emails go through Django's email framework; the test settings' mailer is its in-memory one
(`mail.outbox`). Two tests use SMTP for real: one sends to an SMTP server on this machine, one
to a port where nothing listens."""

import datetime
import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.services import preferences_update
from accounts.tests.factories import UserFactory
from jobs.periodic import run_periodic
from purchases.tests.factories import PurchaseFactory
from spends import config
from warranties.models import WarrantyReminder, WarrantyType
from warranties.reminders import CLAIM_TIMEOUT, reminders_send, reminders_send_scheduled
from warranties.tests.factories import WarrantyFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 21)
# 09:00 UTC on TODAY: the hour the tests' runs happen unless they say otherwise.
NOW = datetime.datetime(2026, 11, 21, 9, 0, tzinfo=datetime.UTC)


# A real SMTP mailer, at a port where nothing listens.
NOTHING_LISTENS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": "127.0.0.1", "port": 1, "timeout": 5},
    }
}


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def reminders_on(user, **changes):
    preferences_update(user=user, reminders_enabled=True, timezone="UTC", **changes)
    user._spends_preferences = None
    return user


def warranty(owner, end: datetime.date | None, name: str | None = None, **fields):
    purchase = PurchaseFactory(
        owner=owner,
        purchase_date=datetime.date(2025, 1, 10),
        **({"product_name": name} if name else {}),
    )
    return WarrantyFactory(purchase=purchase, warranty_end=end, **fields)


def claimed_by_another_run(warranty, *, at: datetime.datetime) -> None:
    """The row a run writes just before it sends the warranty's reminder."""
    WarrantyReminder.objects.create(
        owner=warranty.owner,
        warranty=warranty,
        warranty_end=warranty.warranty_end,
        sent_on=at.date(),
        sent_to=warranty.owner.email,
        created_at=at,
    )


def run(at: datetime.datetime = NOW, **options):
    return reminders_send(now=at, **options)


def reminded() -> list[str]:
    """The subjects of the emails sent, in order."""
    return [message.subject for message in mail.outbox]


def html_of(message) -> str:
    [(content, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return content


# Who is reminded of what -------------------------------------------------------------------


def test_the_window_runs_from_today_to_the_days_ahead_both_included(user):
    reminders_on(user, reminder_days_ahead=30)
    warranty(user, TODAY - days(1), "Ended yesterday")
    warranty(user, TODAY, "Ends today")
    warranty(user, TODAY + days(30), "Ends in thirty days")
    warranty(user, TODAY + days(31), "Ends in thirty-one days")

    result = run()

    [message] = mail.outbox
    assert message.to == ["alice@example.com"]
    assert message.subject == "Warranty reminder: 2 warranties end soon"
    body = message.body
    assert "Ends today" in body and "Ends in thirty days" in body
    assert "Ended yesterday" not in body and "thirty-one" not in body
    assert [w.purchase.product_name for w in result.sent[0].warranties] == [
        "Ends today",
        "Ends in thirty days",
    ]


def test_the_days_ahead_are_the_users_own(user):
    reminders_on(user, reminder_days_ahead=7)
    warranty(user, TODAY + days(7), "In a week")
    warranty(user, TODAY + days(8), "In eight days")

    run()

    [message] = mail.outbox
    assert message.subject == "Warranty reminder: In a week ends in 7 days"
    assert "In eight days" not in message.body


def test_voided_lifetime_and_expired_warranties_are_never_reminded(user):
    reminders_on(user)
    warranty(user, TODAY + days(5), "Voided", voided=True)
    warranty(user, None, "Lifetime", warranty_type=WarrantyType.LIFETIME)
    warranty(user, TODAY - days(3), "Expired")

    for day in range(40):
        run(NOW + days(day))

    assert mail.outbox == []
    assert not WarrantyReminder.objects.exists()


def test_each_warranty_is_reminded_once_in_its_window(user):
    reminders_on(user, reminder_days_ahead=30)
    warranty(user, TODAY + days(20), "Camera")

    for day in range(25):  # every day of the window, and past its end
        run(NOW + days(day))

    assert reminded() == ["Warranty reminder: Camera ends in 20 days"]
    record = WarrantyReminder.objects.get()
    assert (record.warranty_end, record.sent_on, record.sent_to) == (
        TODAY + days(20),
        TODAY,
        "alice@example.com",
    )
    assert record.sent_at is not None


def test_a_run_repeated_the_same_day_sends_nothing_twice(user):
    reminders_on(user)
    warranty(user, TODAY + days(10), "Camera")

    run()
    again = run(NOW + datetime.timedelta(hours=3))

    assert len(mail.outbox) == 1
    assert again.sent == [] and again.failed == []
    assert WarrantyReminder.objects.count() == 1


def test_a_missed_day_is_caught_up_the_next_day(user):
    reminders_on(user, reminder_days_ahead=30)
    # Entered the window on TODAY, the day the job did not run.
    warranty(user, TODAY + days(30), "Laptop")

    run(NOW + days(1))

    assert reminded() == ["Warranty reminder: Laptop ends in 29 days"]
    assert "Ends" in mail.outbox[0].body and "in 29 days" in mail.outbox[0].body


def test_a_warranty_that_ended_while_the_job_did_not_run_is_not_reminded(user):
    reminders_on(user, reminder_days_ahead=3)
    warranty(user, TODAY + days(2), "Kettle")

    run(NOW + days(3))  # the first run since: the warranty ended yesterday

    assert mail.outbox == []


def test_a_changed_end_date_is_reminded_again_for_the_new_end(user):
    reminders_on(user, reminder_days_ahead=30)
    extended = warranty(user, TODAY + days(10), "Phone")
    run()
    assert reminded() == ["Warranty reminder: Phone ends in 10 days"]

    # Extended by a year: out of the window, so nothing until the new end comes near.
    extended.warranty_end = TODAY + days(375)
    extended.save()
    run(NOW + days(1))
    assert len(mail.outbox) == 1

    run(NOW + days(345))
    assert reminded()[1:] == ["Warranty reminder: Phone ends in 30 days"]
    assert WarrantyReminder.objects.filter(warranty=extended).count() == 2


def test_a_shortened_end_date_inside_the_window_is_reminded_again(user):
    reminders_on(user, reminder_days_ahead=30)
    shortened = warranty(user, TODAY + days(25), "Drill")
    run()

    shortened.warranty_end = TODAY + days(12)
    shortened.save()
    run(NOW + days(1))

    assert reminded() == [
        "Warranty reminder: Drill ends in 25 days",
        "Warranty reminder: Drill ends in 11 days",
    ]


def test_one_digest_a_day_lists_every_warranty_due_and_later_ones_wait_for_tomorrow(user):
    reminders_on(user)
    warranty(user, TODAY + days(3), "Blender")
    warranty(user, TODAY + days(9), "Toaster")
    run()
    late = warranty(user, TODAY + days(4), "Added at noon")

    at_noon = run(NOW + datetime.timedelta(hours=3))
    assert len(mail.outbox) == 1
    assert [d.warranties for d in at_noon.waiting] == [[late]]

    run(NOW + days(1))
    assert reminded()[1:] == ["Warranty reminder: Added at noon ends in 3 days"]


def test_users_with_reminders_off_are_skipped(user, other_user):
    warranty(user, TODAY + days(3), "Never asked")  # alice never turned them on
    reminders_on(other_user)
    warranty(other_user, TODAY + days(3), "Turned off")
    preferences_update(user=other_user, reminders_enabled=False)

    run()

    assert mail.outbox == []
    assert not WarrantyReminder.objects.exists()


def test_users_without_an_address_are_skipped_and_reminded_once_they_give_one(db):
    nobody = reminders_on(UserFactory(username="nomail", email=""))
    warranty(nobody, TODAY + days(3), "Unseen")

    result = run()
    assert mail.outbox == [] and not WarrantyReminder.objects.exists()
    assert [d.owner for d in result.no_address] == [nobody]

    reminders_on(nobody, reminder_email="found@example.com")
    run(NOW + days(1))
    [message] = mail.outbox
    assert message.to == ["found@example.com"]


def test_the_reminder_address_wins_over_the_accounts(user):
    reminders_on(user, reminder_email="alerts@example.org")
    warranty(user, TODAY + days(3))

    run()

    assert mail.outbox[0].to == ["alerts@example.org"]


def test_inactive_accounts_are_skipped(user):
    reminders_on(user)
    warranty(user, TODAY + days(3))
    user.is_active = False
    user.save()

    run()

    assert mail.outbox == []


def test_each_user_gets_only_their_own_warranties(user, other_user):
    reminders_on(user)
    reminders_on(other_user)
    warranty(user, TODAY + days(3), "Alice's camera")
    warranty(other_user, TODAY + days(4), "Mallory's drone")

    run()

    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {"alice@example.com", "mallory@example.com"}
    alice, mallory = by_address["alice@example.com"], by_address["mallory@example.com"]
    assert "Alice's camera" in alice.body and "Mallory's drone" not in alice.body
    assert "Alice&#x27;s camera" in html_of(alice)
    assert "Mallory" not in html_of(alice) and "Mallory" not in alice.body
    assert "Alice" not in html_of(mallory) and "Alice" not in mallory.body
    records = WarrantyReminder.objects.values_list("owner__username", "warranty__owner__username")
    assert set(records) == {("alice", "alice"), ("mallory", "mallory")}


def test_today_is_the_users_own_date(user):
    """At 13:00 UTC on TODAY it is already tomorrow in Auckland (UTC+13 in November)."""
    reminders_on(user, reminder_days_ahead=3)
    preferences_update(user=user, timezone="Pacific/Auckland")
    user._spends_preferences = None
    warranty(user, TODAY + days(4), "Auckland")

    run(datetime.datetime(2026, 11, 21, 9, 0, tzinfo=datetime.UTC))
    assert mail.outbox == []  # 22:00 on the 21st there: four days left
    run(datetime.datetime(2026, 11, 21, 13, 0, tzinfo=datetime.UTC))
    assert reminded() == ["Warranty reminder: Auckland ends in 3 days"]
    assert WarrantyReminder.objects.get().sent_on == TODAY + days(1)


# The clock, cron and failures --------------------------------------------------------------


def test_the_clock_sends_from_the_reminder_hour_of_the_users_day(user, settings):
    settings.SPENDS_REMINDER_HOUR = 8
    reminders_on(user)
    warranty(user, TODAY + days(3), "Radio")

    reminders_send(now=datetime.datetime(2026, 11, 21, 7, 59, tzinfo=datetime.UTC), from_hour=8)
    assert mail.outbox == []
    reminders_send(now=datetime.datetime(2026, 11, 21, 8, 0, tzinfo=datetime.UTC), from_hour=8)
    assert reminded() == ["Warranty reminder: Radio ends in 3 days"]


def test_the_periodic_work_includes_the_reminders(user, settings):
    settings.SPENDS_REMINDER_HOUR = 0  # whatever the hour the test runs at
    reminders_on(user)
    warranty(user, timezone.localdate() + days(2), "Periodic")

    assert run_periodic() == []
    assert reminders_send_scheduled().sent == []  # a second minute: nothing twice

    assert reminded() == ["Warranty reminder: Periodic ends in 2 days"]


def test_a_failed_email_is_recorded_as_not_sent_and_retried_at_the_next_run(user, settings):
    reminders_on(user)
    warranty(user, TODAY + days(3), "Retried")
    settings.MAILERS = NOTHING_LISTENS

    failed = run()

    assert failed.sent == [] and len(failed.failed) == 1
    assert not WarrantyReminder.objects.exists()

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    retried = run(NOW + datetime.timedelta(minutes=1))
    assert len(retried.sent) == 1
    assert reminded() == ["Warranty reminder: Retried ends in 3 days"]


def test_a_digest_being_sent_by_another_run_is_not_sent_again(user):
    reminders_on(user)
    camera = warranty(user, TODAY + days(3), "Camera")
    # Another run wrote its rows a minute ago and is sending now.
    claimed_by_another_run(camera, at=NOW - datetime.timedelta(minutes=1))

    run()

    assert mail.outbox == []


def test_a_digest_whose_run_died_before_sending_is_taken_back_and_sent(user):
    reminders_on(user)
    camera = warranty(user, TODAY + days(3), "Camera")
    claimed_by_another_run(camera, at=NOW - CLAIM_TIMEOUT - datetime.timedelta(seconds=1))

    run()

    assert reminded() == ["Warranty reminder: Camera ends in 3 days"]
    assert WarrantyReminder.objects.get().sent_at is not None


def test_a_deleted_warranty_takes_its_reminders_with_it(user):
    reminders_on(user)
    gone = warranty(user, TODAY + days(3))
    run()

    gone.purchase.delete()

    assert not WarrantyReminder.objects.exists()


# The email --------------------------------------------------------------------------------


def test_the_email_has_a_text_and_an_html_body_with_each_warranty(user, settings):
    settings.SPENDS_BASE_URL = "https://spends.example.com"
    reminders_on(user, reminder_days_ahead=14)
    preferences_update(user=user, date_format="DD.MM.YYYY")
    user._spends_preferences = None
    soon = warranty(user, TODAY + days(1), "Espresso <machine> & grinder", provider="CoffeeCare")
    later = warranty(user, TODAY + days(12), "Headphones")

    run()

    [message] = mail.outbox
    assert message.subject == "Warranty reminder: 2 warranties end soon"
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    text = message.body
    assert "Espresso <machine> & grinder" in text  # plain text is not HTML-escaped
    assert "Ends 22.11.2026, tomorrow" in text
    assert "Ends 03.12.2026, in 12 days" in text
    assert "from CoffeeCare" in text
    assert f"https://spends.example.com/inventory/{soon.purchase_id}" in text
    assert f"https://spends.example.com/inventory/{later.purchase_id}" in text
    assert "14 days ahead" in text and "https://spends.example.com/settings#reminders" in text

    html = html_of(message)
    assert "Espresso &lt;machine&gt; &amp; grinder" in html and "<machine>" not in html
    assert "Ends 22.11.2026, tomorrow" in html and "Ends 03.12.2026, in 12 days" in html
    assert f'href="https://spends.example.com/inventory/{soon.purchase_id}"' in html
    assert 'href="https://spends.example.com/settings#reminders"' in html


def test_a_single_warranty_is_named_in_the_subject(user):
    reminders_on(user)
    warranty(user, TODAY, "Fridge & freezer")

    run()

    assert reminded() == ["Warranty reminder: Fridge & freezer ends today"]
    assert "This warranty ends soon:" in mail.outbox[0].body


# The command ------------------------------------------------------------------------------


def test_send_reminders_sends_and_says_what_it_sent(user, capsys):
    reminders_on(user)
    warranty(user, timezone.localdate() + days(5), "Monitor")

    call_command("send_reminders")

    out = capsys.readouterr().out
    assert "Sent 1 reminder to alice@example.com (alice):" in out
    assert "Monitor: ends" in out and "(5 days left)" in out
    assert "1 digest listing 1 warranty sent." in out
    assert reminded() == ["Warranty reminder: Monitor ends in 5 days"]

    call_command("send_reminders")
    assert "0 digests listing 0 warranties sent." in capsys.readouterr().out
    assert len(mail.outbox) == 1


def test_send_reminders_dry_run_sends_and_records_nothing(user, other_user, capsys):
    reminders_on(user)
    warranty(user, timezone.localdate() + days(5), "Monitor")
    warranty(user, timezone.localdate() + days(6), "Keyboard")
    reminders_on(other_user)
    other_user.email = ""
    other_user.save()
    warranty(other_user, timezone.localdate() + days(2), "Unsent")

    call_command("send_reminders", "--dry-run")

    out = capsys.readouterr().out
    assert "Would send 2 reminders to alice@example.com (alice):" in out
    assert "1 reminder for mallory cannot be sent: the account has no email address" in out
    assert "Dry run: 1 digest listing 2 warranties would be sent" in out
    assert mail.outbox == [] and not WarrantyReminder.objects.exists()


def test_send_reminders_fails_when_an_email_could_not_be_sent(user, settings, capsys):
    reminders_on(user)
    warranty(user, timezone.localdate() + days(5), "Monitor")
    settings.MAILERS = NOTHING_LISTENS

    with pytest.raises(CommandError, match="1 digest could not be sent"):
        call_command("send_reminders")

    assert "Could not send to alice@example.com (alice):" in capsys.readouterr().err
    assert not WarrantyReminder.objects.exists()


def test_a_digest_goes_through_a_real_smtp_server_named_by_email_url(user, settings, monkeypatch):
    """EMAIL_URL as the README shows it, read by the settings' own parser, to an SMTP server
    listening on this machine (aiosmtpd), which receives both bodies."""
    received = []

    class Inbox:
        async def handle_DATA(self, server, session, envelope):
            received.append(envelope)
            return "250 Message accepted for delivery"

    # aiosmtpd needs a port number up front (it connects to itself to start), so ask for one.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = Controller(Inbox(), hostname="127.0.0.1", port=port)
    server.start()
    try:
        monkeypatch.setenv("SPENDS_TEST_EMAIL_URL", f"smtp://127.0.0.1:{server.port}")
        settings.MAILERS = {"default": config.mailer("SPENDS_TEST_EMAIL_URL")}
        reminders_on(user)
        warranty(user, TODAY + days(6), "Over the wire")

        assert len(run().sent) == 1
    finally:
        server.stop()

    [envelope] = received
    assert envelope.rcpt_tos == ["alice@example.com"]
    message = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert message["Subject"] == "Warranty reminder: Over the wire ends in 6 days"
    assert message.get_body(("plain",)).get_content().count("Over the wire") == 1
    assert "Over the wire" in message.get_body(("html",)).get_content()
