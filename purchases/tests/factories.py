import datetime
from decimal import Decimal

import factory

from accounts.tests.factories import UserFactory
from purchases.models import Attachment, Purchase


class PurchaseFactory(factory.django.DjangoModelFactory[Purchase]):
    class Meta:
        model = Purchase

    owner = factory.SubFactory(UserFactory)
    product_name = factory.Sequence(lambda n: f"Product {n}")
    price = Decimal("19.99")
    currency_code = "USD"
    purchase_date = factory.LazyFunction(lambda: datetime.date(2026, 1, 15))


class AttachmentFactory(factory.django.DjangoModelFactory[Attachment]):
    class Meta:
        model = Attachment

    purchase = factory.SubFactory(PurchaseFactory)
    owner = factory.SelfAttribute("purchase.owner")
    filename = "receipt.pdf"
    content_type = "application/pdf"
    size = 1024
    sha256 = "0" * 64
