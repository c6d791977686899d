import io
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from accounts.selectors import today_for
from catalog.models import Brand, Retailer
from catalog.services import catalog_create
from purchases.models import Purchase, PurchaseStatus
from warranties.models import Warranty, WarrantyType
from warranties.status import WarrantyStatus, is_expiring_soon, warranty_status


def seed(*args, **options) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def alice():
    return get_user_model().objects.create_user("alice", "alice@example.com", "password")


@pytest.mark.django_db
def test_seed_demo_fills_the_account(alice):
    output = seed("alice", purchases=120, seed=7)

    purchases = Purchase.objects.filter(owner=alice)
    warranties = list(Warranty.objects.filter(owner=alice).select_related("purchase"))
    retailers = Retailer.objects.filter(owner=alice).count()
    brands = Brand.objects.filter(owner=alice).count()
    assert purchases.count() == 120
    assert 0.55 * 120 <= len(warranties) <= 0.85 * 120
    assert 8 <= retailers <= 10
    assert 12 <= brands <= 15
    summary = f"Created 120 purchases, {len(warranties)} warranties, {retailers} retailers, "
    assert summary + f"{brands} brands for alice" in output

    today = today_for(alice)
    statuses = {
        warranty_status(voided=w.voided, warranty_end=w.warranty_end, today=today)
        for w in warranties
    }
    assert statuses == {WarrantyStatus.ACTIVE, WarrantyStatus.EXPIRED, WarrantyStatus.VOIDED}
    assert any(
        is_expiring_soon(voided=w.voided, warranty_end=w.warranty_end, today=today)
        for w in warranties
    )
    lifetime = [w for w in warranties if w.warranty_type == WarrantyType.LIFETIME]
    assert lifetime and all(w.warranty_end is None for w in lifetime)
    assert {w.warranty_type for w in warranties} >= {
        WarrantyType.MANUFACTURER, WarrantyType.EXTENDED, WarrantyType.LIFETIME
    }  # fmt: skip
    assert all(w.provider for w in warranties if w.warranty_type == WarrantyType.EXTENDED)

    assert len(set(purchases.values_list("currency_code", flat=True))) >= 2
    ordered = purchases.filter(status=PurchaseStatus.ORDERED)
    assert 6 <= ordered.count() <= 18
    assert all((today - p.purchase_date).days <= 30 for p in ordered)
    assert all(0 <= (today - p.purchase_date).days <= 731 for p in purchases)
    assert all(w.purchase.owner_id == alice.id for w in warranties)


@pytest.mark.django_db
def test_every_seeded_row_is_valid(alice):
    seed("alice", purchases=120)

    for purchase in Purchase.objects.filter(owner=alice):
        purchase.full_clean()
        assert purchase.price >= 0
        assert purchase.price == purchase.price.quantize(Decimal("0.01"))
        assert purchase.product_name == purchase.product_name.strip()
    for warranty in Warranty.objects.filter(owner=alice):
        warranty.full_clean()
        if warranty.warranty_type != WarrantyType.LIFETIME:
            assert warranty.warranty_end >= warranty.warranty_start


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_data(alice):
    bob = get_user_model().objects.create_user("bob", "bob@example.com", "password")
    seed("alice", purchases=40, seed=3)
    seed("bob", purchases=40, seed=3)

    def rows(user):
        return sorted(
            Purchase.objects.filter(owner=user).values_list(
                "product_name", "price", "currency_code", "purchase_date", "retailer__name"
            )
        )

    assert rows(alice) == rows(bob)


@pytest.mark.django_db
def test_existing_retailers_and_brands_are_reused(alice):
    catalog_create(owner=alice, model=Retailer, name="amazon")
    catalog_create(owner=alice, model=Brand, name="SONY")

    output = seed("alice", purchases=30)

    assert Retailer.objects.filter(owner=alice, name__iexact="amazon").count() == 1
    assert Brand.objects.filter(owner=alice, name__iexact="sony").count() == 1
    assert "reused 2 existing" in output


@pytest.mark.django_db
def test_without_a_username_the_first_superuser_is_filled(alice):
    admin = get_user_model().objects.create_superuser("admin", "admin@example.com", "password")

    seed(purchases=10)

    assert Purchase.objects.filter(owner=admin).count() == 10
    assert not Purchase.objects.filter(owner=alice).exists()


@pytest.mark.django_db
def test_an_unknown_username_is_refused(alice):
    with pytest.raises(CommandError, match="does not exist"):
        seed("nobody", purchases=10)
    assert not Purchase.objects.exists()
    assert not get_user_model().objects.filter(username="nobody").exists()
