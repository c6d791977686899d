"""What every page's forms share."""

from collections.abc import Mapping

from django import forms
from django.core.exceptions import ValidationError


def add_service_errors(
    form: forms.Form, error: ValidationError, field_for_key: Mapping[str, str] | None = None
) -> None:
    """A service's ValidationError onto `form`, each message beside the field it names (a service
    key can be mapped to a form field, e.g. "warranty.duration_months" → "duration_months"), or
    above the form when no field fits. A message the form already shows is not repeated."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    field_for_key = field_for_key or {}
    for key, messages in error.message_dict.items():
        field = field_for_key.get(key, key)
        if field not in form.fields:
            field = None
        for message in messages:
            if field is not None and message in form.errors.get(field, []):
                continue
            form.add_error(field, message)
