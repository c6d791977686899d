import datetime
import functools
import zoneinfo

from django import forms
from django.contrib.auth.forms import UserCreationForm

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
