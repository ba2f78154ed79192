"""How far through the session: a thin bar, woken only by the player."""

from __future__ import annotations

from rich.style import Style
from textual.app import RenderResult
from textual.reactive import reactive
from textual.renderables.bar import Bar
from textual.widget import Widget


class SessionProgress(Widget):
    """The part of the session done, drawn as Textual's progress bar draws it.

    Textual's ProgressBar is three widgets and a timer re-estimating the time left each
    second (the player says that in words, on the countdown's beat), and loading it took
    a tenth of the time to draw the first exercise. This is its bar alone: it changes
    only when the player sets `progress`.
    """

    COMPONENT_CLASSES = {"bar--bar", "bar--complete"}
    DEFAULT_CSS = """
    SessionProgress {
        height: 1;
        &> .bar--bar { color: $primary; background: $surface; }
        &> .bar--complete { color: $success; background: $surface; }
    }
    """

    total: reactive[float] = reactive(1.0)
    """What the whole session counts as (the player's seconds)."""
    progress: reactive[float] = reactive(0.0)
    """How much of `total` is done."""

    def render(self) -> RenderResult:
        done = min(1.0, self.progress / self.total) if self.total > 0 else 0.0
        style = self.get_component_rich_style("bar--complete" if done >= 1 else "bar--bar")
        return Bar(
            highlight_range=(0, self.size.width * done),
            highlight_style=Style.from_color(style.color),
            background_style=Style.from_color(style.bgcolor),
        )
