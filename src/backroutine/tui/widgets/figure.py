"""The exercise's figure in the player, moving in time with the session."""

from __future__ import annotations

from collections.abc import Callable

from textual.timer import Timer
from textual.widgets import Static

from backroutine.figures.braille import render
from backroutine.figures.model import Figure, alt_text
from backroutine.figures.motion import STEPS_PER_SECOND, frame_at

MIN_WIDTH, MIN_HEIGHT = 16, 5
"""Below this a figure is too small to read; the words say everything anyway."""


class FigureView(Static):
    """Draws the current exercise's figure in braille at whatever size it is given.

    The player says what to follow (`follow`); the view asks `elapsed` for the segment's
    active seconds (the engine's clock, so a pause freezes the figure) and redraws only
    when the frame or its size changes. Its own timer runs only while the figure moves.
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self._figure: Figure | None = None
        self._kind = ""
        self._other_side = False
        self._elapsed: Callable[[], float] = lambda: 0.0
        self._drawn: object = None
        self._timer: Timer | None = None

    def follow(
        self, figure: Figure | None, kind: str, other_side: bool, elapsed: Callable[[], float]
    ) -> None:
        """Show `figure` for a segment of `kind` (None: nothing to show)."""
        self._figure, self._kind, self._other_side, self._elapsed = (
            figure,
            kind,
            other_side,
            elapsed,
        )
        self.tooltip = alt_text(figure) if figure else None
        self.redraw()

    def on_resize(self) -> None:
        """A new size draws anew."""
        self.redraw()

    def on_unmount(self) -> None:
        """No ticking for a view that is gone."""
        self._stop()

    def redraw(self) -> None:
        """Draw the frame for now, if it differs from what is on screen."""
        width, height = self.content_region.width, self.content_region.height
        if self._figure is None or width < MIN_WIDTH or height < MIN_HEIGHT:
            self._stop()
            if self._drawn is not None:
                self._drawn = None
                self.update("")
            return
        frame = frame_at(self._figure, self._kind, self._elapsed(), self._other_side)
        drawn = (frame.key, width, height)
        if drawn != self._drawn:
            self._drawn = drawn
            # Its size is set by the player, not by what it shows: no layout pass per frame.
            self.update("\n".join(render(frame.figure, frame.pose, width, height)), layout=False)
        if frame.moving:
            if self._timer is None:
                self._timer = self.set_interval(1 / STEPS_PER_SECOND, self.redraw)
        else:
            self._stop()

    def _stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
