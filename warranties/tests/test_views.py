"""The warranties page: list, filters, sort, paging, void and restore."""

import datetime

import pytest
from django.urls import reverse

from accounts.selectors import today_for
from accounts.tests.factories import PreferencesFactory
from warranties.models import Warranty, WarrantyType
from warranties.tests.factories import WarrantyFactory

pytestmark = pytest.mark.django_db

URL = "/warranties"
HX = {"HX-Request": "true"}


def make(owner, name, end_in_days, *, voided=False, lifetime=False, provider=""):
    today = today_for(owner)
    end = None if lifetime else today + datetime.timedelta(days=end_in_days)
    return WarrantyFactory(
        purchase__owner=owner,
        purchase__product_name=name,
        warranty_start=today - datetime.timedelta(days=800),
        warranty_end=end,
        warranty_type=WarrantyType.LIFETIME if lifetime else WarrantyType.MANUFACTURER,
        voided=voided,
        provider=provider,
    )


def rows(content: str, *names: str) -> list[str]:
    """`names` in the order they appear on the page (absent ones left out)."""
    found = [(content.find(name), name) for name in names if name in content]
    return [name for _, name in sorted(found)]


@pytest.fixture
def sample(user):
    return {
        "soon": make(user, "Soon Kettle", 5, provider="AcmeCare"),
        "later": make(user, "Later Laptop", 200),
        "expired": make(user, "Old Phone", -10),
        "voided": make(user, "Voided Vacuum", 100, voided=True),
        "lifetime": make(user, "Lifetime Knife", 0, lifetime=True),
    }


def test_full_page_lists_every_warranty_with_status_and_days(user_client, sample):
    response = user_client.get(URL)
    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" in content
    for name in ("Soon Kettle", "Later Laptop", "Old Phone", "Voided Vacuum", "Lifetime Knife"):
        assert name in content
    for badge in ("Expiring soon", "Active", "Expired", "Voided"):
        assert badge in content
    assert "AcmeCare" in content
    assert "5 days" in content
    assert "Ended 10 days ago" in content
    assert "Lifetime</span>" in content
    assert f'href="/inventory/{sample["soon"].purchase_id}"' in content


def test_sorted_by_end_date_with_lifetime_last(user_client, sample):
    content = user_client.get(URL).content.decode()
    assert rows(
        content, "Old Phone", "Soon Kettle", "Voided Vacuum", "Later Laptop", "Lifetime Knife"
    ) == ["Old Phone", "Soon Kettle", "Voided Vacuum", "Later Laptop", "Lifetime Knife"]


def test_htmx_request_gets_only_the_list_region(user_client, sample):
    response = user_client.get(URL, {"status": "expired"}, headers=HX)
    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content
    assert 'id="warranty-list"' in content
    assert "Old Phone" in content and "Soon Kettle" not in content


def test_history_restore_gets_the_whole_page(user_client, sample):
    response = user_client.get(
        URL, {"status": "expired"}, headers={**HX, "HX-History-Restore-Request": "true"}
    )
    assert "<html" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "active"}, ["Soon Kettle", "Later Laptop", "Lifetime Knife"]),
        ({"status": "expiring"}, ["Soon Kettle"]),
        ({"status": "expired"}, ["Old Phone"]),
        ({"status": "voided"}, ["Voided Vacuum"]),
        ({"within": "250"}, ["Soon Kettle", "Later Laptop"]),
        ({"within": "3"}, []),
        ({"status": "active", "within": "250"}, ["Soon Kettle", "Later Laptop"]),
        ({"status": "expiring", "within": "365"}, ["Soon Kettle"]),
    ],
)
def test_filters_narrow_the_list(user_client, sample, query, expected):
    content = user_client.get(URL, query).content.decode()
    names = ("Old Phone", "Soon Kettle", "Voided Vacuum", "Later Laptop", "Lifetime Knife")
    assert rows(content, *names) == expected
    if not expected:
        assert "No warranties match these filters." in content


def test_the_filter_form_keeps_its_values(user_client, sample):
    content = user_client.get(URL, {"status": "voided", "within": "40"}).content.decode()
    assert '<option value="voided" selected>' in content
    assert 'value="40"' in content


@pytest.mark.parametrize(
    "query",
    [
        {"status": "bogus"},
        {"within": "abc"},
        {"within": "-5"},
        {"within": "99999999999999999999"},
        {"page": "abc"},
        {"page": "999"},
        {"page_size": "7"},
        {"status": ["active", "expired"]},
    ],
)
def test_bad_query_values_never_fail(user_client, sample, query):
    response = user_client.get(URL, query)
    assert response.status_code == 200
    assert 'id="warranty-list"' in response.content.decode()


def test_a_bad_filter_is_reported_and_ignored(user_client, sample):
    content = user_client.get(URL, {"within": "abc", "status": "expired"}).content.decode()
    assert "This filter was ignored." in content
    assert "Enter a whole number." in content
    assert rows(content, "Old Phone", "Soon Kettle") == ["Old Phone"]


def test_empty_account_shows_a_friendly_start(user_client):
    content = user_client.get(URL).content.decode()
    assert "No warranties yet." in content
    assert 'href="/inventory"' in content


def test_pages_keep_the_filters(user_client, user):
    for day in range(25):
        make(user, f"Gadget {day:02d}", day + 1)
    content = user_client.get(URL, {"status": "active"}).content.decode()
    assert "1–20 of 25" in content
    assert "?status=active&amp;page=2" in content
    second = user_client.get(URL, {"status": "active", "page": "2"}).content.decode()
    assert "Gadget 24" in second and "Gadget 00" not in second


def test_another_users_warranties_never_appear(user_client, other_user, sample):
    make(other_user, "Mallory Drill", 5)
    content = user_client.get(URL).content.decode()
    assert "Mallory Drill" not in content
    assert "Mallory Drill" not in user_client.get(URL, {"status": "expiring"}).content.decode()


def test_dates_follow_the_users_date_format(user_client, user, sample):
    PreferencesFactory(user=user, date_format="DD.MM.YYYY")
    content = user_client.get(URL).content.decode()
    end = sample["later"].warranty_end
    assert end.strftime("%d.%m.%Y") in content
    assert end.strftime("%m/%d/%Y") not in content


def test_query_count_does_not_grow_with_rows(user_client, user, django_assert_max_num_queries):
    for day in range(3):
        make(user, f"Few {day}", day + 1)
    with django_assert_max_num_queries(6):
        user_client.get(URL)
    for day in range(30):
        make(user, f"Many {day}", day + 1)
    with django_assert_max_num_queries(6):
        response = user_client.get(URL, {"page_size": "50"})
    assert response.content.decode().count('data-testid="warranty-row"') == 33


def void_url(warranty) -> str:
    return reverse("warranty_void", kwargs={"warranty_id": warranty.id})


def test_void_with_htmx_answers_the_row_and_a_toast(user_client, sample):
    warranty = sample["later"]
    response = user_client.post(void_url(warranty), {"voided": "true"}, headers=HX)
    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content
    assert content.strip().startswith(f'<tr id="warranty-{warranty.id}"')
    assert "Voided" in content and "Restore" in content
    assert "data-toast" in content and "is void" in content
    assert Warranty.objects.get(id=warranty.id).voided is True


def test_unvoid_restores_the_status(user_client, sample):
    warranty = sample["voided"]
    response = user_client.post(void_url(warranty), {"voided": "false"}, headers=HX)
    content = response.content.decode()
    assert "Active" in content and "valid again" in content
    assert Warranty.objects.get(id=warranty.id).voided is False


def test_void_without_htmx_redirects_back_to_the_filtered_list(user_client, sample):
    warranty = sample["soon"]
    response = user_client.post(
        void_url(warranty), {"voided": "true", "next": "/warranties?status=active"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/warranties?status=active"
    assert Warranty.objects.get(id=warranty.id).voided is True
    page = user_client.get(response["Location"]).content.decode()
    assert "is void" in page  # the toast


def test_void_never_redirects_to_another_site(user_client, sample):
    response = user_client.post(
        void_url(sample["soon"]), {"voided": "true", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/warranties"


@pytest.mark.parametrize("data", [{}, {"voided": "maybe"}])
def test_void_with_a_bad_value_changes_nothing(user_client, sample, data):
    warranty = sample["soon"]
    response = user_client.post(void_url(warranty), data, headers=HX)
    assert response.status_code == 400
    assert Warranty.objects.get(id=warranty.id).voided is False


def test_void_answers_404_for_another_users_or_a_missing_warranty(user_client, other_user, sample):
    theirs = make(other_user, "Mallory Drill", 5)
    assert user_client.post(void_url(theirs), {"voided": "true"}).status_code == 404
    assert user_client.post(void_url(theirs), {"voided": "true"}, headers=HX).status_code == 404
    assert Warranty.objects.get(id=theirs.id).voided is False
    missing = "/warranties/00000000-0000-0000-0000-000000000000/void"
    assert user_client.post(missing, {"voided": "true"}).status_code == 404


def test_void_only_accepts_post(user_client, sample):
    assert user_client.get(void_url(sample["soon"])).status_code == 405


def test_signed_out_visitors_are_sent_to_login(client, user):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/login/" in response["Location"]
