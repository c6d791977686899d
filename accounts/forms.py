import datetime
import functools
import zoneinfo

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.utils.html import format_html

from accounts.models import DateFormat
from spends.currencies import CURRENCIES
from spends.dates import format_date


class FirstUserForm(UserCreationForm):
    """The first-run form: username, optional email, password twice (with the validators)."""

    email = forms.EmailField(required=False, help_text="Optional; used for warranty reminders.")

    class Meta(UserCreationForm.Meta):
        fields = ("username", "email")


class PreferencesForm(forms.Form):
    """Currency, date format and time zone. The choices are offered here; the rules (a known
    currency, format and time zone) are accounts.services.preferences_update's, whose errors the
    view puts beside the fields."""

    currency_code = forms.CharField(label="Currency", widget=forms.Select)
    date_format = forms.CharField(
        label="Date format", widget=forms.Select(attrs={"data-date-format-select": ""})
    )
    timezone = forms.CharField(label="Time zone", widget=forms.Select)

    def __init__(self, *args, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.date_examples = {value: format_date(today, value) for value in DateFormat.values}
        self.fields["currency_code"].widget.choices = [
            (code, f"{code} ({symbol})" if symbol else code) for code, symbol in CURRENCIES.items()
        ]
        self.fields["date_format"].widget.choices = [
            (value, f"{'Short' if value == DateFormat.SHORT else value} — {example}")
            for value, example in self.date_examples.items()
        ]
        self.fields["timezone"].widget.choices = [(name, name) for name in time_zone_names()]

    @property
    def date_example(self) -> str:
        """Today in the chosen format (static/js/settings.js follows the select)."""
        chosen = self["date_format"].value()
        return self.date_examples.get(chosen) or self.date_examples[DateFormat.US]


@functools.cache
def time_zone_names() -> list[str]:
    return sorted(zoneinfo.available_timezones())


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Token name",
        required=False,
        help_text="Say where it will be used, e.g. “backup script”.",
        widget=forms.TextInput(attrs={"maxlength": 100, "autocomplete": "off"}),
    )


class RemindersForm(forms.Form):
    """Warranty reminder emails: on or off, how many days ahead, and where to. The form only
    reads the values; their rules (1 to 365 days, a valid address) are
    accounts.services.preferences_update's, whose errors the view puts beside the fields."""

    reminders_enabled = forms.BooleanField(label="Email me before a warranty ends", required=False)
    reminder_days_ahead = forms.IntegerField(
        label="Days ahead",
        help_text="From 1 to 365 days before the end date.",
        error_messages={"invalid": "Give a whole number of days, from 1 to 365."},
        widget=forms.NumberInput(attrs={"min": 1, "max": 365, "step": 1, "inputmode": "numeric"}),
    )
    reminder_email = forms.CharField(
        label="Send to",
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "maxlength": 254}),
    )

    def __init__(self, *args, account_email: str, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["reminder_email"]
        if account_email:
            # form_field.html shows help text as HTML: the address is escaped here.
            field.help_text = format_html(
                "Leave empty to use your account’s address, {}.", account_email
            )
            field.widget.attrs["placeholder"] = account_email
        else:
            field.help_text = "Your account has no email address: give one to receive reminders."
            field.widget.attrs["placeholder"] = "name@example.com"
