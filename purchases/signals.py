"""The rule that a stored file goes with the last attachment naming it, however the attachment
is deleted: on its own, with its purchase, with its owner's account, or in the admin."""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from purchases.models import Attachment
from purchases.services import release_stored_file


@receiver(post_delete, sender=Attachment, dispatch_uid="purchases.release_stored_file")
def release_file_of_deleted_attachment(sender, instance: Attachment, using: str, **kwargs):
    sha256 = instance.sha256
    # Only once the delete is committed: a rolled-back delete keeps its attachment, and the
    # attachment keeps its file.
    transaction.on_commit(lambda: release_stored_file(sha256), using=using)
