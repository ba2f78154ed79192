"""The player: a big countdown and everything needed to do the exercise right."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

import msgspec
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Static

from backroutine.base.text import printable
from backroutine.figures.load import figure_for
from backroutine.routine.model import (
    CardStep,
    ExerciseStep,
    RestStep,
    Routine,
    Segment,
    SegmentKind,
    ThermalStep,
)
from backroutine.routine.safety import PACK_SAFETY, STOP_KEY_NOTE
from backroutine.routine.words import (
    GET_INTO_POSITION,
    MAX_TYPED_DIGITS,
    NOTHING_TO_MUTE,
    PAUSED,
    SOUND_MUTED,
    do_reps,
    next_said,
    segment_detail,
    segment_word,
    steps_said,
    steps_typed,
    time_left,
    tips_for,
    waiting_prompt,
)
from backroutine.session.engine import (
    Event,
    ExerciseDone,
    SessionEngine,
    SessionFinished,
    TimeAdded,
)
from backroutine.session.recorder import step_kind
from backroutine.tui.widgets.basics import literal
from backroutine.tui.widgets.big_text import BigText
from backroutine.tui.widgets.figure import FigureView
from backroutine.tui.widgets.key_bar import KeyBar
from backroutine.tui.widgets.progress import SessionProgress
from backroutine.tui.widgets.title_bar import TitleBar

if TYPE_CHECKING:
    from backroutine.tui.screens.dialogs import AfterHurt

STOP_NOTE = STOP_KEY_NOTE
FLASH_SECONDS = 0.6


class ExerciseResult(msgspec.Struct, frozen=True):
    """How one exercise of the session went: done, skipped or hurt."""

    name: str
    outcome: str
    kind: str | None = None
    """What the step is (`exercise`, `card`, ...; None: not known)."""


class SessionOutcome(msgspec.Struct):
    """How the session went, for the summary screen."""

    status: str = "abandoned"
    active_seconds: float = 0.0
    results: dict[int, ExerciseResult] = msgspec.field(default_factory=dict)
    """Step index -> how that exercise went (its last pass, after going back)."""
    hurt: bool = False
    """The patient pressed "this hurts" (also during a rest, which has no result)."""

    @property
    def exercises(self) -> list[ExerciseResult]:
        """Each exercise left so far, in routine order."""
        return [self.results[step] for step in sorted(self.results)]


class PlayerScreen(Screen[SessionOutcome]):
    """Guides the patient through the session the engine runs.

    One one-shot timer, set for the moment the shown second changes, asks the engine
    what happened by now; the screen redraws only what changed.
    """

    CSS_PATH = "player.tcss"
    # In the key bar's order: on a narrow terminal the last ones are cut, so mute goes last.
    BINDINGS = [
        # Space in a set waiting at the patient's own pace says it is done (and the key bar
        # says so); anywhere else, a set paced by a beat too, it pauses.
        Binding("space", "own_pace_done", "Done"),
        Binding("space", "toggle_pause", "Pause"),
        Binding("space", "go_on", "Go on"),
        Binding("enter", "done", "Done"),
        Binding("h", "hurt", "Hurts"),
        Binding("n", "skip", "Skip"),
        Binding("N", "skip_exercise", "Skip exercise", show=False),
        Binding("b", "back", "Back"),
        Binding("plus,equals_sign", "add_time", "+10 s", key_display="+"),
        Binding("q", "quit_session", "Quit"),
        Binding("m", "mute", "Mute"),
        Binding("m", "nothing_to_mute", "Mute", show=False),  # sound off: m says so
        Binding("f", "toggle_figure", "Figure", show=False),
        Binding("t", "tips", "Tips", show=False),
        Binding("up", "scroll_card(-1)", "Scroll up", show=False),
        Binding("down", "scroll_card(1)", "Scroll down", show=False),
    ]

    def __init__(
        self,
        routine: Routine,
        engine: SessionEngine,
        *,
        audio=None,
        audio_note: str | None = None,
        earlier: dict[int, ExerciseResult] | None = None,
        flash: bool = False,
    ) -> None:
        """`earlier`: the exercises a resumed session had left before it stopped; `flash`:
        outline the countdown for a moment when the phase changes."""
        super().__init__()
        self.routine = routine
        self.engine = engine
        self.audio = audio
        self.audio_note = audio_note
        self.outcome = SessionOutcome(results=dict(earlier or {}))
        self.exercise_numbers = _exercise_numbers(routine)
        # A card, a pack, breathing or a walk is a step, not an exercise, as the picker says.
        only_exercises = all(isinstance(s, (ExerciseStep, RestStep)) for s in routine.steps)
        self.step_word = "Exercise" if only_exercises else "Step"
        self._timer: Timer | None = None
        self._shown: dict[str, object] = {}
        self._typed: tuple[int, str] = (-1, "")
        """Digits typed while a walk waits, and the segment they were typed at."""
        self.figure_on = True
        self._has_figure = True
        """The step shown has a figure (a card, a pack or a rest has none)."""
        self.flash = flash
        self._tips_page: tuple[str, int] = ("", 0)
        """The tips shown in the note (t), and which page of them."""
        self._tips_timer: Timer | None = None
        self._styled = False
        """Shown once already: its widgets have their styles (`on_screen_resume`)."""
        engine.subscribe(self._on_event)

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Vertical(id="player"):
            with Horizontal(id="top"):
                yield Static(id="name")
                yield Static(id="position")
            yield Static(id="detail")
            with Horizontal(id="stage"):
                with Vertical(id="clock"):
                    yield BigText(id="kind", whole=True)
                    yield BigText(id="countdown")
                    yield Static(id="prompt")
                yield FigureView(id="figure")
            # The caution first: on a short terminal the tips give way, not the warning.
            yield Static(id="caution")
            yield Static(id="tips")
            with VerticalScroll(id="card", can_focus=False):
                yield Static(id="card-text")
            yield Static(id="next")
            with Vertical(id="foot"):
                yield Static(id="status")
                yield Static(STOP_NOTE, id="stop-note")
                with Horizontal(id="bottom"):
                    yield SessionProgress(id="progress")
                    yield Static(id="time-left")
        yield KeyBar()

    def on_resize(self, event: events.Resize) -> None:
        self._size_figure(event.size.width, event.size.height)

    def _size_figure(self, width: int, height: int) -> None:
        """Beside the countdown: 5 rows at 80x24, growing with the terminal, gone when cramped."""
        figure = self.query_one(FigureView)
        # Without a figure to show, the countdown and its prompt take the whole width.
        figure.display = self.figure_on and self._has_figure and width >= 60 and height >= 20
        self.set_class(not figure.display, "-no-figure")  # where notes go: player.tcss
        rows = min(16, 5 + max(0, height - 24) // 2)
        figure.styles.height = rows
        # A lying figure is about three times as wide as tall; braille cells are 2 x 4 dots.
        figure.styles.width = min(width * 2 // 5, rows * 6)

    def action_toggle_figure(self) -> None:
        """Show or hide the moving figure (the words say everything without it)."""
        self.figure_on = not self.figure_on
        self._size_figure(self.size.width, self.size.height)

    def on_screen_suspend(self) -> None:
        # A dialog over the player (this hurts, quit) answers keys of its own: the player's
        # key bar, seen under it, said "space Go on" and "⏎ Done" (Enter ends the session).
        self.query_one(KeyBar).visible = False

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        self.query_one(KeyBar).visible = True
        # Handled before Screen's own: the first time, every widget was styled as it was
        # mounted, and Textual restyling the whole screen again took a third of the time from
        # mounting to the first exercise on screen. After a dialog, it restyles as ever.
        if not self._styled:
            self._styled = True
            event.refresh_styles = False

    def on_mount(self) -> None:
        # Sized before the first layout, not after it: a second layout and drawing of the
        # figure would come before the exercise is on screen.
        self._size_figure(self.app.size.width, self.app.size.height)
        self.sub_title = printable(self.routine.title)
        self.query_one(SessionProgress).total = max(1.0, self.engine.remaining_total())
        if self.audio_note:  # after the exercise is drawn: it is what the patient waits for
            note = printable(self.audio_note)
            self.call_after_refresh(self.notify, note, title="Sound", timeout=6, markup=False)
        if self.engine.status == "ready":
            self.engine.start()
        self.sync()

    # -- time --------------------------------------------------------------------

    def sync(self) -> None:
        """Ask the engine what has happened by now, show it, and plan the next wake-up."""
        self.engine.update()
        self._render_state()
        self._schedule()

    def _schedule(self) -> None:
        """Wake up when the shown second changes, not on a fixed beat."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        delay = self._seconds_to_next_change()
        if delay is not None:
            self._timer = self.set_timer(delay, self.sync)

    def _seconds_to_next_change(self) -> float | None:
        engine = self.engine
        if engine.status in {"finished", "abandoned", "paused"}:
            return None
        lead_in = engine.lead_in_remaining()
        remaining = lead_in if lead_in > 0 else engine.remaining()
        if remaining is None:  # self-paced or waiting: the clock shown counts up
            elapsed = engine.elapsed()
            return 1.0 - (elapsed - math.floor(elapsed)) + 0.005
        fraction = remaining - math.floor(remaining)
        return (fraction if fraction > 0.001 else 1.0) + 0.005

    # -- events ------------------------------------------------------------------

    def _on_event(self, event: Event) -> None:
        if isinstance(event, ExerciseDone):
            kind = step_kind(self.engine.segments, event.step_index)
            self.outcome.results[event.step_index] = ExerciseResult(event.name, event.outcome, kind)
        elif isinstance(event, SessionFinished):
            self.outcome.status = event.status
            self.outcome.active_seconds = event.active_seconds
            self.call_later(self._finish)

    def _finish(self) -> None:
        self.dismiss(self.outcome)

    # -- drawing -----------------------------------------------------------------

    def _set(self, widget_id: str, value: str | float | Content) -> None:
        """Update a widget only when what it shows changes (a redraw costs CPU and bytes)."""
        if self._shown.get(widget_id) == value:
            return
        self._shown[widget_id] = value
        widget = self.query_one(f"#{widget_id}")
        if isinstance(widget, SessionProgress) and isinstance(value, (int, float)):
            widget.progress = value
        elif isinstance(widget, BigText) and isinstance(value, str):  # noqa: SIM114 (typed apart)
            widget.update(value)
        elif isinstance(widget, Static) and isinstance(value, (str, Content)):
            widget.update(value)
        else:
            raise TypeError(f"#{widget_id} cannot show {value!r}")

    def _render_state(self) -> None:
        engine = self.engine
        segment = engine.current
        if segment is None:
            return
        step = self.routine.steps[segment.step_index]
        lead_in = engine.lead_in_remaining()
        kind = SegmentKind.PREPARE if lead_in > 0 else segment.kind
        word = (segment_word(segment) if kind is segment.kind else kind.label).upper()
        if engine.status == "paused":
            word = f"PAUSED · {word}"
        elif engine.status == "waiting" and segment.kind is SegmentKind.PREPARE:
            word = "WHEN YOU ARE READY"
        # The phase's colour on the phase word and the countdown, the word saying it too.
        clock = self.query_one("#clock")
        for other in SegmentKind:
            clock.set_class(other is kind, f"-{other.value}")
        clock.set_class(engine.status == "paused", "-paused")
        if self.flash and self._shown.get("kind") not in {None, word}:
            self._flash(clock)
        self._set("kind", word)
        number, exercise_count = self.exercise_numbers.get(segment.step_index, (0, 0))
        # A rest step has no number: its name says "Rest" already, on the same line.
        self._set("position", f"{self.step_word} {number} of {exercise_count}" if number else "")
        self._set(
            "name",
            literal(segment.name if segment.kind is not SegmentKind.REST or number else "Rest"),
        )
        # Empty, the row stays: the countdown keeps its place and size from phase to phase.
        self._set("detail", segment_detail(segment))
        self._set("countdown", self._clock_text(segment, lead_in))
        figure = (
            figure_for(step.name, step.exercise, step.figure)
            if isinstance(step, ExerciseStep)
            else None
        )
        self.query_one(FigureView).follow(
            figure, kind.value, segment.side == "right", engine.elapsed
        )
        if self._has_figure != (figure is not None):
            self._has_figure = figure is not None
            self._size_figure(self.size.width, self.size.height)
        self._set("prompt", self._prompt(segment))
        if isinstance(step, ExerciseStep):
            tips = self.query_one("#tips")
            width = tips.content_region.width or self.size.width - 4  # before the first layout
            self._set("tips", _whole_tips(step.tips, width))
            self._set("caution", Content("⚠ ") + literal(step.caution) if step.caution else "")
        elif isinstance(step, RestStep):
            self._set("tips", "Breathe easily and let your back settle.")
            self._set("caution", "")
        else:
            self._set("tips", literal(_text_to_read(step), keep_newlines=True))
            self._set("caution", "")
        self.query_one("#tips").set_class(isinstance(step, ThermalStep), "-safety")
        card = step.text if isinstance(step, CardStep) else None
        self.query_one("#card").set_class(card is not None, "-shown")
        self._set("card-text", literal(card, keep_newlines=True) if card is not None else "")
        self._set("next", Content(next_said(engine.segments, engine.index)))  # never markup
        total_left = engine.remaining_total()
        total = self.query_one(SessionProgress).total or 1.0
        # In steps of 1/200 and whole minutes: each redraw costs CPU and bytes over SSH.
        self._set("progress", round(max(0.0, total - total_left) / total * 200) / 200 * total)
        self._set("time-left", time_left(total_left))
        muted = bool(self.audio is not None and getattr(self.audio, "muted", False))
        self._set("status", SOUND_MUTED if muted else "")
        self.query_one("#status").display = muted  # no blank row taken from the countdown
        space = _what_space_does(engine)
        if self._shown.get("space") != space:  # space's meaning changed: say it
            self._shown["space"] = space
            self.refresh_bindings()

    def _flash(self, clock: Widget) -> None:
        """An outline round the countdown for a moment: a phase change seen from the corner
        of the eye (the outline is drawn over the edge, so nothing moves)."""
        clock.add_class("-flash")
        self.set_timer(FLASH_SECONDS, lambda: clock.remove_class("-flash"))

    def _clock_text(self, segment: Segment, lead_in: float) -> str:
        if lead_in > 0:
            return str(math.ceil(lead_in))
        remaining = self.engine.remaining()
        if segment.kind is SegmentKind.PREPARE and segment.seconds is None:
            return "--"  # a pack's get-ready: no clock until the pack is on
        if remaining is None:
            # Words: a bare number in big digits reads as a countdown.
            if segment.kind is SegmentKind.SELF_PACED:
                return f"{segment.rep_count} reps"
            if segment.kind is SegmentKind.WALK:
                return steps_said(segment.rep_count or 0)
            return ""
        seconds = math.ceil(remaining)
        return f"{seconds // 60}:{seconds % 60:02d}" if seconds >= 60 else str(seconds)

    def _prompt(self, segment: Segment) -> str:
        status = self.engine.status
        if status == "paused":
            return PAUSED
        if status == "waiting":
            digits = self._typed_steps()
            if digits:
                return steps_typed(digits)
            # A set's side is in the detail line; a walk's two clauses on lines of their own.
            return waiting_prompt(segment, clause_break="\n")
        if self.engine.lead_in_remaining() > 0:
            return "Get back into position"
        if beat := self.engine.beat_for(segment):  # the set ends by itself
            return do_reps(segment.rep_count, every=round(beat))
        return {
            SegmentKind.PREPARE: GET_INTO_POSITION,
            SegmentKind.SWITCH_SIDES: "Switch to the other side",
            SegmentKind.RELAX: "Relax",
            SegmentKind.REST: "Rest",
        }.get(segment.kind, "")

    # -- keys --------------------------------------------------------------------

    def _control(self, events: list[Event]) -> None:
        self._render_state()
        self._schedule()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Space's meanings, one at a time, so the key bar says what space does now."""
        if action in ("own_pace_done", "toggle_pause", "go_on"):
            return action == _what_space_does(self.engine)
        if action in ("mute", "nothing_to_mute"):  # the key bar offers m only where it mutes
            silent = self.audio is None or self.audio.silent
            return (action == "nothing_to_mute") == silent
        return super().check_action(action, parameters)

    def action_own_pace_done(self) -> None:
        """The set done at the patient's own pace is done: the key they reach from the floor."""
        self._control(self.engine.done())

    def action_go_on(self) -> None:
        """Carry on after a pause (space, as the key bar says while paused)."""
        self.action_toggle_pause()

    def action_toggle_pause(self) -> None:
        if self.engine.status == "paused":
            self._control(self.engine.resume())
        else:
            self._control(self.engine.pause())

    def on_key(self, event: events.Key) -> None:
        """Digits typed while a walk waits: the steps walked, which Enter records."""
        segment = self.engine.current
        if self.engine.waiting_for != "done" or segment is None:
            return
        if segment.kind is not SegmentKind.WALK:
            return
        digits = self._typed_steps()
        if event.character is not None and event.character.isdigit():
            digits = (digits + event.character)[:MAX_TYPED_DIGITS]
        elif event.key == "backspace":
            digits = digits[:-1]
        else:
            return
        event.stop()
        self._typed = (self.engine.index, digits)
        self._render_state()

    def _typed_steps(self) -> str:
        index, digits = self._typed
        return digits if index == self.engine.index else ""

    def action_done(self) -> None:
        if self.engine.status == "paused" and self.engine.enter_acts:
            self.engine.resume()  # paused on a card, a pack, a walk or a set: Enter goes on
        if self.engine.waiting_for == "done":
            digits = self._typed_steps()
            self._typed = (-1, "")
            self._control(self.engine.done(int(digits) if digits else None))
        elif _in_self_paced_set(self.engine):  # paced by a beat: ended early
            self._control(self.engine.done())
        elif self.engine.waiting_for == "ready":
            self._control(self.engine.ready())

    def action_scroll_card(self, lines: int) -> None:
        """Scroll a card's text that does not fit."""
        self.query_one("#card").scroll_relative(y=lines, animate=False)

    def action_skip(self) -> None:
        self._control(self.engine.skip_segment())

    def action_skip_exercise(self) -> None:
        self._control(self.engine.skip_exercise())

    def action_back(self) -> None:
        self._control(self.engine.back())

    def action_add_time(self) -> None:
        events = self.engine.add_time(10)
        self._control(events)
        if any(isinstance(event, TimeAdded) for event in events):  # a card has no clock
            self.notify("+10 seconds", timeout=1.5)

    def action_tips(self) -> None:
        """Show the exercise's tips and caution, and read them aloud for a patient who
        cannot see the screen from where they lie."""
        segment = self.engine.current
        if segment is None:
            return
        tips = tips_for(self.routine, segment)
        pages = _note_pages(printable(tips), self.size.width, self.size.height)
        said, page = self._tips_page
        page = page + 1 if said == tips else 0  # t again: the next page, then none
        # One note at a time: together they would not fit. Their holders go too: Textual's
        # clear_notifications leaves each behind, empty, and the next note 2 rows lower.
        self.query("ToastHolder").remove()
        self.app.clear_notifications()
        if self._tips_timer is not None:
            self._tips_timer.stop()
        if page >= len(pages):
            self._tips_page = ("", 0)
            return
        self._tips_page = (tips, page)
        self._tips_timer = self.set_timer(TIPS_SECONDS, self._tips_gone)
        title = "Tips" if len(pages) == 1 else f"Tips, {page + 1} of {len(pages)}"
        self.notify(pages[page], title=title, timeout=TIPS_SECONDS, markup=False)
        if self.audio is not None and page == 0:
            self.audio.say_now(tips)

    def _tips_gone(self) -> None:
        """The tips note timed out: t starts from the first page again."""
        self._tips_page = ("", 0)

    def action_mute(self) -> None:
        self.audio.muted = not self.audio.muted
        self._render_state()

    def action_nothing_to_mute(self) -> None:
        """m with no sound to mute says so, and how to have sound, instead of "muted"."""
        self.notify(NOTHING_TO_MUTE, title="Sound", timeout=6)

    def action_hurt(self) -> None:
        segment = self.engine.current
        if segment is None:  # before the start, or finished or abandoned
            return
        step = self.routine.steps[segment.step_index]
        self.outcome.hurt = True
        self._control(self.engine.hurt())
        if self.engine.status == "finished":
            return  # it was the last exercise: the summary follows, with the clinician's note
        # The dialogs are loaded when first asked: the player's first paint does not wait for them.
        from backroutine.tui.screens.dialogs import HurtQuestion

        # A walk, breathing, a pack or a card is named as an exercise is; a rest has no name.
        if isinstance(step, RestStep):
            hurt = None
        else:
            hurt = step.title if isinstance(step, CardStep) else step.name
        self.app.push_screen(HurtQuestion(hurt), self._after_hurt)

    def _after_hurt(self, choice: AfterHurt | None) -> None:
        if choice == "end":
            self._control(self.engine.quit())
        elif choice == "carry_on" and self.engine.status == "paused":
            self._control(self.engine.resume())
        # "pause": hurt() left the session paused; space carries on when the patient is ready.

    def action_quit_session(self) -> None:
        from backroutine.tui.screens.dialogs import Question

        was_paused = self.engine.status == "paused"
        if not was_paused:
            self._control(self.engine.pause())

        def answered(end: bool | None) -> None:
            if end:
                self._control(self.engine.quit())
            elif not was_paused:
                self._control(self.engine.resume())

        self.app.push_screen(
            Question(
                "End the session now?\nWhat you did so far is kept, marked as not finished.",
                yes="End session",
                no="Keep going",
            ),
            answered,
        )


def _what_space_does(engine: SessionEngine) -> str:
    """The action space stands for now: the key bar names it."""
    if _waiting_at_own_pace(engine):
        return "own_pace_done"
    return "go_on" if engine.status == "paused" else "toggle_pause"


def _waiting_at_own_pace(engine: SessionEngine) -> bool:
    """In a set done at the patient's own pace, waiting for them to say it is done."""
    segment = engine.current
    return (
        engine.waiting_for == "done"
        and segment is not None
        and segment.kind is SegmentKind.SELF_PACED
    )


def _in_self_paced_set(engine: SessionEngine) -> bool:
    """In a set done at the patient's own pace, waited for or paced by a beat: Enter
    finishes it."""
    segment = engine.current
    return (
        engine.status in {"waiting", "running"}
        and segment is not None
        and segment.kind is SegmentKind.SELF_PACED
    )


TIPS_SECONDS = 10
"""How long the tips note (t) stays."""
MORE_TIPS = "(t: the rest)"


def _note_pages(text: str, width: int, height: int) -> list[str]:
    """`text` in pages that each fit the player's note (a toast) on a `width` x `height`
    screen: at 60x20 all of an exercise's tips made a note taller than the screen.

    As player.tcss lays a note out: 40% of the width, 60 columns at most, less 3 for its
    padding and edge; the height less the 3 rows above it, its title, and the 4 rows at the
    bottom it leaves in sight (the stop note, the progress bar and the keys).
    """
    columns = max(10, min(60, width * 2 // 5) - 3)
    rows = max(3, height - 8)
    lines = textwrap.wrap(text, columns) or [""]
    if len(lines) <= rows:
        return ["\n".join(lines)]
    rows -= 1  # for the line that says t shows the rest
    pages = [lines[start : start + rows] for start in range(0, len(lines), rows)]
    return ["\n".join([*page, MORE_TIPS]) for page in pages[:-1]] + ["\n".join(pages[-1])]


TIPS_ROWS = 3
"""The rows the tips have under the countdown (`#tips` in player.tcss)."""


def _whole_tips(tips: Sequence[str], width: int) -> Content:
    """The first tips that fit whole in the rows the tips have at `width`: a tip cut off
    mid-sentence reads as another instruction (t shows and says them all). The first is
    shown however long it is."""
    shown: list[Content] = []
    rows = 0
    for tip in tips:
        line = Content("• ") + literal(tip)
        rows += len(line.wrap(max(1, width)))
        if shown and rows > TIPS_ROWS:
            break
        shown.append(line)
    return Content("\n").join(shown)


def _text_to_read(step: object) -> str:
    """What a step that is not an exercise shows as its tips: a pack's safety words (a
    card's text has a scrolling place of its own)."""
    if isinstance(step, ThermalStep):
        return PACK_SAFETY[step.pack]
    return ""


def _exercise_numbers(routine: Routine) -> dict[int, tuple[int, int]]:
    """Step index -> (its number, number of steps that are not rests); rests have none."""
    indices = [i for i, step in enumerate(routine.steps) if not isinstance(step, RestStep)]
    return {index: (number, len(indices)) for number, index in enumerate(indices, start=1)}
