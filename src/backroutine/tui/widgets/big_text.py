"""Text drawn as large as the space it is given: the countdown and the phase word."""

from __future__ import annotations

from textual.content import Content
from textual.geometry import Region
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
        """Show `text` instead, repainting only the columns that change: from 9:58 to 9:57
        only the last digit is sent to the terminal."""
        if text == self._text:
            return
        before = self.drawing
        self._text = text
        changed = _changed_columns(before, self.drawing)
        if changed is None:
            self.refresh()
            return
        first, last = changed
        size = self.content_region.size
        drawing = self.drawing
        assert drawing is not None  # as large as the one before: it fits
        # Centred as `text-align` and `content-align` place it; a column more on each side
        # in case the centring rounds the other way.
        left = (size.width - drawing.columns) // 2 + first - 1
        top = (size.height - drawing.rows) // 2
        self.refresh(Region(max(0, left), max(0, top), last - first + 3, drawing.rows))

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


def _changed_columns(before: Drawing | None, after: Drawing | None) -> tuple[int, int] | None:
    """The first and last column where two drawings of one size differ; None when they
    differ in size (or either is plain text), so everything is drawn anew."""
    if before is None or after is None or len(before.lines) != len(after.lines):
        return None
    if before.columns != after.columns:
        return None
    pairs = list(zip(before.lines, after.lines, strict=True))
    columns = [
        column
        for column in range(after.columns)
        if any(old[column] != new[column] for old, new in pairs)
    ]
    return (columns[0], columns[-1]) if columns else None
