"""Text drawn as large as the space it is given: the countdown and the phase word."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Static

from backroutine.tui.widgets.block_font import Drawing, fit


class Glyph(Widget):
    """One character of a `BigText`, drawn: a widget of its own so that a terminal is sent
    only the characters that change (Textual sends each changed widget's line from its left
    edge), 9:58 to 9:57 costs one digit."""

    def __init__(self) -> None:
        super().__init__(classes="glyph", markup=False)
        self._lines = ""

    def show(self, lines: str) -> None:
        """Draw `lines` (repainting only if they differ from what is drawn)."""
        if lines != self._lines:
            self._lines = lines
            self.refresh()

    def render(self) -> Content:
        return Content(self._lines)


class BigText(Widget):
    """Shows `text` in the largest block letters that fit its size, or as one line of text
    when even the smallest do not fit.

    It repaints only the characters whose drawing changes, when its text or size changes:
    a countdown costs one digit's redraw a second, and those bytes are what a terminal over
    SSH pays for.
    """

    DEFAULT_CSS = """
    BigText {
        height: 1fr;
        layout: horizontal;
        align: center middle;
    }
    BigText > .plain {
        width: auto;
        height: 1;
    }
    """

    def __init__(self, text: str = "", *, id: str | None = None, whole: bool = False) -> None:
        """`whole`: draw the text as one piece rather than a widget per character: for text
        that changes all at once (the phase word), since each widget costs time to lay out."""
        super().__init__(id=id)
        self._text = text
        self._whole = whole

    @property
    def text(self) -> str:
        """What is shown, as plain text."""
        return self._text

    def compose(self) -> ComposeResult:
        yield Static(self._text, classes="plain", markup=False)
        if self._whole:
            yield Glyph()

    def update(self, text: str) -> None:
        """Show `text` instead (nothing is redrawn when it is the same)."""
        if text != self._text:
            self._text = text
            self._show()

    def on_resize(self) -> None:
        """A new size may fit larger or smaller letters."""
        self._show()

    @property
    def drawing(self) -> Drawing | None:
        """The block letters drawn at the current size; None when shown as a line of text."""
        size = self.content_region.size
        return fit(self._text.upper(), size.width, size.height)

    def _show(self) -> None:
        if not self.is_mounted:
            return
        drawing = self.drawing
        plain = self.query_one(".plain", Static)
        glyphs = list(self.query(Glyph))
        plain.display = drawing is None
        if drawing is None:
            plain.update(self._text)
            for glyph in glyphs:
                glyph.display = False
            return
        pieces = drawing.glyphs
        if self._whole:
            pieces = ((drawing.glyphs[0][0], drawing.glyphs[-1][1]),) if pieces else ()
        missing = [Glyph() for _ in range(len(pieces) - len(glyphs))]
        if missing:
            self.mount_all(missing)  # at once: one mount for the word, not one per letter
            glyphs += missing
        for number, glyph in enumerate(glyphs):
            glyph.display = number < len(pieces)
            if not glyph.display:
                continue
            start, end = pieces[number]
            glyph.styles.width = end - start
            glyph.styles.height = drawing.rows
            glyph.styles.margin = (0, 0, 0, drawing.scale if number else 0)
            glyph.show("\n".join(line[start:end] for line in drawing.lines))
