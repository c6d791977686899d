import datetime

import factory

from purchases.tests.factories import PurchaseFactory
from warranties.models import Warranty, WarrantyType


class WarrantyFactory(factory.django.DjangoModelFactory[Warranty]):
    class Meta:
        model = Warranty

    purchase = factory.SubFactory(PurchaseFactory)
    owner = factory.SelfAttribute("purchase.owner")
    warranty_start = factory.SelfAttribute("purchase.purchase_date")
    warranty_end = factory.LazyAttribute(lambda w: w.warranty_start + datetime.timedelta(days=365))
    warranty_type = WarrantyType.MANUFACTURER
