"""Text drawn as large as the space it is given: the countdown and the phase word."""

from __future__ import annotations

from textual.content import Content
from textual.widget import Widget

from backroutine.tui.widgets.block_font import Drawing, fit


class BigText(Widget):
    """Shows `text` in the largest block letters that fit its size, or as one line of text
    when even the smallest do not fit.

    It repaints only when its text or its size changes: a countdown costs one redraw a
    second, and the bytes of that redraw are what a terminal over SSH pays for.
    """

    DEFAULT_CSS = """
    BigText {
        height: 1fr;
        content-align: center middle;
        text-align: center;
    }
    """

    def __init__(self, text: str = "", *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self._text = text

    @property
    def text(self) -> str:
        """What is shown, as plain text."""
        return self._text

    def update(self, text: str) -> None:
        """Show `text` instead (nothing is redrawn when it is the same)."""
        if text != self._text:
            self._text = text
            self.refresh()

    @property
    def drawing(self) -> Drawing | None:
        """The block letters drawn at the current size; None when shown as a line of text."""
        size = self.content_region.size
        return fit(self._text.upper(), size.width, size.height)

    def render(self) -> Content:
        drawing = self.drawing
        if drawing is None:
            return Content(self._text)
        return Content("\n".join(drawing.lines))
