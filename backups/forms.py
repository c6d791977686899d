"""The forms of Settings › Backups: confirming a restore (from the list or from an uploaded
archive) and the schedule of automatic backups."""

from django import forms
from django.conf import settings

from backups.models import DEFAULT_KEEP, BackupFrequency
from spends.uploads import size_limit_text

CONFIRM_LABEL = (
    "I understand that every account’s data and files will be replaced by this backup’s."
)
CONFIRM_REQUIRED = "Tick the box to confirm that you understand what a restore replaces."
ARCHIVE_REQUIRED = "Choose a backup archive (a .zip file) to restore."


class RestoreConfirmForm(forms.Form):
    """A restore replaces everything, so it needs the person to say that they know."""

    confirm = forms.BooleanField(label=CONFIRM_LABEL, error_messages={"required": CONFIRM_REQUIRED})

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "restore")
        super().__init__(*args, **kwargs)


class RestoreUploadForm(RestoreConfirmForm):
    """Restore from an archive downloaded earlier (or taken on another machine). The view reads
    the request's files only after raising the upload cap to the backup limit; a file dropped
    for its size never reaches this form."""

    file = forms.FileField(
        label="Backup archive",
        error_messages={
            "required": ARCHIVE_REQUIRED,
            "empty": "The file is empty.",
            "invalid": ARCHIVE_REQUIRED,
            "missing": ARCHIVE_REQUIRED,
        },
        widget=forms.FileInput(attrs={"accept": ".zip,application/zip"}),
    )
    field_order = ["file", "confirm"]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "upload")
        super().__init__(*args, **kwargs)
        self.size_limit = size_limit_text(settings.SPENDS_MAX_BACKUP_BYTES)
        self.fields["file"].help_text = (
            f"A spends-backup-….zip file, up to {self.size_limit}. It is checked in full before "
            "anything is replaced."
        )


class ScheduleForm(forms.Form):
    frequency = forms.ChoiceField(
        label="Frequency",
        choices=BackupFrequency.choices,
        error_messages={"invalid_choice": "Choose off, daily, weekly or monthly."},
    )
    keep = forms.IntegerField(
        label="Automatic backups to keep",
        min_value=1,
        max_value=365,
        initial=DEFAULT_KEEP,
        help_text=(
            "Once a new automatic backup has succeeded, older automatic ones beyond this number "
            "are deleted. Manual backups and restore points are kept until you delete them."
        ),
        error_messages={
            "required": "Say how many automatic backups to keep (1 to 365).",
            "invalid": "Write a whole number from 1 to 365.",
            "min_value": "Keep at least 1 automatic backup.",
            "max_value": "Keep at most 365 automatic backups.",
        },
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "schedule")
        super().__init__(*args, **kwargs)
