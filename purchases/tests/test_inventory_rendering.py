"""The shortcuts that keep the inventory fast write exactly what the slower way wrote: selects
written in Python (spends/templatetags/form_widgets.py), row links made from one reversed URL
each (purchases.views.RowLinks), rows formatted in Python (purchases.views.inventory_row), and
the lists behind the filters (currencies, retailers, brands)."""

import datetime
import re
import uuid
from decimal import Decimal

import pytest
from django import forms
from django.http import QueryDict
from django.template import engines
from django.urls import reverse
from django.utils.translation import gettext_lazy

from accounts.models import Preferences
from catalog.models import Brand, Retailer
from catalog.selectors import catalog_names
from catalog.tests.factories import BrandFactory, RetailerFactory
from purchases.forms import PurchaseFilterForm, PurchaseForm
from purchases.models import PurchaseStatus
from purchases.selectors import purchase_currencies
from purchases.tests.factories import AttachmentFactory, PurchaseFactory
from purchases.views import RowLinks
from spends.templatetags import form_widgets
from spends.templatetags.formatting import date_text
from warranties.tests.factories import WarrantyFactory

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


class EveryInputForm(forms.Form):
    """Inputs with what their templates have to get right: formatted values, awkward text, lazy
    and True/False attributes, errors, help."""

    day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    amount = forms.DecimalField(required=False, max_digits=8, decimal_places=2, min_value=0)
    name = forms.CharField(
        max_length=20, help_text="Who?",
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("Name"), "data-on": True,
                                      "data-off": False}),
    )  # fmt: skip
    secret = forms.CharField(required=False, widget=forms.PasswordInput(render_value=True))
    hidden = forms.CharField(required=False, widget=forms.HiddenInput)


@pytest.mark.parametrize(
    "data",
    [None, {"day": "2026-01-30", "amount": "12.5", "name": AWKWARD, "secret": AWKWARD},
     {"day": "30 Jan", "amount": "-1", "name": "x" * 30, "hidden": AWKWARD}],
    ids=["unbound", "valid", "invalid"],
)  # fmt: skip
def test_inputs_are_written_as_djangos_templates_write_them_each_time(data, monkeypatch):
    initial = {"day": datetime.date(2026, 2, 1), "amount": Decimal("3.10")}
    for _ in range(2):  # written, then kept
        form = EveryInputForm(data, initial=initial)
        form.is_valid()
        for field in form:
            assert form_widgets._is_plain_input(field)
            with monkeypatch.context() as patch:
                patch.setattr(form_widgets, "_is_plain_input", lambda field: False)
                expected = form_widgets.bootstrap_widget(field)
            assert form_widgets.bootstrap_widget(field) == expected


def test_an_input_is_written_again_for_another_value():
    first = form_widgets.bootstrap_widget(EveryInputForm({"name": "Ann"})["name"])
    second = form_widgets.bootstrap_widget(EveryInputForm({"name": "Bob"})["name"])
    assert 'value="Ann"' in first
    assert 'value="Bob"' in second


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


def test_the_currency_filter_lists_the_owners_currencies_alphabetically(
    user_client, user, other_user
):
    for code in ("USD", "USD", "USD", "JPY", "JPY", "EUR"):
        PurchaseFactory(owner=user, currency_code=code)
    PurchaseFactory(owner=other_user, currency_code="GBP")
    assert purchase_currencies(user) == ["EUR", "JPY", "USD"]
    assert purchase_currencies(other_user) == ["GBP"]
    body = user_client.get("/inventory").content.decode()
    select = re.search(r'<select name="currency".*?</select>', body, re.S).group()
    assert re.findall(r'<option value="([^"]*)"', select) == ["", "EUR", "JPY", "USD"]


def test_an_owner_without_purchases_has_no_currencies(user, other_user):
    PurchaseFactory(owner=other_user, currency_code="GBP")
    assert purchase_currencies(user) == []


def test_catalog_names_are_the_owners_ids_as_text_sorted_by_name(user, other_user):
    zeta = BrandFactory(owner=user, name="zeta")
    acme = BrandFactory(owner=user, name="Acme")
    BrandFactory(owner=other_user, name="Theirs")
    shop = RetailerFactory(owner=user, name=AWKWARD)
    assert catalog_names(user, Brand) == [(str(acme.id), "Acme"), (str(zeta.id), "zeta")]
    assert catalog_names(user, Retailer) == [(str(shop.id), AWKWARD)]


def test_date_text_writes_what_the_user_date_tag_writes():
    tag = engines["django"].from_string("{% user_date value %}")
    moment = datetime.datetime(2026, 1, 30, 23, 30, tzinfo=datetime.UTC)
    for date_format in ("short", "DD/MM/YYYY", "YYYY-MM-DD"):
        preferences = Preferences(date_format=date_format)
        for value in (datetime.date(2026, 3, 4), moment, None):
            written = tag.render({"value": value, "preferences": preferences})
            assert date_text(value, date_format) == written


def table_row(body: str, purchase) -> str:
    return re.search(rf'<tr id="purchase-{purchase.id}".*?</tr>', body, re.S).group()


def test_a_row_shows_its_purchase_formatted_for_the_user(user_client, user):
    Preferences.objects.update_or_create(user=user, defaults={"date_format": "DD/MM/YYYY"})
    retailer = RetailerFactory(owner=user, name=AWKWARD)
    purchase = PurchaseFactory(
        owner=user, product_name=AWKWARD, retailer=retailer, price=Decimal("1234.5"),
        currency_code="EUR", purchase_date=datetime.date(2026, 1, 15), status="ORDERED",
    )  # fmt: skip
    WarrantyFactory(purchase=purchase, voided=True)
    AttachmentFactory(purchase=purchase)
    row = table_row(user_client.get("/inventory").content.decode(), purchase)
    escaped = "Tom &amp; Jerry&#x27;s &lt;b&gt;&quot;best&quot;&lt;/b&gt;"
    assert row.count(escaped) == 7  # the link, the retailer twice, four labels
    assert f"Mark {escaped} received" in row and AWKWARD not in row
    assert ">€1,234.50</td>" in row
    assert row.count("15/01/2026") == 2
    assert 'aria-label="No brand"' in row and 'aria-label="No retailer"' not in row
    assert row.count('data-status="VOIDED"') == 2 and "warranty-days" not in row
    assert '</i> 1<span class="visually-hidden"> attachment</span>' in row


def test_a_rows_warranty_days_are_shown(user_client, user):
    purchase = PurchaseFactory(owner=user, purchase_date=datetime.date.today())
    WarrantyFactory(purchase=purchase, warranty_end=datetime.date.today())
    row = table_row(user_client.get("/inventory").content.decode(), purchase)
    assert row.count('data-status="EXPIRING_SOON"') == 2
    assert row.count('data-testid="warranty-days">ends today</span>') == 2
    assert '0<span class="visually-hidden"> attachments</span>' in row


def test_the_row_swapped_in_after_mark_received_is_the_tables_row(user_client, user):
    purchase = PurchaseFactory(owner=user, status="ORDERED", brand=BrandFactory(owner=user))
    WarrantyFactory(purchase=purchase)
    response = user_client.post(
        f"/inventory/{purchase.id}/receive",
        headers={"HX-Request": "true", "HX-Target": f"purchase-{purchase.id}"},
    )
    assert response.status_code == 200
    swapped = response.content.decode().strip()  # the row, then its toast out of band
    assert swapped.startswith(f'<tr id="purchase-{purchase.id}"')
    assert "mark-received" not in table_row(swapped, purchase)
    assert table_row(swapped, purchase) == table_row(
        user_client.get("/inventory").content.decode(), purchase
    )


@pytest.mark.django_db
@pytest.mark.parametrize("status, shown", [("ORDERED", "Ordered"), ("RECEIVED", "Received")])
def test_the_detail_page_shows_the_status_badge_of_the_purchase(user_client, user, status, shown):
    purchase = PurchaseFactory(owner=user, status=status)
    body = user_client.get(reverse("purchase_detail", args=[purchase.id])).content.decode()

    [badge] = re.findall(r'data-testid="status-badge">(.*?)</span>', body)
    assert badge.endswith(f"</i> {shown}")


def test_a_select_written_before_is_written_again_for_another_value_or_other_choices(user):
    """Selects are kept once written (form_widgets._kept), by all that makes them."""

    def brand_select(selected: str, names: list[tuple[str, str]]) -> str:
        form = PurchaseFilterForm(QueryDict(f"brand={selected}"), owner=user, brands=names)
        return form_widgets.bootstrap_widget(form["brand"])

    names = [("a", "Acme"), ("b", "Bolt")]
    first = brand_select("a", names)
    assert '<option value="a" selected>Acme</option>' in first
    assert brand_select("a", list(names)) == first
    assert '<option value="b" selected>Bolt</option>' in brand_select("b", names)
    renamed = brand_select("a", [("a", "Acme & Sons"), ("b", "Bolt")])
    assert '<option value="a" selected>Acme &amp; Sons</option>' in renamed
    assert form_widgets.select_options(names) == form_widgets.select_options(list(names))
    assert "Acme &amp; Sons" in form_widgets.select_options([("a", "Acme & Sons")])
