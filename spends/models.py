"""Abstract bases shared by every app's models."""

import uuid

from django.conf import settings
from django.db import models


class TimestampedModel(models.Model):
    """A UUID primary key and the automatic created/updated timestamps every table has."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class OwnedModel(TimestampedModel):
    """A row that belongs to one user; selectors always filter on `owner`."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True
