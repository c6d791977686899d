from django.db import models


class DataVersion(models.Model):
    """A number that changes whenever any of an owner's purchases, warranties, retailers, brands
    or preferences change: what the remembered analytics figures (analytics/versions.py) are
    filed under. Database triggers keep it (analytics/versions.py), so every way of writing
    counts: the pages, the API, the admin, an import, a restore, a shell.

    `owner_id` is a plain number, not a foreign key: the rows of a deleted account stay (the
    triggers write one while its purchases are deleted, after the account may be gone), and a
    number never goes back, so figures remembered for an old state are never taken for a new
    one. Not in backups: a restore counts as a change like any other."""

    owner_id = models.BigIntegerField(primary_key=True)
    version = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.owner_id}: {self.version}"
