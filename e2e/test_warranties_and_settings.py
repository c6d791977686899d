"""Warranties voided and restored; retailers and API tokens managed from the settings page."""

import re

from django.test import Client
from playwright.sync_api import expect

from accounts.models import ApiToken
from catalog.models import Retailer
from catalog.tests.factories import RetailerFactory
from purchases.tests.factories import PurchaseFactory
from warranties.models import Warranty
from warranties.tests.factories import WarrantyFactory


def test_void_and_restore_a_warranty(signed_in_page, e2e_user):
    warranty = WarrantyFactory(purchase=PurchaseFactory(owner=e2e_user, product_name="Drill"))
    page = signed_in_page
    page.goto("/warranties")
    row = page.get_by_test_id("warranty-row").filter(has_text="Drill")
    row.get_by_test_id("warranty-void").click()
    expect(row.get_by_test_id("warranty-status")).to_have_text(re.compile("Voided"))
    expect(page.get_by_role("status").filter(has_text="Drill")).to_be_visible()
    assert Warranty.objects.get(pk=warranty.pk).voided is True
    row.get_by_test_id("warranty-unvoid").click()
    expect(row.get_by_test_id("warranty-status")).not_to_have_text(re.compile("Voided"))
    assert Warranty.objects.get(pk=warranty.pk).voided is False


def test_retailers_add_and_delete_refused_while_in_use(signed_in_page, e2e_user):
    used = RetailerFactory(owner=e2e_user, name="Busy Store")
    PurchaseFactory(owner=e2e_user, retailer=used)
    page = signed_in_page
    page.goto("/settings#catalog")
    add_form = page.get_by_test_id("catalog-retailers-add")
    add_form.get_by_label("Name").fill("Corner Shop")
    page.get_by_test_id("catalog-retailers-add-button").click()
    retailers = page.get_by_test_id("catalog-retailers")
    expect(retailers.get_by_test_id("catalog-row").filter(has_text="Corner Shop")).to_be_visible()
    assert Retailer.objects.filter(owner=e2e_user, name="Corner Shop").exists()

    page.on("dialog", lambda dialog: dialog.accept())  # "Delete Busy Store?"
    retailers.get_by_test_id("catalog-row").filter(has_text="Busy Store").get_by_test_id(
        "catalog-delete"
    ).click()
    expect(page.get_by_role("alert").filter(has_text="1 purchase")).to_be_visible()
    assert Retailer.objects.filter(pk=used.pk).exists()


def test_an_api_token_is_shown_once_and_can_be_revoked(signed_in_page, e2e_user):
    page = signed_in_page
    page.goto("/settings#tokens")
    page.get_by_test_id("token-create-form").get_by_label("Token name").fill("backup script")
    page.get_by_test_id("token-create").click()
    token = page.get_by_test_id("new-token-value").input_value()
    assert token.startswith("spt_")
    # A script's client, without the browser's session.
    assert Client().get("/api/purchases", headers=bearer(token)).status_code == 200

    page.reload()
    expect(page.get_by_test_id("new-token-value")).to_have_count(0)
    expect(page.get_by_test_id("token-row")).to_contain_text("backup script")
    expect(page.locator("body")).not_to_contain_text(token)

    page.get_by_test_id("token-revoke").click()
    page.get_by_test_id("token-revoke-confirm").click()
    expect(page.get_by_test_id("token-row")).to_have_count(0)
    assert not ApiToken.objects.exists()
    assert Client().get("/api/purchases", headers=bearer(token)).status_code == 401


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}
