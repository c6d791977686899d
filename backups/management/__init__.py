"""What the backup commands share: a progress bar that follows the stages of a backup or a
restore, and the words for a manifest's row counts."""

from backups import dump
from spends.terminal import ProgressBar

# What each stage counts (the backups services report files, rows or bytes, by stage).
STAGE_NOUNS = {
    "Copying the files": "files",
    "Putting the files in place": "files",
    "Replacing the data": "rows",
    "Checking the archive": "bytes",
}


class StagedProgressBar:
    """A `progress(done, total, *, stage=None)` callback for the backups services: one
    ProgressBar a stage, labelled with it, on a terminal (nothing otherwise). A report without a
    stage belongs to the stage before it; a stage with nothing to count draws no bar."""

    def __init__(self, stream):
        self.stream = stream
        self.stage = ""
        self.bar = ProgressBar(stream, 0)
        self.drawn = False

    def __call__(self, done: int, total: int, *, stage: str | None = None) -> None:
        if stage is not None and stage != self.stage:
            self.finish()
            self.stage = stage
            self.bar = ProgressBar(self.stream, total, noun=STAGE_NOUNS.get(stage, "steps"))
            self.drawn = False
        if total > 0:
            self.bar.update(done, total, label=self.stage)
            self.drawn = True

    def finish(self) -> None:
        if self.drawn:
            self.bar.finish()
            self.drawn = False


def table_name(table: str) -> str:
    """ "purchases.purchase" -> "purchases" (the model's plural), for people."""
    try:
        return str(dump.model_for(table)._meta.verbose_name_plural)
    except KeyError:
        return table


def number(value) -> str:
    # A manifest not yet checked row by row may hold anything.
    return f"{value:,}" if isinstance(value, int) else repr(value)
