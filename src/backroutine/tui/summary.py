"""After the session: what was done, pain now, a note."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Static

from backroutine.safety import CLINICIAN_NOTE, review_pain
from backroutine.text import human_duration, printable
from backroutine.tui.checkin import PainScale
from backroutine.tui.player import SessionOutcome
from backroutine.tui.widgets import literal

OUTCOME_WORDS = {"done": "done", "skipped": "skipped", "hurt": "stopped: it hurt"}


@dataclass(frozen=True)
class Debrief:
    """What the patient said after the session."""

    pain_after: int | None
    note: str


class SummaryScreen(Screen[Debrief]):
    """How it went; Save keeps it in the log."""

    CSS_PATH = "summary.tcss"
    BINDINGS = [Binding("ctrl+s", "save", "Save", priority=True)]

    def __init__(
        self,
        title: str,
        outcome: SessionOutcome,
        pain_before: int | None,
        *,
        logged: bool,
        earlier_afters: Sequence[int | None] = (),
    ) -> None:
        super().__init__()
        self.routine_title = title
        self.outcome = outcome
        self.pain_before = pain_before
        self.logged = logged
        self.earlier_afters = earlier_afters
        """Pain scores after the earlier sessions of this routine, oldest first (the trend)."""

    def compose(self) -> ComposeResult:
        outcome = self.outcome
        counts = Counter(done.outcome for done in outcome.exercises)
        if outcome.status == "completed":
            heading = "Well done: routine complete"
        elif self.logged:
            heading = "Session ended early: next time you can go on where you stopped"
        else:
            heading = "Session ended early"
        yield Header()
        with VerticalScroll(id="summary"):
            yield Static(Content(heading).stylize("bold"), id="heading")
            yield Static(
                f"{counts['done']} done · {counts['skipped']} skipped · {counts['hurt']} hurt · "
                f"{human_duration(outcome.active_seconds)} active",
                id="counts",
            )
            for done in outcome.exercises:
                yield Static(
                    Content("  • ")
                    + literal(done.name)
                    + Content(f": {OUTCOME_WORDS.get(done.outcome, done.outcome)}"),
                    classes=f"exercise -{done.outcome}",
                )
            if counts["hurt"]:
                yield Static(CLINICIAN_NOTE, classes="warning")
            yield Static(
                "How much does your back hurt now? (0-9, t for 10, or ← →)", classes="question"
            )
            yield PainScale(id="pain")
            yield Static(id="flag")
            yield Static("A note for yourself or your therapist (optional)", classes="question")
            yield Input(placeholder="e.g. left side felt tight", id="note", max_length=500)
            with Horizontal(id="buttons"):
                yield Button("Save", id="save", variant="success")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"Summary: {printable(self.routine_title)}"
        self.query_one(PainScale).focus()

    @on(Input.Submitted, "#note")
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        self.dismiss(Debrief(self.query_one(PainScale).value, self.query_one(Input).value))

    @on(PainScale.Changed)
    def _pain_changed(self, event: PainScale.Changed) -> None:
        review = review_pain(self.pain_before, event.value, earlier_afters=self.earlier_afters)
        words = " ".join(review.advice)
        if review.flag:
            words = f"⚑ {review.flag[0].upper()}{review.flag[1:]}. {words}"
        widget = self.query_one("#flag", Static)
        widget.update(words)
        widget.set_class(bool(words), "shown")
        widget.set_class(bool(review.flag), "-flagged")
