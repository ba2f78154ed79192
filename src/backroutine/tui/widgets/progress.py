"""How far through the session: Textual's progress bar, woken only by the player."""

from __future__ import annotations

from textual import events
from textual.widgets import ProgressBar


class SessionProgress(ProgressBar):
    """A progress bar without an estimate of the time left (the player says it in words).

    Textual's own bar recomputes that estimate on a timer of its own each second, out of
    step with the countdown's: each tick repainted the bar, a second screen update a second
    during a still hold. This one changes only when the player sets its progress.
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, show_eta=False, show_percentage=False)

    def _on_mount(self, event: events.Mount) -> None:
        # Dispatched before the base classes' handlers: preventing the default keeps
        # ProgressBar.on_mount, which starts the estimate's timer, from running at all.
        event.prevent_default()
        super()._on_mount(event)  # what every widget does when mounted
        self.update()
