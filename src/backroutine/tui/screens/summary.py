"""After the session: what was done, pain now, a note."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

import msgspec
from msgspec.structs import replace
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Button, Footer, Input, Static

from backroutine.base.text import human_duration, printable
from backroutine.log.history import NOT_THE_ROUTINE, did_the_routine
from backroutine.log.store import BestStep
from backroutine.routine.safety import BACK_PAIN_AFTER, CLINICIAN_NOTE, review_pain
from backroutine.routine.words import OUTCOME_SAID, finished_heading
from backroutine.tui.screens.checkin import PainScale
from backroutine.tui.screens.player import SessionOutcome
from backroutine.tui.widgets.basics import literal
from backroutine.tui.widgets.title_bar import TitleBar

# Typing pauses this long before the note is written: one write per pause, not per key.
NOTE_SAVE_DELAY = 0.4


class Debrief(msgspec.Struct, frozen=True):
    """What the patient said after the session."""

    pain_after: int | None
    note: str


class SummaryScreen(Screen[Debrief]):
    """How it went; what the patient says is kept as it is given, Save closes the screen."""

    CSS_PATH = "summary.tcss"
    BINDINGS = [Binding("ctrl+s", "save", "Save", priority=True)]

    def __init__(
        self,
        title: str,
        outcome: SessionOutcome,
        pain_before: int | None,
        *,
        logged: bool,
        said: Debrief | None = None,
        keep: Callable[[Debrief], None] | None = None,
        earlier_afters: Sequence[int | None] = (),
    ) -> None:
        """`said`: what the patient already said of this session (when it was stopped
        before a resume); `keep` is called with each change, so a closed terminal loses
        nothing typed."""
        super().__init__()
        self.routine_title = title
        self.outcome = outcome
        self.pain_before = pain_before
        self.logged = logged
        self.said = said or Debrief(None, "")
        """What the patient has said so far, as shown."""
        self.keep = keep
        self._kept = self.said
        self._note_timer: Timer | None = None
        self.earlier_afters = earlier_afters
        """Pain scores after the earlier sessions of this routine, oldest first (the trend)."""

    def compose(self) -> ComposeResult:
        outcome = self.outcome
        counts = Counter(done.outcome for done in outcome.exercises)
        hurt = bool(counts["hurt"]) or outcome.hurt
        if outcome.status == "completed" and hurt:
            heading = "Routine finished, but something hurt: please read this"
        elif outcome.status == "completed":
            heading = finished_heading(counts["done"], counts["skipped"], counts["hurt"])
        elif self.logged:
            heading = "Session ended early: next time you can go on where you stopped"
        else:
            heading = "Session ended early"
        yield TitleBar()
        # How it went stays in sight above what scrolls: focusing the pain question scrolls
        # a long list of exercises, and with it the heading, out of a small terminal.
        with Vertical(id="how-it-went"):
            yield Static(Content(heading).stylize("bold"), id="heading")
            yield Static(
                f"{counts['done']} done · {counts['skipped']} skipped · {counts['hurt']} hurt · "
                f"{human_duration(outcome.active_seconds)} active",
                id="counts",
            )
        with VerticalScroll(id="summary"):
            for done in outcome.exercises:
                yield Static(
                    Content("  • ")
                    + literal(done.name)
                    + Content(f": {OUTCOME_SAID.get(done.outcome, done.outcome)}"),
                    classes=f"exercise -{done.outcome}",
                )
            # Something done, but not what makes it the routine (a card read): say so.
            best = BestStep.of((done.kind, done.outcome) for done in outcome.exercises)
            if outcome.status == "completed" and counts["done"] and not did_the_routine(best):
                yield Static(NOT_THE_ROUTINE, id="not-counted", classes="warning")
            if hurt:
                yield Static(CLINICIAN_NOTE, classes="warning")
            yield Static(f"{BACK_PAIN_AFTER}?\n{PainScale.KEYS}", classes="question")
            yield PainScale(id="pain")
            yield Static(id="flag")
            yield Static("A note for yourself or your therapist (optional)", classes="question")
            yield Input(placeholder="e.g. left side felt tight", id="note", max_length=500)
            with Horizontal(id="buttons"):
                yield Button("Save", id="save", variant="success")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"Summary: {printable(self.routine_title)}"
        self.query_one(PainScale).value = self.said.pain_after
        self.query_one(Input).value = self.said.note
        self.query_one(PainScale).focus()

    def _keep_now(self) -> None:
        """Hand what the patient said so far to `keep`, if it changed."""
        if self._note_timer is not None:
            self._note_timer.stop()
            self._note_timer = None
        if self.keep is not None and self.said != self._kept:
            self.keep(self.said)
        self._kept = self.said

    @on(Input.Submitted, "#note")
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        self._keep_now()
        self.dismiss(self.said)

    @on(Input.Changed, "#note")
    def _note_changed(self, event: Input.Changed) -> None:
        self.said = replace(self.said, note=event.value)
        if self._note_timer is not None:
            self._note_timer.stop()
        self._note_timer = self.set_timer(NOTE_SAVE_DELAY, self._keep_now)

    def on_unmount(self) -> None:
        if self._note_timer is not None:  # closed while typing: keep the last keys too
            self._keep_now()

    @on(PainScale.Changed)
    def _pain_changed(self, event: PainScale.Changed) -> None:
        self.said = replace(self.said, pain_after=event.value)
        self._keep_now()
        review = review_pain(self.pain_before, event.value, earlier_afters=self.earlier_afters)
        words = " ".join(review.advice)
        if review.flag:
            words = f"⚑ {review.flag[0].upper()}{review.flag[1:]}. {words}"
        widget = self.query_one("#flag", Static)
        widget.update(words)
        widget.set_class(bool(words), "shown")
        widget.set_class(bool(review.flag), "-flagged")
