"""The keys a screen answers to, along its bottom edge: Textual's Footer in one widget."""

from __future__ import annotations

from typing import NamedTuple

from textual import events
from textual.app import RenderResult
from textual.content import Content
from textual.geometry import Size
from textual.screen import Screen
from textual.widget import Widget

# Below this width the keys sit closer together, so that all of them fit at 60 columns.
NARROW_WIDTH = 72


class Key(NamedTuple):
    """One key as the bar shows it."""

    key: str
    """The key pressed when the patient clicks it."""
    shown: str
    description: str
    enabled: bool


class KeyBar(Widget):
    """The screen's keys with what each does, as Textual's Footer shows them.

    The Footer mounts a widget per key and mounts them all again whenever the screen's keys
    change: on the player that was a fifth of the time to draw the first exercise, and more
    work at every change of phase. This draws the same keys as one line of text, and when
    they do not fit the width (a narrow terminal), it wraps between keys, never inside one:
    every key's word stays readable.
    """

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"key-bar--key", "key-bar--description"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: auto;
        background: $footer-background;
        color: $footer-foreground;
        .key-bar--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .key-bar--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
    }
    """

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if screen is self.screen:
            self.refresh(layout=True)  # the keys may now take another line, or one fewer

    def shown_keys(self) -> list[Key]:
        """The keys shown now: one per action, in the order the screen binds them."""
        actions: set[str] = set()
        keys = []
        for _namespace, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if binding.show and binding.action not in actions:
                actions.add(binding.action)
                shown = self.app.get_key_display(binding)
                keys.append(Key(binding.key.split(",")[0], shown, binding.description, enabled))
        return keys

    def _lines(self, width: int) -> list[list[tuple[Key, Content]]]:
        """The keys laid out in lines of at most `width` cells (a key wider than that alone)."""
        narrow = width < NARROW_WIDTH
        key_style = self.get_visual_style("key-bar--key")
        description_style = self.get_visual_style("key-bar--description")
        lines: list[list[tuple[Key, Content]]] = [[]]
        used = 0
        for key in self.shown_keys():
            # As the Footer pads them: " q Quit " in a wide bar, "q Quit" in a narrow one.
            label = Content.assemble(
                (key.shown if narrow else f" {key.shown} ", key_style),
                (f" {key.description}" if narrow else f"{key.description} ", description_style),
            )
            if not key.enabled:
                label = label.stylize("dim")
            gap = 1 if narrow and lines[-1] else 0
            if lines[-1] and used + gap + label.cell_length > width:
                lines.append([])
                used, gap = 0, 0
            lines[-1].append((key, label))
            used += gap + label.cell_length
        return lines

    def render(self) -> RenderResult:
        narrow = self.size.width < NARROW_WIDTH
        return Content("\n").join(
            Content(" " if narrow else "").join(label for _key, label in line)
            for line in self._lines(self.size.width)
        )

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines(width))

    def on_click(self, event: events.Click) -> None:
        """A click on a key does what pressing it does (as on Textual's Footer)."""
        narrow = self.size.width < NARROW_WIDTH
        lines = self._lines(self.size.width)
        if not 0 <= event.y < len(lines):
            return
        x = 0
        for key, label in lines[event.y]:
            if x <= event.x < x + label.cell_length:
                if key.enabled:
                    self.app.simulate_key(key.key)
                return
            x += label.cell_length + (1 if narrow else 0)
