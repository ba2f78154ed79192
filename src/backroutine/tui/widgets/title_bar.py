"""The app's title and the screen's along the top edge: Textual's Header in one widget."""

from __future__ import annotations

from textual.app import RenderResult
from textual.widget import Widget


class TitleBar(Widget):
    """ "backroutine — what this screen is", centred on one line, as Textual's Header shows it.

    The Header is four widgets (an icon that opens the command palette, the title, a space
    for a clock, and the bar); drawing the player's first frame, the three that show nothing
    a patient needs cost as much as the title. This is the title alone.
    """

    ALLOW_SELECT = False
    DEFAULT_CSS = """
    TitleBar {
        dock: top;
        width: 100%;
        height: 1;
        background: $panel;
        color: $foreground;
        content-align: center middle;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def on_mount(self) -> None:
        self.watch(self.screen, "title", self._retitled, init=False)
        self.watch(self.screen, "sub_title", self._retitled, init=False)

    def _retitled(self) -> None:
        self.refresh()

    def render(self) -> RenderResult:
        screen = self.screen
        title = screen.title if screen.title is not None else self.app.title
        sub_title = screen.sub_title if screen.sub_title is not None else self.app.sub_title
        return self.app.format_title(title, sub_title)
