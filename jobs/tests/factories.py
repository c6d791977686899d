import factory

from accounts.tests.factories import UserFactory
from jobs.models import Job, JobInput, JobKind, JobState


class JobFactory(factory.django.DjangoModelFactory[Job]):
    """A job as a worker left it; `state` and the fields that go with it are set as given."""

    class Meta:
        model = Job

    owner = factory.SubFactory(UserFactory)
    kind = JobKind.IMPORT
    state = JobState.QUEUED


class JobInputFactory(factory.django.DjangoModelFactory[JobInput]):
    class Meta:
        model = JobInput

    job = factory.SubFactory(JobFactory)
    filename = "purchases.csv"
    content = b"product_name,price\nKettle,24.99\n"
