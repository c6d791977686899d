import datetime

import pytest

from accounts.services import preferences_update
from purchases.models import Purchase
from purchases.tests.factories import PurchaseFactory
from warranties.tests.factories import WarrantyFactory

pytestmark = pytest.mark.django_db


def test_the_home_page_is_the_dashboard_with_a_start_for_an_empty_account(user_client):
    response = user_client.get("/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Hello, alice" in content
    assert "Add your first purchase" in content


def test_pages_carry_a_strict_content_security_policy(user_client):
    policy = user_client.get("/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_unknown_pages_answer_404_in_the_sites_layout(user_client):
    response = user_client.get("/no/such/page")
    assert response.status_code == 404
    assert b"Page not found" in response.content


def test_times_are_shown_in_the_users_time_zone(user_client, user):
    preferences_update(user=user, timezone="Pacific/Auckland")
    purchase = PurchaseFactory(owner=user)
    evening_in_utc = datetime.datetime(2026, 1, 30, 20, 0, tzinfo=datetime.UTC)
    Purchase.objects.filter(pk=purchase.pk).update(
        created_at=evening_in_utc, updated_at=evening_in_utc
    )
    content = user_client.get(f"/inventory/{purchase.pk}").content.decode()
    # Already the next morning in Auckland.
    assert "01/31/2026" in content and "01/30/2026" not in content


def test_an_htmx_change_carries_its_toast_out_of_band(user_client, user):
    warranty = WarrantyFactory(purchase__owner=user, purchase__product_name="Drill")
    response = user_client.post(
        f"/warranties/{warranty.pk}/void", {"voided": "true"}, headers={"HX-Request": "true"}
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert '<div id="toasts"' in content and 'hx-swap-oob="beforeend"' in content
    assert "Drill" in content.split('<div id="toasts"', 1)[1]
    assert "<html" not in content
