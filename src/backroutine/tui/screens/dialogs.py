"""Small modal questions asked during a session."""

from __future__ import annotations

from typing import Literal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static
from textual.widgets.button import ButtonVariant

from backroutine.routine.safety import STOP_AND_CONTACT
from backroutine.tui.widgets.basics import literal


class Question(ModalScreen[bool | None]):
    """A yes/no question; Enter gives the safe answer (no, unless `safe_yes`), Escape
    `escape` (no, unless the question can be put off: then None, "not now")."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS = [
        Binding("escape", "escape", "Cancel"),
        Binding("y", "answer(True)", "Yes", show=False),
        Binding("n", "answer(False)", "No", show=False),
    ]

    def __init__(
        self,
        text: str,
        yes: str,
        no: str,
        *,
        warning: str | None = None,
        yes_variant: ButtonVariant = "error",
        safe_yes: bool = False,
        escape: bool | None = False,
    ) -> None:
        super().__init__()
        self.text, self.yes, self.no, self.warning = text, yes, no, warning
        self.yes_variant, self.safe_yes, self.escape = yes_variant, safe_yes, escape

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            # The question may quote a routine file (a title, an exercise): shown literally.
            yield Static(literal(self.text, keep_newlines=True), id="question")
            if self.warning:
                yield Static(literal(self.warning, keep_newlines=True), id="warning")
            with Horizontal(id="answers"):
                yield Button(self.yes, id="yes", variant=self.yes_variant)
                yield Button(self.no, id="no", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#yes" if self.safe_yes else "#no", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)

    def action_escape(self) -> None:
        self.dismiss(self.escape)


AfterHurt = Literal["end", "pause", "carry_on"]
"""What the patient chose after "this hurts": end the session, stay paused, or go on."""


class HurtQuestion(ModalScreen[AfterHurt]):
    """After "this hurts": the safe default is to stop and think, never to carry on.

    Enter ends the session (its button has the focus); Escape and n close the dialog with
    the session still paused; carrying on takes its own button or c.
    """

    CSS_PATH = "dialogs.tcss"
    BINDINGS = [
        Binding("escape", "choose('pause')", "Stay paused"),
        Binding("n", "choose('pause')", "Stay paused", show=False),
        Binding("y", "choose('end')", "End session", show=False),
        Binding("c", "choose('carry_on')", "Carry on", show=False),
    ]

    def __init__(self, exercise: str | None) -> None:
        """`exercise`: the one that hurt; None when it hurt during a rest step."""
        super().__init__()
        self.exercise = exercise

    def compose(self) -> ComposeResult:
        what = (
            f"{self.exercise} hurt, so it was stopped"
            if self.exercise
            else "it hurt during the rest"
        )
        with Vertical(id="dialog"):
            # The exercise's name comes from a routine file: shown literally.
            yield Static(
                literal(
                    f"Noted: {what}. The session is paused.\n\n"
                    "End the session now, stay paused to think it over, or carry on with the "
                    "next exercise?",
                    keep_newlines=True,
                ),
                id="question",
            )
            yield Static(STOP_AND_CONTACT, id="warning")
            with Horizontal(id="answers"):
                yield Button("End session", id="end", variant="error")
                yield Button("Stay paused", id="pause", variant="primary")
                yield Button("Carry on", id="carry-on")

    def on_mount(self) -> None:
        self.query_one("#end", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        choices: dict[str | None, AfterHurt] = {"end": "end", "pause": "pause"}
        choice = choices.get(event.button.id, "carry_on")
        self.dismiss(choice)

    def action_choose(self, choice: AfterHurt) -> None:
        self.dismiss(choice)
