"""The check-in's yes-or-no box."""

from __future__ import annotations

from textual.content import Content
from textual.geometry import Size
from textual.widgets import Checkbox


class YesBox(Checkbox):
    """A checkbox whose state shows by shape, not colour alone: `[✓]` or `[ ]`.

    A long label wraps onto more lines (with `text-wrap: wrap`) instead of being cut off:
    on a narrow terminal every word of a safety question must be readable.
    """

    def render(self) -> Content:
        # The label's trailing pad would overflow a line that fits exactly, and be drawn
        # as an ellipsis in place of the question's last letters.
        return super().render().rstrip()

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        if self.styles.text_wrap == "nowrap":
            return 1
        # As Textual's own Widget.get_content_height does: the styles answer every rule the
        # height reads, though they are not the RulesMap the signature names.
        return max(1, self.render().get_height(self.styles, width))  # type: ignore[arg-type]

    @property
    def _button(self) -> Content:
        return Content("[✓] " if self.value else "[ ] ").stylize("bold" if self.value else "")
