"""Renders form widgets with Bootstrap's classes and their error state, so that forms stay
plain Django forms."""

import functools
import html
from collections.abc import Callable
from pathlib import Path

import django.forms
from django import forms, template
from django.forms.renderers import DjangoTemplates
from django.utils.choices import CallableChoiceIterator
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()


@register.filter
def bootstrap_widget(field):
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
        css = "form-check-input"
    elif isinstance(widget, forms.Select):
        css = "form-select"
    else:
        css = "form-control"
    attrs = {"class": f"{widget.attrs.get('class', '')} {css}".strip()}
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}_helptext")
    if field.errors:
        attrs["class"] += " is-invalid"
        attrs["aria-invalid"] = "true"
        described_by.append(f"{field.auto_id}_error")
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    if _is_plain_select(field):
        return _select_html(field, attrs)
    if _is_plain_input(field):
        return _input_html(field, attrs)
    return field.as_widget(attrs=attrs)


@register.filter
def select_options(choices) -> SafeString:
    """`<option value="…">…</option>` for each (value, label) string pair of `choices`, none
    selected, as a `{% for %}` loop of `<option value="{{ value }}">{{ label }}</option>` wrote
    them: the long lists (every retailer and brand) of a hand-written <select>."""
    choices = tuple(choices)
    return _kept(
        ("options", choices),
        lambda: mark_safe(
            "".join(
                f'<option value="{_escaped(value)}">{_escaped(label)}</option>'
                for value, label in choices
            )
        ),
    )


# Option lists, selects and inputs written, by everything that makes them (for a select: its name,
# value, attributes and choices): the same long ones (every retailer, every brand) come back on
# request after request, hundreds of options a page that took 1-2 ms to write.
_WRITTEN: dict[tuple, SafeString] = {}
WRITTEN_KEPT = 512


def _kept(key: tuple, write: Callable[[], SafeString]) -> SafeString:
    """What `write()` answers, written once per `key` (written each time when the key cannot
    be hashed; all forgotten once WRITTEN_KEPT are kept)."""
    try:
        written = _WRITTEN.get(key)
    except TypeError:
        return write()
    if written is None:
        written = write()
        if len(_WRITTEN) >= WRITTEN_KEPT:
            _WRITTEN.clear()
        _WRITTEN[key] = written
    return written


def _escaped(value) -> str:
    """Django's conditional_escape(), without its lazy-string wrapper, which cost more than the
    escaping itself over hundreds of options."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


# A <select> -------------------------------------------------------------------------------------
#
# Django writes a <select> through three templates, two of them included once per option: for
# the inventory's filters (300 brands, 50 retailers) that was most of the page's time. A plain
# select is written here instead, character for character as those templates write it
# (purchases/tests/test_inventory_rendering.py compares the two on many selects).

SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"
DJANGO_WIDGET_TEMPLATES = Path(django.forms.__file__).parent / "templates"


class _NotPlain(Exception):
    """A value that only the templates write exactly (a number they would localise, say)."""


@functools.cache
def _renderer_uses_djangos_select() -> bool:
    """Whether Django's template renderer finds Django's own select templates (no installed
    app overrides them)."""
    renderer = DjangoTemplates()
    return all(
        Path(renderer.get_template(name).origin.name).is_relative_to(DJANGO_WIDGET_TEMPLATES)
        for name in (SELECT_TEMPLATE, OPTION_TEMPLATE)
    )


def _is_plain_select(field) -> bool:
    widget = field.field.widget
    return (
        isinstance(widget, forms.Select)
        and not widget.allow_multiple_selected
        and widget.template_name == SELECT_TEMPLATE
        and widget.option_template_name == OPTION_TEMPLATE
        and type(field.form.renderer) is DjangoTemplates
        and _renderer_uses_djangos_select()
    )


def _text(value) -> str:
    """`{{ value }}` of a string."""
    if not isinstance(value, str | Promise):
        raise _NotPlain
    return _escaped(value)


def _attribute_value(value) -> str:
    """`{{ value|stringformat:'s' }}`."""
    if not isinstance(value, str | Promise | int):
        raise _NotPlain
    return _escaped(value if hasattr(value, "__html__") else f"{value}")


def _attributes(attrs: dict) -> str:
    """django/forms/widgets/attrs.html."""
    return "".join(
        f" {_text(name)}" if value is True else f' {_text(name)}="{_attribute_value(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _widget_attrs(field, attrs: dict) -> dict:
    """The attributes `field.as_widget(attrs=attrs)` gives its widget."""
    widget = field.field.widget
    final_attrs = field.build_widget_attrs(attrs, widget)
    if field.auto_id and "id" not in widget.attrs:
        final_attrs.setdefault("id", field.auto_id)
    return final_attrs


def _select_html(field, attrs: dict) -> SafeString:
    """What `field.as_widget(attrs=attrs)` answers for a plain select, by the same steps."""
    widget = field.field.widget
    final_attrs = _widget_attrs(field, attrs)
    value = field.value()
    key = ("select", field.html_name, repr(value), tuple(final_attrs.items()),
           tuple(_given_choices(widget.choices)))  # fmt: skip
    return _kept(key, lambda: _write_select(field, widget, value, final_attrs, attrs))


def _given_choices(choices):
    """Choices as they were given: those of a callable are its answer, which tells them apart
    as well as Django's normalised copy of it does, without making one (a fifth of a page's
    selects, with hundreds of retailers and brands)."""
    return choices.func() if isinstance(choices, CallableChoiceIterator) else choices


def _write_select(field, widget, value, final_attrs: dict, attrs: dict) -> SafeString:
    context = widget.get_context(field.html_name, value, final_attrs)["widget"]
    try:
        parts = [f'<select name="{_text(context["name"])}"{_attributes(context["attrs"])}>']
        for group_name, options, _index in context["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{_text(group_name)}">')
            parts.extend(
                f'\n  <option value="{_attribute_value(option["value"])}"'
                f"{_attributes(option['attrs'])}>{_text(option['label'])}</option>\n"
                for option in options
            )
            if group_name:
                parts.append("\n  </optgroup>")
    except _NotPlain:
        return field.as_widget(attrs=attrs)
    parts.append("\n</select>")
    return mark_safe("".join(parts))


# An <input> ------------------------------------------------------------------------------------
#
# Django writes an input through its template, given the widget's context (name, type, value
# as the widget formats it, attributes): the same inputs (the inventory's date and price
# filters, empty) come back on request after request, a template each. Written once per
# context instead, and per language (a lazy label in the context is one object whatever the
# language it is read in).


def _is_plain_input(field) -> bool:
    widget = field.field.widget
    return (
        isinstance(widget, forms.widgets.Input)
        and not isinstance(widget, forms.FileInput)
        and not field.field.localize
        and type(field.form.renderer) is DjangoTemplates
    )


def _input_html(field, attrs: dict) -> SafeString:
    """What `field.as_widget(attrs=attrs)` answers for an input, by the same steps."""
    widget = field.field.widget
    context = widget.get_context(field.html_name, field.value(), _widget_attrs(field, attrs))
    key = ("input", get_language(), repr(context))
    return _kept(key, lambda: widget._render(widget.template_name, context, field.form.renderer))
