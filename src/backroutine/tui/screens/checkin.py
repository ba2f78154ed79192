"""Before the session: the routine's safety notes, pain now, and the triage questions.

Every question must have been on the screen before the session can start: on a small
terminal the form scrolls, and Start stays disabled until the patient has scrolled past
each question (Ctrl+S then shows the next ones instead of starting).
"""

from __future__ import annotations

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Footer, RadioButton, RadioSet, Static

from backroutine.base.text import printable
from backroutine.routine.model import Routine
from backroutine.routine.safety import (
    BACK_PAIN_NOW,
    CLINICIAN_NOTE,
    LEG_PAIN_NOW,
    LEG_REACH,
    LEG_REACH_QUESTION,
    SETTLED_QUESTION,
    TIER_HEADINGS,
    CheckInAnswers,
    Tier,
    check_in_advice,
    questions,
)
from backroutine.routine.words import you_need
from backroutine.session.checkin import CheckInContext
from backroutine.tui.widgets.basics import literal
from backroutine.tui.widgets.title_bar import TitleBar
from backroutine.tui.widgets.yes_box import YesBox

NO_LEG_PAIN = "none"
SETTLE_SECONDS = 0.2
"""A question counts as seen once the form has rested this long with it in view: an
animated jump (End) flies past the questions between without showing them."""


class PainScale(Widget, can_focus=True):
    """Pain from 0 (none) to 10 (worst imaginable): arrow keys or a digit (t for 10)."""

    KEYS = "(0-9, t for 10, or ← →)"
    """How to answer, on the line under each question the scale answers (wrapped after the
    question, it left "→)" alone on a line at 60 columns)."""

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
        if value is not None:  # typed before scrolling down to it: the number picked is seen
            self.scroll_visible()

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

    def on_key(self, event: events.Key) -> None:
        if event.character and event.character.isdigit():
            self.value = int(event.character)
            event.stop()
        elif event.character == "t":
            self.value = 10
            event.stop()


class CheckInScreen(Screen[CheckInAnswers | None]):
    """Safety first: an emergency or same-day answer does not start the session, and says
    what to do. Dismissed with the answers (also when they stopped the session, so they are
    logged), or None when the patient went back before answering anything that stops."""

    CSS_PATH = "checkin.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("ctrl+s", "start", "Start", priority=True),
    ]

    def __init__(self, routine: Routine, context: CheckInContext) -> None:
        super().__init__()
        self.routine = routine
        self.context = context
        self._seen_lines: dict[Widget, set[int]] = {}
        """For each question, which of its lines have been on screen (a long one may be
        split across two pages)."""
        self._settling: Timer | None = None

    def compose(self) -> ComposeResult:
        context = self.context
        yield TitleBar()
        with VerticalScroll(id="form"):
            yield Static(Content("Before you start").stylize("bold"), classes="heading")
            notes = [literal(note) for note in self.routine.safety] or [Content(CLINICIAN_NOTE)]
            for note in notes:
                yield Static(Content("⚠ ") + note, classes="safety")
            needed = you_need(self.routine)
            if needed:
                yield Static(needed, id="you-need", markup=False)
            yield Static(
                f"{BACK_PAIN_NOW}?\n{PainScale.KEYS}",
                classes="question",
            )
            yield PainScale(id="pain")
            if context.asks_leg_pain:
                yield Static(f"{LEG_PAIN_NOW}?", classes="question")
                yield PainScale(id="leg-pain")
                yield Static(LEG_REACH_QUESTION, classes="question")
                with RadioSet(id="leg-reach"):
                    yield RadioButton("No leg pain", name=NO_LEG_PAIN)
                    for key, words in LEG_REACH.items():
                        yield RadioButton(words, name=key)
            if context.settled_session_id is not None:
                yield Static(SETTLED_QUESTION, classes="question")
                with RadioSet(id="settled"):
                    yield RadioButton("Yes", name="yes")
                    yield RadioButton("No", name="no")
            for tier in Tier:
                yield Static(TIER_HEADINGS[tier], classes=f"question tier -{tier.value}")
                for question in questions(tier):
                    yield YesBox(question.text, id=f"q-{question.key}", classes="answer")
            yield Static(id="advice")
            with Horizontal(id="buttons"):
                yield Button("Start", id="start", variant="success", disabled=True)
                yield Button("Back", id="back")
        # Outside the scrolling form, so it shows wherever the patient has scrolled to.
        yield Static(id="unseen")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"Check-in: {printable(self.routine.title)}"
        # Focused for its keys without scrolling to it: the patient reads the routine's safety
        # notes above it first, however long they are (at 60x20 the form opened past them).
        self.query_one(PainScale).focus(scroll_visible=False)
        self.watch(self.query_one("#form"), "scroll_y", self._scrolled, init=False)
        self.call_after_refresh(self._note_seen)

    def on_resize(self) -> None:
        self.call_after_refresh(self._note_seen)

    # -- every question on screen before the start ------------------------------------

    def _must_see(self) -> list[Widget]:
        return list(self.query(".question")) + list(self.query(".answer"))

    def _scrolled(self) -> None:
        if self._settling is not None:
            self._settling.stop()
        self._settling = self.set_timer(SETTLE_SECONDS, self._note_seen)

    def _note_seen(self) -> None:
        """Note which lines of each question are now inside the form's viewport."""
        form = self.query_one("#form", VerticalScroll)
        top = round(form.scroll_y)
        bottom = top + form.scrollable_content_region.height
        for widget in self._must_see():
            region = widget.virtual_region
            lines = range(max(top, region.y), min(bottom, region.bottom))
            self._seen_lines.setdefault(widget, set()).update(line - region.y for line in lines)
        self._update_start()

    def _unseen(self) -> list[Widget]:
        """The questions and answers not yet read, top to bottom."""
        unseen = [
            widget
            for widget in self._must_see()
            if not widget.virtual_region.height
            or not set(range(widget.virtual_region.height)) <= self._seen_lines.get(widget, set())
        ]
        return sorted(unseen, key=lambda widget: widget.virtual_region.y)

    def _update_start(self) -> None:
        unseen = self._unseen()
        stopped = not self.answers().go_ahead
        self.query_one("#start", Button).disabled = bool(unseen) or stopped
        note = self.query_one("#unseen", Static)
        if unseen and not stopped:
            # Point the way: after paging fast, the questions missed may be above.
            above = unseen[0].virtual_region.y < self.query_one("#form", VerticalScroll).scroll_y
            arrow, way = ("↑", "up") if above else ("↓", "down")
            note.update(
                f"{arrow} Read every question before you start: "
                f"{len(unseen)} not seen yet, scroll {way}."
            )
        else:
            note.update("")
        note.set_class(bool(unseen) and not stopped, "shown")

    # -- the answers ------------------------------------------------------------------

    def answers(self) -> CheckInAnswers:
        """What the patient has answered so far."""
        yes = tuple(box.id.removeprefix("q-") for box in self.query(YesBox) if box.value and box.id)
        leg_pain = leg_reach = settled = None
        if self.context.asks_leg_pain:
            leg_pain = self.query_one("#leg-pain", PainScale).value
            leg_reach = self._chosen("#leg-reach")
            if leg_reach == NO_LEG_PAIN:
                leg_reach = None
        if self.context.settled_session_id is not None:
            answer = self._chosen("#settled")
            settled = None if answer is None else answer == "yes"
        return CheckInAnswers(
            pain_now=self.query_one("#pain", PainScale).value,
            answered_yes=yes,
            settled=settled,
            leg_pain=leg_pain,
            leg_reach=leg_reach,
        )

    def _chosen(self, selector: str) -> str | None:
        pressed = self.query_one(selector, RadioSet).pressed_button
        return pressed.name if pressed is not None else None

    @on(Checkbox.Changed)
    @on(RadioSet.Changed)
    @on(PainScale.Changed)
    def _answers_changed(self) -> None:
        answers = self.answers()
        advice = check_in_advice(
            answers, self.context.emergency_number, previous_reach=self.context.previous_reach
        )
        message = self.query_one("#advice", Static)
        message.update("\n\n".join(advice))
        message.set_class(bool(advice), "shown")
        tier = answers.tier
        for level in Tier:
            message.set_class(tier is level, f"-{level.value}")
        self._update_start()
        if not answers.go_ahead:
            # Once laid out with its new words: the whole advice, at the top of the view.
            self.call_after_refresh(message.scroll_visible, top=True)

    @on(Button.Pressed, "#start")
    def action_start(self) -> None:
        answers = self.answers()
        if not answers.go_ahead:
            self.query_one("#advice").scroll_visible(top=True)
            return
        unseen = self._unseen()
        if unseen:
            unseen[0].scroll_visible(top=True)  # the first question not yet read, wherever it is
            self.notify("Please read every question before you start.", timeout=3)
            return
        self.dismiss(answers)

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        answers = self.answers()
        # Answers that stopped the session are kept in the log, so the therapist sees them.
        self.dismiss(None if answers.go_ahead else answers)
