from django.core.validators import URLValidator
from django.db import models
from django.db.models.functions import Lower, Trim

from spends.models import OwnedModel


class CatalogEntry(OwnedModel):
    """What retailers and brands share: a name unique per owner ignoring case, and a url."""

    name = models.CharField(max_length=100)
    url = models.URLField(
        max_length=500, blank=True, validators=[URLValidator(schemes=["http", "https"])]
    )

    class Meta:
        abstract = True
        ordering = [Lower("name")]

    def __str__(self) -> str:
        return self.name

    def clean_fields(self, exclude=None) -> None:
        # Trim before the field checks, so that "   " counts as empty.
        self.name = (self.name or "").strip()
        super().clean_fields(exclude=exclude)

    @classmethod
    def constraints_for(cls, prefix: str) -> list:
        return [
            models.UniqueConstraint(
                "owner",
                Lower("name"),
                name=f"{prefix}_name_unique_per_owner",
                violation_error_message="You already have one with this name.",
            ),
            models.CheckConstraint(
                condition=~models.Q(name="") & models.Q(name=Trim("name")),
                name=f"{prefix}_name_trimmed_not_empty",
            ),
        ]


class Retailer(CatalogEntry):
    class Meta(CatalogEntry.Meta):
        constraints = CatalogEntry.constraints_for("retailer")


class Brand(CatalogEntry):
    class Meta(CatalogEntry.Meta):
        constraints = CatalogEntry.constraints_for("brand")
