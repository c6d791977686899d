"""The admin lists, searches and opens every model."""

import pytest
from django.urls import reverse

from accounts.services import api_token_create, preferences_update
from catalog.tests.factories import BrandFactory, RetailerFactory
from purchases.tests.factories import AttachmentFactory
from warranties.models import CalendarFeed, WarrantyReminder
from warranties.tests.factories import WarrantyFactory

pytestmark = pytest.mark.django_db

MODELS = [
    "purchases_purchase", "purchases_attachment", "warranties_warranty", "catalog_retailer",
    "catalog_brand", "accounts_preferences", "accounts_apitoken", "warranties_warrantyreminder",
    "warranties_calendarfeed",
]  # fmt: skip


@pytest.fixture
def data(staff_user):
    warranty = WarrantyFactory(
        purchase__owner=staff_user, purchase__product_name="Espresso Machine",
        purchase__retailer=RetailerFactory(owner=staff_user, name="Coffee Co"),
        purchase__brand=BrandFactory(owner=staff_user, name="Gaggia"),
    )  # fmt: skip
    AttachmentFactory(purchase=warranty.purchase)
    preferences_update(user=staff_user, currency_code="EUR")
    api_token_create(owner=staff_user, name="Script")
    WarrantyReminder.objects.create(
        owner=staff_user, warranty=warranty, warranty_end=warranty.warranty_end,
        sent_on=warranty.warranty_end, sent_to="admin@example.com",
    )  # fmt: skip
    CalendarFeed.objects.create(owner=staff_user, secret="s" * 43)
    return warranty


@pytest.mark.parametrize("model", MODELS)
def test_every_model_has_a_working_changelist_search_and_change_page(staff_client, data, model):
    url = reverse(f"admin:{model}_changelist")
    assert staff_client.get(url).status_code == 200
    assert staff_client.get(url, {"q": "Espresso"}).status_code == 200
    object_list = staff_client.get(url).context["cl"].result_list
    assert len(object_list) >= 1
    change = reverse(f"admin:{model}_change", args=[object_list[0].pk])
    assert staff_client.get(change).status_code == 200


def test_the_purchase_list_links_retailer_brand_and_shows_money(staff_client, data):
    content = staff_client.get(reverse("admin:purchases_purchase_changelist")).content.decode()
    assert "Coffee Co" in content and "Gaggia" in content and "$19.99" in content
    assert reverse("admin:catalog_retailer_change", args=[data.purchase.retailer_id]) in content


def test_the_warranty_list_shows_its_derived_status(staff_client, data):
    content = staff_client.get(reverse("admin:warranties_warranty_changelist")).content.decode()
    assert "Expired" in content or "Active" in content
    filtered = staff_client.get(
        reverse("admin:warranties_warranty_changelist"), {"status": "VOIDED"}
    )
    assert len(filtered.context["cl"].result_list) == 0


def test_non_staff_cannot_reach_the_admin(user_client):
    response = user_client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_deleting_an_attachment_in_the_admin_releases_its_file_and_none_is_added_there(
    staff_client, staff_user, uploads_dir, django_capture_on_commit_callbacks
):
    import io

    from purchases import filestore
    from purchases.services import attachment_add
    from purchases.tests.factories import PurchaseFactory

    purchase = PurchaseFactory(owner=staff_user)
    attachment = attachment_add(
        owner=staff_user, purchase_id=purchase.id, stream=io.BytesIO(b"%PDF-1.7\n"),
        filename="manual.pdf", kind="manual",
    )  # fmt: skip
    assert staff_client.get(reverse("admin:purchases_attachment_add")).status_code == 403
    delete_url = reverse("admin:purchases_attachment_delete", args=[attachment.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(delete_url, {"post": "yes"})
    assert response.status_code == 302
    assert not filestore.exists(attachment.sha256)
