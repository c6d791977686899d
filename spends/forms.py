"""What every page's forms share."""

from collections.abc import Mapping

from django import forms
from django.core.exceptions import ValidationError

from spends.uploads import oversized_uploads, size_limit_text


def upload_form_status(request, form: forms.Form, *, limit: int, what: str) -> int | None:
    """Checks a form with an uploaded `file`: None when it is valid, else the status that
    answers it, with the reasons on the form: 413 when reading the request dropped the file for
    its size (the form then saw no file, so that error is replaced), 422 otherwise."""
    dropped = oversized_uploads(request)
    valid = form.is_valid()
    if dropped:
        form.errors.pop("file", None)
        form.add_error(
            "file", f"“{dropped[0]}” is larger than the {what} limit of {size_limit_text(limit)}."
        )
        return 413
    return None if valid else 422


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
