"""Abstract bases shared by every app's models."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class TimestampedModel(models.Model):
    """A UUID primary key and the created/updated timestamps every table has.

    The timestamps are defaults rather than `auto_now_add`/`auto_now`, so that an import (and a
    restore) can keep the times a row really had; `save()` still stamps `updated_at`."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        # A new row was last updated when it was created, to the microsecond.
        self.updated_at = self.created_at if self._state.adding else timezone.now()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "updated_at" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "updated_at"]
        super().save(*args, **kwargs)


class OwnedModel(TimestampedModel):
    """A row that belongs to one user; selectors always filter on `owner`."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True
