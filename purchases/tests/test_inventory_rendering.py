"""The shortcuts that keep the inventory fast write exactly what the slower way wrote: selects
written in Python (spends/templatetags/form_widgets.py) and row links made from one reversed URL
each (purchases.views.RowLinks)."""

import uuid

import pytest
from django import forms
from django.http import QueryDict
from django.template import engines
from django.urls import reverse
from django.utils.translation import gettext_lazy

from catalog.tests.factories import BrandFactory, RetailerFactory
from purchases.forms import PurchaseFilterForm, PurchaseForm
from purchases.models import PurchaseStatus
from purchases.tests.factories import PurchaseFactory
from purchases.views import RowLinks
from spends.templatetags import form_widgets

pytestmark = pytest.mark.django_db

AWKWARD = 'Tom & Jerry\'s <b>"best"</b>'


def through_djangos_templates(field, monkeypatch) -> str:
    with monkeypatch.context() as patch:
        patch.setattr(form_widgets, "_is_plain_select", lambda field: False)
        return form_widgets.bootstrap_widget(field)


def written_in_python(field, monkeypatch) -> str:
    """The select as the shortcut writes it, failing if it handed the field to the templates."""
    with monkeypatch.context() as patch:
        patch.setattr(forms.BoundField, "as_widget", lambda *args, **kwargs: pytest.fail())
        return form_widgets.bootstrap_widget(field)


def assert_written_as_before(field, monkeypatch) -> None:
    assert written_in_python(field, monkeypatch) == through_djangos_templates(field, monkeypatch)


class EverySelectForm(forms.Form):
    """Selects with what the templates have to get right: groups, numbers, lazy and awkward
    labels, required and disabled fields, attributes that are True or False."""

    grouped = forms.ChoiceField(
        choices=[("", "None"), ("Fruit", [("apple", "Apple"), ("pear", AWKWARD)]), (3, "Three")]
    )
    lazy = forms.ChoiceField(
        required=False, choices=[("a", gettext_lazy("Active")), ("b", gettext_lazy("Broken"))]
    )
    flagged = forms.ChoiceField(
        disabled=True,
        choices=[("x", "X")],
        widget=forms.Select(attrs={"data-on": True, "data-off": False, "data-n": 7}),
    )
    helped = forms.ChoiceField(choices=[(AWKWARD, AWKWARD)], help_text="Pick one.")


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"grouped": "pear", "lazy": "b", "helped": AWKWARD},
        {"grouped": "3"},
        {"grouped": "nope", "lazy": "nope"},
    ],
    ids=["unbound", "chosen", "a-number", "invalid"],
)
def test_selects_are_written_as_djangos_templates_write_them(data, monkeypatch):
    form = EverySelectForm(data)
    form.is_valid()
    for field in form:
        assert_written_as_before(field, monkeypatch)


def test_a_label_the_templates_would_localise_is_left_to_them(monkeypatch):
    class NumberForm(forms.Form):
        number = forms.ChoiceField(choices=[(1000, 1000)])

    field = NumberForm()["number"]
    assert form_widgets._is_plain_select(field)
    assert form_widgets.bootstrap_widget(field) == through_djangos_templates(field, monkeypatch)


@pytest.mark.parametrize(
    "query",
    ["", "status=ORDERED&currency=EUR&warranty=NONE", "retailer={retailer}&brand={brand}",
     "retailer=nope&currency=XXX&status=LOST"],
    ids=["none", "chosen", "catalog", "invalid"],
)  # fmt: skip
def test_the_inventory_filters_are_written_as_before(user, query, monkeypatch):
    retailer = RetailerFactory(owner=user, name=AWKWARD)
    brand = BrandFactory(owner=user, name="Acme")
    PurchaseFactory(owner=user, retailer=retailer, brand=brand, currency_code="EUR")
    form = PurchaseFilterForm(
        QueryDict(query.format(retailer=retailer.id, brand=brand.id)), owner=user
    )
    form.is_valid()
    selects = [field for field in form if isinstance(field.field.widget, forms.Select)]
    assert len(selects) == 5
    for field in selects:
        assert_written_as_before(field, monkeypatch)


def test_the_purchase_forms_selects_are_written_as_before(monkeypatch):
    for form in (PurchaseForm(initial={"currency_code": "EUR"}), PurchaseForm({"status": "?"})):
        form.is_valid()
        for field in form:
            if isinstance(field.field.widget, forms.Select):
                assert_written_as_before(field, monkeypatch)


def test_a_select_with_templates_of_its_own_is_left_to_them():
    class Fancy(forms.Select):
        option_template_name = "fancy_option.html"

    class FancyForm(forms.Form):
        choice = forms.ChoiceField(choices=[("a", "A")], widget=Fancy)
        many = forms.MultipleChoiceField(choices=[("a", "A")])

    form = FancyForm()
    assert not form_widgets._is_plain_select(form["choice"])
    assert not form_widgets._is_plain_select(form["many"])


def test_select_options_writes_what_the_template_loop_wrote():
    loop = engines["django"].from_string(
        '{% for value, label in choices %}<option value="{{ value }}">{{ label }}</option>'
        "{% endfor %}"
    )
    choices = [*PurchaseStatus.choices, (str(uuid.uuid4()), AWKWARD), ("id", "Plain")]
    written = engines["django"].from_string("{{ choices|select_options }}")
    assert written.render({"choices": choices}) == loop.render({"choices": choices})
    assert "&lt;b&gt;&quot;best&quot;" in written.render({"choices": choices})


def test_row_links_are_the_reversed_urls():
    purchase_id = uuid.uuid4()
    links = RowLinks.maker()(purchase_id)
    assert links == RowLinks(
        detail=reverse("purchase_detail", args=[purchase_id]),
        update=reverse("purchase_update", args=[purchase_id]),
        delete=reverse("purchase_delete", args=[purchase_id]),
        receive=reverse("purchase_receive", args=[purchase_id]),
    )


def test_each_row_links_to_its_own_purchase(user_client, user):
    first = PurchaseFactory(owner=user, status="ORDERED")
    second = PurchaseFactory(owner=user)
    body = user_client.get("/inventory").content.decode()
    for purchase in (first, second):
        assert f'href="/inventory/{purchase.id}"' in body
        assert f'href="/inventory/{purchase.id}/edit"' in body
        assert f'href="/inventory/{purchase.id}/delete"' in body
    assert f'action="/inventory/{first.id}/receive"' in body
    assert f'action="/inventory/{second.id}/receive"' not in body
