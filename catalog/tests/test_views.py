"""Retailers and brands on the settings page: list with counts, add, rename, merge, delete."""

import html

import pytest
from django.urls import reverse

from catalog.models import Brand, Retailer
from catalog.tests.factories import BrandFactory, RetailerFactory
from purchases.models import Purchase
from purchases.tests.factories import PurchaseFactory

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
KINDS = [
    ("retailers", Retailer, RetailerFactory, "retailer"),
    ("brands", Brand, BrandFactory, "brand"),
]


def url(name, kind, entry=None) -> str:
    kwargs = {"kind": kind}
    if entry is not None:
        kwargs["entry_id"] = entry.id
    return reverse(name, kwargs=kwargs)


def used_by(entry, field, count):
    for _ in range(count):
        PurchaseFactory(owner=entry.owner, **{field: entry})


@pytest.fixture
def shops(user):
    amazon = RetailerFactory(owner=user, name="Amazon", url="https://amazon.example")
    corner = RetailerFactory(owner=user, name="Corner Shop")
    used_by(amazon, "retailer", 3)
    return amazon, corner


def test_settings_lists_retailers_and_brands_with_purchase_counts(user_client, user, shops):
    brand = BrandFactory(owner=user, name="Bosch")
    used_by(brand, "brand", 1)
    content = user_client.get("/settings").content.decode()
    assert 'id="catalog-list-retailers"' in content and 'id="catalog-list-brands"' in content
    assert "Amazon" in content and "3 purchases" in content
    assert "Corner Shop" in content and "0 purchases" in content
    assert "Bosch" in content and "1 purchase<" in content
    assert 'href="https://amazon.example"' in content


@pytest.mark.parametrize(("kind", "model", "factory", "label"), KINDS)
def test_list_region_alone_for_htmx_and_a_page_without(
    user_client, user, kind, model, factory, label
):
    factory(owner=user, name="Listed One")
    response = user_client.get(url("catalog", kind), headers=HX)
    content = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "<html" not in content
    assert content.strip().startswith(f'<div id="catalog-list-{kind}"')
    assert "Listed One" in content
    full = user_client.get(url("catalog", kind)).content.decode()
    assert "<html" in full and "Listed One" in full and "Back to settings" in full


def test_unknown_kind_is_404(user_client):
    assert user_client.get("/settings/catalog/shops").status_code == 404
    assert user_client.post("/settings/catalog/shops", {"shops-name": "x"}).status_code == 404


def test_empty_lists_say_so(user_client):
    content = user_client.get("/settings").content.decode()
    assert "No retailers yet." in content and "No brands yet." in content


@pytest.mark.parametrize(("kind", "model", "factory", "label"), KINDS)
def test_add_with_htmx_rerenders_the_list(user_client, user, kind, model, factory, label):
    response = user_client.post(
        url("catalog", kind), {f"{kind}-name": "  Fresh One ", f"{kind}-url": "https://fresh.example"},
        headers=HX,
    )  # fmt: skip
    content = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert f'id="catalog-list-{kind}"' in content and "Fresh One" in content
    assert f'{label.capitalize()} "Fresh One" added.' in content
    entry = model.objects.get(owner=user)
    assert (entry.name, entry.url) == ("Fresh One", "https://fresh.example")


def test_add_without_htmx_redirects_to_the_section(user_client, user):
    response = user_client.post(url("catalog", "brands"), {"brands-name": "Miele"})
    assert response["Location"] == "/settings#catalog"
    assert Brand.objects.filter(owner=user, name="Miele").exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"retailers-name": "   "}, "name", "This field is required."),
        ({"retailers-name": "AMAZON"}, "name", 'A retailer named "AMAZON" already exists.'),
        ({"retailers-name": "x" * 101}, "name", "at most 100 characters"),
        (
            {"retailers-name": "Ok", "retailers-url": "ftp://files.example"},
            "url",
            "Enter a valid URL.",
        ),
    ],
)
def test_add_errors_answer_422_beside_the_field_and_add_nothing(
    user_client, user, shops, data, field, message
):
    for headers in (HX, {}):
        response = user_client.post(url("catalog", "retailers"), data, headers=headers)
        content = html.unescape(response.content.decode())
        assert response.status_code == 422
        assert f'id="id_retailers-{field}_error"' in content
        assert message in content
    assert Retailer.objects.filter(owner=user).count() == 2


def test_rename_dialog_and_page(user_client, shops):
    amazon, _ = shops
    content = user_client.get(url("catalog_edit", "retailers", amazon), headers=HX).content.decode()
    assert "<html" not in content and 'id="dialog-title"' in content
    assert 'value="Amazon"' in content
    assert "<html" in user_client.get(url("catalog_edit", "retailers", amazon)).content.decode()


def test_rename_with_htmx_closes_the_dialog_and_refreshes_the_list(user_client, shops):
    amazon, _ = shops
    response = user_client.post(
        url("catalog_edit", "retailers", amazon), {"name": "Amazon EU", "url": ""}, headers=HX
    )
    content = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "dialog:close" in response["HX-Trigger"]
    assert (
        'id="catalog-list-retailers" class="catalog-list" '
        'data-testid="catalog-retailers" hx-swap-oob="true"' in content
    )
    assert "Amazon EU" in content
    assert 'Retailer "Amazon" renamed to "Amazon EU".' in content
    amazon.refresh_from_db()
    assert (amazon.name, amazon.url) == ("Amazon EU", "")


def test_rename_changing_only_case_is_allowed(user_client, shops):
    amazon, _ = shops
    response = user_client.post(url("catalog_edit", "retailers", amazon), {"name": "AMAZON"})
    assert response["Location"] == "/settings#catalog"
    amazon.refresh_from_db()
    assert amazon.name == "AMAZON"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "This field is required."),
        ("corner shop", 'A retailer named "corner shop" already exists.'),
    ],
)
def test_rename_errors_answer_422_in_the_dialog_and_change_nothing(
    user_client, shops, name, message
):
    amazon, _ = shops
    response = user_client.post(
        url("catalog_edit", "retailers", amazon), {"name": name}, headers=HX
    )
    content = html.unescape(response.content.decode())
    assert response.status_code == 422
    assert 'id="id_name_error"' in content and message in content
    assert "HX-Trigger" not in response
    amazon.refresh_from_db()
    assert amazon.name == "Amazon"


def test_delete_an_unused_entry(user_client, user, shops):
    _, corner = shops
    response = user_client.post(url("catalog_delete", "retailers", corner), headers=HX)
    content = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert content.strip().startswith('<div id="catalog-list-retailers"')
    assert 'Retailer "Corner Shop" deleted.' in content
    assert not Retailer.objects.filter(id=corner.id).exists()


def test_delete_refused_while_in_use_with_the_count(user_client, shops):
    amazon, _ = shops
    response = user_client.post(url("catalog_delete", "retailers", amazon), headers=HX)
    content = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert 'Cannot delete retailer "Amazon": 3 purchases use it.' in content
    assert "text-bg-danger" in content  # an error toast
    assert Retailer.objects.filter(id=amazon.id).exists()
    # Without htmx: back to the section, with the message.
    response = user_client.post(url("catalog_delete", "retailers", amazon))
    assert response["Location"] == "/settings#catalog"
    assert "3 purchases use it" in user_client.get("/settings").content.decode()


def test_delete_only_accepts_post(user_client, shops):
    assert user_client.get(url("catalog_delete", "retailers", shops[1])).status_code == 405


def test_merge_dialog_offers_the_others(user_client, user, shops):
    amazon, corner = shops
    content = user_client.get(
        url("catalog_merge", "retailers", corner), headers=HX
    ).content.decode()
    assert "<html" not in content and 'id="dialog-title"' in content
    assert f'<option value="{amazon.id}">Amazon (3)</option>' in content
    assert f'value="{corner.id}"' not in content


def test_merge_with_no_other_entry_says_so(user_client, user):
    only = BrandFactory(owner=user, name="Only")
    content = user_client.get(url("catalog_merge", "brands", only)).content.decode()
    assert "You have no other brand" in content


def test_merge_moves_purchases_and_deletes_the_source(user_client, user, shops):
    amazon, corner = shops
    used_by(corner, "retailer", 2)
    response = user_client.post(
        url("catalog_merge", "retailers", corner), {"into": str(amazon.id)}, headers=HX
    )
    content = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "dialog:close" in response["HX-Trigger"]
    assert 'Merged "Corner Shop" into "Amazon": 2 purchases moved.' in content
    assert "5 purchases" in content
    assert not Retailer.objects.filter(id=corner.id).exists()
    assert Purchase.objects.filter(retailer=amazon).count() == 5


def test_merge_without_htmx_redirects(user_client, user):
    source, target = BrandFactory(owner=user, name="A"), BrandFactory(owner=user, name="B")
    response = user_client.post(url("catalog_merge", "brands", source), {"into": str(target.id)})
    assert response["Location"] == "/settings#catalog"
    assert not Brand.objects.filter(id=source.id).exists()


@pytest.mark.parametrize(
    ("into", "message"),
    [
        ("self", "Cannot merge a retailer into itself."),
        ("other-users", "Choose one of your retailers."),
        ("not-a-uuid", "Enter a valid UUID."),
        ("", "This field is required."),
    ],
)
def test_merge_errors_answer_422_and_change_nothing(user_client, other_user, shops, into, message):
    amazon, corner = shops
    theirs = RetailerFactory(owner=other_user, name="Their Shop")
    value = {"self": str(amazon.id), "other-users": str(theirs.id)}.get(into, into)
    response = user_client.post(
        url("catalog_merge", "retailers", amazon), {"into": value}, headers=HX
    )
    content = html.unescape(response.content.decode())
    assert response.status_code == 422
    assert 'id="id_into_error"' in content and message in content
    assert Retailer.objects.filter(id__in=[amazon.id, corner.id, theirs.id]).count() == 3
    assert Purchase.objects.filter(retailer=amazon).count() == 3


@pytest.mark.parametrize(("kind", "model", "factory", "label"), KINDS)
def test_another_users_entries_are_404_and_never_listed(
    user_client, user, other_user, kind, model, factory, label
):
    theirs = factory(owner=other_user, name="Mallory Mart")
    mine = factory(owner=user, name="Mine")
    for name in ("catalog_edit", "catalog_merge"):
        assert user_client.get(url(name, kind, theirs)).status_code == 404
        assert (
            user_client.post(url(name, kind, theirs), {"name": "x"}, headers=HX).status_code == 404
        )
    assert user_client.post(url("catalog_delete", kind, theirs)).status_code == 404
    # Merging mine into theirs (or theirs into mine) changes nothing.
    assert (
        user_client.post(url("catalog_merge", kind, mine), {"into": str(theirs.id)}).status_code
        == 422
    )
    assert model.objects.filter(id__in=[theirs.id, mine.id]).count() == 2
    assert model.objects.get(id=theirs.id).name == "Mallory Mart"
    assert "Mallory Mart" not in user_client.get("/settings").content.decode()
    assert "Mallory Mart" not in user_client.get(url("catalog", kind)).content.decode()


def test_adding_a_name_another_user_has_is_fine(user_client, user, other_user):
    RetailerFactory(owner=other_user, name="Shared Name")
    response = user_client.post(
        url("catalog", "retailers"), {"retailers-name": "shared name"}, headers=HX
    )
    assert response.status_code == 200
    assert Retailer.objects.filter(owner=user, name="shared name").exists()


def test_list_query_count_is_constant(user_client, user, django_assert_max_num_queries):
    for _ in range(2):
        used_by(RetailerFactory(owner=user), "retailer", 1)
    with django_assert_max_num_queries(5):
        user_client.get(url("catalog", "retailers"), headers=HX)
    for _ in range(20):
        used_by(RetailerFactory(owner=user), "retailer", 2)
    with django_assert_max_num_queries(5):
        response = user_client.get(url("catalog", "retailers"), headers=HX)
    assert response.content.decode().count('data-testid="catalog-row"') == 22


@pytest.mark.parametrize("query", ["?page=abc", "?search=%00", "?kind=zzz"])
def test_bad_query_values_never_fail(user_client, query):
    assert user_client.get("/settings/catalog/brands" + query).status_code == 200
