from django.apps import AppConfig


class BackupsConfig(AppConfig):
    name = "backups"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from backups.selectors import backup_in_progress
        from purchases import filestore

        # A file whose last attachment goes while a backup is written stays until the backup
        # is done: the backup's snapshot of the data may still name it.
        filestore.hold_unnamed_deletions_while(backup_in_progress)
