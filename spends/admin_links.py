"""Links between related objects in the admin."""

from django.urls import reverse
from django.utils.html import format_html


def admin_link(obj, label: str | None = None) -> str:
    if obj is None:
        return "—"
    meta = obj._meta
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
    return format_html('<a href="{}">{}</a>', url, label or str(obj))
