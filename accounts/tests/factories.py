import factory
from django.contrib.auth import get_user_model

from accounts.models import Preferences


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.django.Password("correct horse battery staple")


class PreferencesFactory(factory.django.DjangoModelFactory[Preferences]):
    class Meta:
        model = Preferences
        django_get_or_create = ("user",)

    user = factory.SubFactory(UserFactory)
