"""Before the session: the routine's safety notes, pain now, and the red-flag questions."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Footer, Header, Static

from backroutine.model import Routine
from backroutine.safety import CLINICIAN_NOTE, RED_FLAGS, red_flag_message
from backroutine.text import printable
from backroutine.tui.widgets import YesBox, literal


@dataclass(frozen=True)
class CheckIn:
    """What the patient said before starting."""

    pain_before: int | None


class PainScale(Widget, can_focus=True):
    """Pain from 0 (none) to 10 (worst imaginable): arrow keys or a digit (t for 10)."""

    BINDINGS = [
        Binding("left", "change(-1)", "Less", show=False),
        Binding("right", "change(1)", "More", show=False),
    ]
    value: reactive[int | None] = reactive(None)

    class Changed(Message):
        """The patient picked a number."""

        def __init__(self, value: int | None) -> None:
            super().__init__()
            self.value = value

    def watch_value(self, value: int | None) -> None:
        self.post_message(self.Changed(value))

    def render(self) -> Content:
        parts = [Content("none ")]
        for number in range(11):
            label = f" {number} "
            if number == self.value:
                parts.append(Content(f"[{number}]").stylize("reverse bold"))
            else:
                parts.append(Content(label))
        parts.append(Content(" worst"))
        return Content.assemble(*parts)

    def action_change(self, step: int) -> None:
        self.value = 0 if self.value is None else max(0, min(10, self.value + step))

    def on_key(self, event) -> None:
        if event.character and event.character.isdigit():
            self.value = int(event.character)
            event.stop()
        elif event.character == "t":
            self.value = 10
            event.stop()


class CheckInScreen(Screen[CheckIn | None]):
    """Safety first: a yes to any red flag does not start the session, and says why."""

    CSS_PATH = "checkin.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("ctrl+s", "start", "Start", priority=True),
    ]

    def __init__(self, routine: Routine) -> None:
        super().__init__()
        self.routine = routine

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="form"):
            yield Static(Content("Before you start").stylize("bold"), classes="heading")
            notes = [literal(note) for note in self.routine.safety] or [Content(CLINICIAN_NOTE)]
            for note in notes:
                yield Static(Content("⚠ ") + note, classes="safety")
            yield Static(
                "How much does your back hurt right now? (0-9, t for 10, or ← →)",
                classes="question",
            )
            yield PainScale(id="pain")
            yield Static("Since your last session, have you had any of these?", classes="question")
            for key, text in RED_FLAGS.items():
                yield YesBox(text, id=f"flag-{key}")
            yield Static(id="stop-message")
            with Horizontal(id="buttons"):
                yield Button("Start", id="start", variant="success")
                yield Button("Back", id="back")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"Check-in: {printable(self.routine.title)}"
        self.query_one(PainScale).focus()

    def _red_flags(self) -> list[str]:
        return [
            text
            for key, text in RED_FLAGS.items()
            if self.query_one(f"#flag-{key}", Checkbox).value
        ]

    @on(Checkbox.Changed)
    def _flags_changed(self) -> None:
        flags = self._red_flags()
        message = self.query_one("#stop-message", Static)
        self.query_one("#start", Button).disabled = bool(flags)
        message.set_class(bool(flags), "shown")
        if flags:
            message.update(red_flag_message(flags))

    @on(Button.Pressed, "#start")
    def action_start(self) -> None:
        if self._red_flags():
            self.query_one("#stop-message").scroll_visible()
            return
        self.dismiss(CheckIn(pain_before=self.query_one(PainScale).value))

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        self.dismiss(None)
