from django import forms

from warranties.status import EXPIRING_SOON_DAYS

# The statuses a person filters by: the derived statuses, plus "expiring soon" (an ACTIVE
# warranty ending within warranties.status.EXPIRING_SOON_DAYS).
STATUS_FILTERS = [
    ("", "All"),
    ("active", "Active"),
    ("expiring", "Expiring soon"),
    ("expired", "Expired"),
    ("voided", "Voided"),
]
MAX_WITHIN_DAYS = 3650


class WarrantyFilterForm(forms.Form):
    """The warranties page's filters, read from the query string. A bad value is reported beside
    its field and ignored; the other filters still apply."""

    status = forms.ChoiceField(choices=STATUS_FILTERS, required=False, label="Status")
    within = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_WITHIN_DAYS,
        label="Expiring within (days)",
        widget=forms.NumberInput(attrs={"placeholder": "e.g. 60", "inputmode": "numeric"}),
    )

    def valid_filters(self) -> dict:
        """The filters that parsed, as warranty_list(...) keywords."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        status = cleaned.get("status") or ""
        within = cleaned.get("within")
        filters: dict = {}
        if status == "expiring":
            # Both "expiring soon" and "within N days": the narrower window.
            filters["expiring_within_days"] = min(within or EXPIRING_SOON_DAYS, EXPIRING_SOON_DAYS)
        else:
            if status:
                filters["status"] = status.upper()
            if within is not None:
                filters["expiring_within_days"] = within
        return filters


class WarrantyVoidForm(forms.Form):
    voided = forms.TypedChoiceField(
        choices=[("true", "Void"), ("false", "Restore")], coerce=lambda value: value == "true"
    )
    next = forms.CharField(required=False)
