import factory

from accounts.tests.factories import UserFactory
from catalog.models import Brand, Retailer


class RetailerFactory(factory.django.DjangoModelFactory[Retailer]):
    class Meta:
        model = Retailer

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Retailer {n}")


class BrandFactory(factory.django.DjangoModelFactory[Brand]):
    class Meta:
        model = Brand

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Brand {n}")
