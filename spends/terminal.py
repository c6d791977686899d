"""What management commands show on a terminal."""

import time

BAR_WIDTH = 30
# Redraw the bar at most this often (seconds): a redraw per row would flicker.
REDRAW_EVERY = 0.1


def _plain(text: str) -> str:
    # Django colours everything on a terminal's standard error as an error; the bar is not one.
    return text


class ProgressBar:
    """`[#########.....]  12,000 / 40,000 rows` on one terminal line, redrawn in place. Draws
    nothing when `stream` (a command's OutputWrapper) is not a terminal, so that scripts and
    cron mail stay clean."""

    def __init__(self, stream, total: int, *, noun: str = "rows"):
        self.stream, self.total, self.noun = stream, total, noun
        self.enabled = stream.isatty()
        self.drawn_at = 0.0
        self.label = ""

    def update(self, done: int, total: int | None = None, *, label: str = "") -> None:
        if total is not None:
            self.total = total
        if not self.enabled:
            return
        now = time.monotonic()
        if label == self.label and now - self.drawn_at < REDRAW_EVERY and done < self.total:
            return
        self.drawn_at, self.label = now, label
        filled = BAR_WIDTH * done // self.total if self.total else BAR_WIDTH
        bar = "#" * filled + "." * (BAR_WIDTH - filled)
        prefix = f"{label}: " if label else ""
        line = f"\r{prefix}[{bar}] {done:,} / {self.total:,} {self.noun}\033[K"
        self.stream.write(line, style_func=_plain, ending="")
        self.stream.flush()

    def finish(self) -> None:
        if self.enabled:
            self.update(self.total, label=self.label)
            self.stream.write("", style_func=_plain)
