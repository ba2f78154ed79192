"""A walk through the real app: generated routines, a patient's keys, a clock that jumps.

`Walk` drives the app under Pilot with real YAML files, the real loader and a real SQLite
log, one action at a time; after every action it checks what a patient (or their
therapist, reading the log) would notice:

- the app is alive: no exception, and it closes only when asked to;
- the player shows the segment its engine is on: the name, the phase, side, set and rep,
  and the seconds left, visible on the screen;
- the log, read through its own connection, holds what the engine has finished: segments
  done, active time, each exercise's outcome, and the session's status;
- the summary appears exactly when the session ends, and counts what was done;
- a session cut short (q, or the terminal closed) is offered on reopening, and resumes
  where it stopped; a session never stopped is not offered; nothing nobody sees is logged.

The actions come from a `Chooser`: Hypothesis draws them (tests/tui/test_model_based.py,
bench/reliability.py), or a script replays a minimal reproduction. The walk draws each
action for the screen on top, so it spends its steps where a patient would.
On main before issue 14's fixes the walks found items 1, 2, 5, 6, 8 and 9 and one more
(an exercise gone back to with b was counted twice in the summary); each is kept as a
minimal walk in tests/tui/test_model_based.py.
"""

from __future__ import annotations

import asyncio
import math
import re
import tempfile
import traceback
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

import yaml
from hypothesis import strategies as st
from textual.screen import ModalScreen

from backroutine.log.store import CompletionLog
from backroutine.routine.catalog import Catalog
from backroutine.routine.loader import load_routine
from backroutine.routine.model import SegmentKind
from backroutine.session.engine import (
    ExerciseDone,
    FakeClock,
    SegmentEnded,
    SessionEngine,
)
from backroutine.tui.app import AppContext, BackroutineApp, create_app
from backroutine.tui.screens.checkin import CheckInScreen
from backroutine.tui.screens.player import PlayerScreen
from backroutine.tui.screens.summary import SummaryScreen
from backroutine.tui.widgets.big_text import BigText

from .conftest import read_check_in

NAMES = [
    "Bridge",
    "Bird-dog",
    "Side plank",
    "Cat-camel",
    "Knee to chest",
    "Dead bug",
    "[b]Pelvic[/b] tilt",
    "Child's pose 🧘",
    "膝抱えストレッチ",
    "Wall sit: 90°",
    "McKenzie press-up",
]
"""Exercise names: plain, markup-like (shown literally), emoji, double-width."""

SIZES = st.tuples(st.integers(60, 160), st.integers(20, 50))
"""Terminal sizes a patient might use; the player is laid out for 60x20 and up."""

PLAYER_KEYS = ["space", "enter", "n", "N", "b", "plus", "h", "m", "q"]
DIALOG_KEYS = ["y", "n", "c", "enter", "escape"]
"""Yes, no, carry on (after "this hurts"), the focused button, cancel."""


# --- routines -------------------------------------------------------------------------


@st.composite
def exercise_steps(draw, name: str) -> dict:
    """One exercise step as a therapist writes it: every timing kind, sides, sets, rests."""
    step: dict = {"name": name}
    kind = draw(st.sampled_from(["hold", "duration", "reps with hold", "self-paced reps"]))
    seconds = st.integers(1, 12)
    if kind == "hold":
        step["hold"] = f"{draw(seconds)}s"
    elif kind == "duration":
        step["duration"] = draw(seconds)
    else:
        step["reps"] = draw(st.integers(1, 4))
        if kind == "reps with hold":
            step["hold"] = f"{draw(st.integers(1, 6))}s"
            if draw(st.booleans()):
                step["relax"] = draw(st.integers(1, 4))
    if draw(st.booleans()):
        step["per_side"] = True
    sets = draw(st.integers(1, 3))
    if sets > 1:
        step["sets"] = sets
    if draw(st.booleans()):
        step["rest"] = f"{draw(st.integers(1, 10))}s"
    if draw(st.booleans()):
        step["prepare"] = draw(st.integers(1, 5))
    if draw(st.integers(0, 4)) == 0:
        step["tips"] = [draw(st.sampled_from(["Breathe out as you lift", "Keep your back flat"]))]
        step["caution"] = "Stop if it pinches."
    if kind != "self-paced reps" and draw(st.integers(0, 3)) == 0:
        timed_by = "hold" if "hold" in step else "duration"
        step["progression"] = {timed_by: "+2s per week, up to 20s"}
    return step


@st.composite
def routines(draw) -> str:
    """A routine file's text: one to four steps, at least one exercise, rests anywhere."""
    count = draw(st.integers(1, 4))
    names = draw(st.lists(st.sampled_from(NAMES), min_size=count, max_size=count, unique=True))
    rests = draw(st.lists(st.integers(0, 3).map(lambda n: n == 0), min_size=count, max_size=count))
    if all(rests):
        rests[0] = False
    steps = [
        {"rest": f"{draw(st.integers(1, 8))}s"} if rest else draw(exercise_steps(name))
        for name, rest in zip(names, rests, strict=True)
    ]
    document: dict = {"backroutine": 1, "title": "Walk " + names[0], "steps": steps}
    if draw(st.integers(0, 4)) == 0:
        document["defaults"] = {"rest": f"{draw(st.integers(1, 5))}s"}
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False)


@dataclass(frozen=True)
class Setup:
    """How the patient starts: the terminal, the check-in, `--wait`, and a week of history."""

    size: tuple[int, int]
    check_in: bool
    wait_before_exercise: bool
    weeks_ago: int
    """A completed session this many weeks ago (0: none), so progressions have moved on."""


SETUPS = st.builds(Setup, SIZES, st.booleans(), st.booleans(), st.integers(0, 3))


# --- actions --------------------------------------------------------------------------


@dataclass(frozen=True)
class Press:
    """Press keys."""

    keys: tuple[str, ...]

    def __repr__(self) -> str:
        return f"Press{self.keys!r}"


@dataclass(frozen=True)
class Wait:
    """Let session time pass: the fake clock jumps, and the app catches up."""

    seconds: float


@dataclass(frozen=True)
class Resize:
    """The patient resizes the terminal."""

    size: tuple[int, int]


@dataclass(frozen=True)
class CloseTerminal:
    """The terminal is closed (or the app killed) without quitting the session."""


@dataclass(frozen=True)
class CheckIn:
    """Answer the check-in: a pain score (or none), read every question, press Start."""

    pain: str | None = None


Action = Press | Wait | Resize | CloseTerminal | CheckIn


class Chooser(Protocol):
    """Picks the next action from those that make sense on the screen showing."""

    def __call__(self, strategy: st.SearchStrategy[Action], label: str) -> Action: ...


WAITS = st.one_of(
    st.floats(0.05, 3.0).map(lambda s: Wait(round(s, 2))),  # within a segment
    st.integers(4, 600).map(Wait),  # across several segments, or a long pause
)


PLAYER_ACTIONS = st.integers(0, 19).flatmap(
    lambda n: (
        st.sampled_from(PLAYER_KEYS).map(lambda key: Press((key,)))
        if n < 10
        else WAITS
        if n < 17
        else SIZES.map(Resize)
        if n < 19
        else st.just(CloseTerminal())
    )
)
"""On the player: mostly keys and time passing, now and then a resize or a closed terminal
(shrinking goes towards a key)."""


DIALOG_ACTIONS = st.integers(0, 9).flatmap(
    lambda n: (
        st.sampled_from(DIALOG_KEYS).map(lambda key: Press((key,)))
        if n < 7
        else WAITS
        if n < 9  # the session behind a question must stand still
        else st.just(CloseTerminal())
    )
)
SUMMARY_ACTIONS = st.integers(0, 9).flatmap(
    lambda n: (
        st.just(Press(("ctrl+s",)))
        if n < 4
        else st.integers(0, 9).map(lambda pain: Press((str(pain),)))
        if n < 7
        else st.sampled_from(["tight", "[red]ok[/red]"]).map(
            lambda note: Press(("tab", *note, "enter"))
        )
        if n < 9
        else st.just(CloseTerminal())
    )
)
CHECK_IN_ACTIONS = st.one_of(st.just(CheckIn()), st.just(CheckIn("3")), st.just(Press(("escape",))))


MAX_STEPS = 30
WALK_LENGTHS = st.integers(1, MAX_STEPS)
"""Actions in a walk, over every app run in it."""


def drawn(data) -> Chooser:
    """A chooser that draws each action from Hypothesis's `st.data()`, labelled by step."""

    def choose(strategy: st.SearchStrategy[Action], label: str) -> Action:
        return data.draw(strategy, label=label)

    return choose


def scripted(actions: list[Action]) -> Chooser:
    """A chooser that replays `actions` in order (a reproduction found by a walk)."""
    queue = list(actions)

    def choose(strategy: st.SearchStrategy[Action], label: str) -> Action:
        return queue.pop(0)

    return choose


# --- the walk ---------------------------------------------------------------------------


class Divergence(AssertionError):
    """What the patient would notice went wrong, with the walk so far."""


@dataclass
class Session:
    """One logged session as the walk expects the log to hold it."""

    id: int
    engine: SessionEngine
    status: str = "in_progress"
    exercise_outcomes: dict[int, str] = field(default_factory=dict)
    """Step index -> the outcome the log should show: done, skipped, hurt or started."""
    left: dict[int, set[str]] = field(default_factory=dict)
    """Step index -> how each exercise left going forward ended, each time (for the summary)."""
    resumed: bool = False
    typed_pain: int | None = None
    typed_note: str | None = None
    pain_after: int | None = None
    """The pain score the log should hold (the latest kept)."""
    note: str | None = None

    def observe(self, event) -> None:
        """Follow the engine's events, as the log and the summary should."""
        if isinstance(event, SegmentEnded) and event.outcome != "abandoned":
            if self._is_exercise(event.segment.step_index):
                self.exercise_outcomes[event.segment.step_index] = "started"
        elif isinstance(event, ExerciseDone):
            self.exercise_outcomes[event.step_index] = event.outcome
            self.left.setdefault(event.step_index, set()).add(event.outcome)

    def _is_exercise(self, step_index: int) -> bool:
        first = next(s for s in self.engine.segments if s.step_index == step_index)
        return first.kind is SegmentKind.PREPARE


class Walk:
    """One generated case: a routine file, a setup, and the actions `choose` picks."""

    def __init__(
        self,
        folder: Path,
        routine_yaml: str,
        setup: Setup,
        choose: Chooser,
        steps: int,
    ) -> None:
        self.folder = folder
        self.routine_path = folder / "routines" / "walk.yaml"
        self.routine_path.parent.mkdir(parents=True, exist_ok=True)
        self.routine_path.write_text(routine_yaml, encoding="utf-8")
        self.log_path = folder / "log.sqlite3"
        self.setup = setup
        self.choose = choose
        self.steps_left = steps
        self.clock = FakeClock(1000.0)
        self.history: list[str] = []
        self.sessions: list[Session] = []
        self.live: Session | None = None
        self.offered: Session | None = None
        """The session the resume question on screen is about."""
        self.expect_exit = False
        self.resuming: Session | None = None
        """The session the patient chose to resume, until its player shows."""
        self.known_ids: set[int] = set()
        """Sessions in the log before the walk (the history seeded for progressions)."""
        self.size = setup.size
        self.loaded = load_routine(self.routine_path)  # a generated routine is always valid
        self.reader = CompletionLog.open(self.log_path)  # its own connection: what is committed
        if setup.weeks_ago:
            self._seed_history(setup.weeks_ago)

    def _seed_history(self, weeks: int) -> None:
        loaded = self.loaded
        started = datetime.now().astimezone() - timedelta(weeks=weeks, hours=1)
        session_id = self.reader.start_session(
            routine_title=loaded.routine.title,
            routine_path=str(self.routine_path.resolve()),
            routine_sha256=loaded.sha256,
            frequency=None,
            planned_seconds=60,
            started=started,
            time_zone="UTC",
        )
        self.reader.finish_session(session_id, status="completed", ended=started)
        self.known_ids.add(session_id)

    # -- running ---------------------------------------------------------------------

    async def run(self) -> None:
        """Walk until the steps are used up; raise `Divergence` at the first problem."""
        try:
            while self.steps_left > 0:
                await self._one_app_run()
        finally:
            self.reader.close()

    async def _one_app_run(self) -> None:
        self.history.append(f"open the app at {self.size[0]}x{self.size[1]}")
        self.expect_exit = False
        self.offered = None
        expected_offer = self._resumable()
        with CompletionLog.open(self.log_path) as log:
            app = create_app(
                AppContext(
                    routines=Catalog(self.routine_path.parent),
                    clock=self.clock,
                    start_with=self.routine_path,
                    check_in=self.setup.check_in,
                    wait_before_exercise=self.setup.wait_before_exercise,
                    log=log,
                )
            )
            try:
                async with app.run_test(size=self.size) as pilot:
                    await pilot.pause()
                    await pilot.pause()
                    self._check_opening(app, expected_offer)
                    self.check(app)
                    while self.steps_left > 0 and not app._exit:
                        self.steps_left -= 1
                        action = self._next_action(app)
                        self.history.append(repr(action))
                        if isinstance(action, CloseTerminal):
                            break
                        await self._do(pilot, app, action)
                        self.check(app)
            except Divergence:
                raise
            except Exception as error:  # the app died: report it with the walk so far
                self.fail(
                    "the app raised "
                    + "".join(
                        traceback.format_exception(type(error), error, error.__traceback__)[-6:]
                    )
                )
        self.live = None  # the app is gone; its engine lives on only in the log

    def _next_action(self, app: BackroutineApp) -> Action:
        screen = app.screen
        step = f"step {len(self.history)}"
        if isinstance(screen, PlayerScreen):
            return self.choose(PLAYER_ACTIONS, f"{step} on the player")
        if isinstance(screen, ModalScreen):
            return self.choose(DIALOG_ACTIONS, f"{step} on a question")
        if isinstance(screen, SummaryScreen):
            return self.choose(SUMMARY_ACTIONS, f"{step} on the summary")
        if isinstance(screen, CheckInScreen):
            return self.choose(CHECK_IN_ACTIONS, f"{step} on the check-in")
        return self.choose(WAITS, f"{step} on {type(screen).__name__}")

    async def _do(self, pilot, app: BackroutineApp, action: Action) -> None:
        screen = app.screen
        if isinstance(action, Press):
            if isinstance(screen, ModalScreen) and "Resume where you stopped" in _question(screen):
                self._answering_resume(action.keys[0])
            elif isinstance(screen, SummaryScreen):
                self._debriefing(action.keys)
            elif isinstance(screen, CheckInScreen) and action.keys == ("escape",):
                self.expect_exit = True  # backing out of `run ROUTINE` closes the app
            hurt_answered_by_enter = (
                isinstance(screen, ModalScreen)
                and "hurt" in _question(screen)
                and action.keys == ("enter",)
            )
            await pilot.press(*action.keys)
            if hurt_answered_by_enter and self.live is not None:
                self.expect(
                    self.live.engine.status != "running",
                    "Enter after 'this hurts' started the next exercise",
                )
        elif isinstance(action, Wait):
            self.clock.advance(action.seconds)
            # Real time passes too: every player's timer fires, the hidden ones as well.
            for each in app.screen_stack:
                if isinstance(each, PlayerScreen):
                    each.sync()
        elif isinstance(action, Resize):
            self.size = action.size
            await pilot.resize_terminal(*action.size)
        elif isinstance(action, CheckIn):
            if action.pain is not None:
                await pilot.press(action.pain)
            await read_check_in(pilot)  # Start waits until every question was on screen
            await pilot.press("ctrl+s")
            await pilot.pause()
            self.expect(
                isinstance(app.screen, PlayerScreen),
                f"Start on the check-in led to {type(app.screen).__name__}",
            )
        await pilot.pause()  # screens pushed by what the action set off get mounted

    def _answering_resume(self, key: str) -> None:
        offered = self.offered
        assert offered is not None
        if key in {"y", "enter"}:  # Enter: the safe answer, going on
            offered.resumed = True
            self.resuming = offered
        elif key == "n":  # "Close it"; other keys mean nothing to this question
            offered.status = "abandoned"
            self.offered = None
        elif key == "escape":  # not now: the session stays unfinished, offered next time
            self.offered = None

    def _debriefing(self, keys: tuple[str, ...]) -> None:
        session = self.live
        assert session is not None
        if keys[0].isdigit():
            session.typed_pain = int(keys[0])
        elif keys[0] == "tab":
            session.typed_note = "".join(keys[1:-1])
        # What is typed is kept at once, in case the terminal dies before Save.
        session.pain_after, session.note = session.typed_pain, session.typed_note
        if keys[-1] in {"ctrl+s", "enter"}:
            self.expect_exit = True  # `run ROUTINE` closes after the summary is saved

    # -- what should be offered ----------------------------------------------------

    def _resumable(self) -> Session | None:
        """The session a reopened app should offer to resume, if any."""
        for session in reversed(self.sessions):
            if session.status == "in_progress":
                return session
        return None

    def _check_opening(self, app: BackroutineApp, expected: Session | None) -> None:
        screen = app.screen
        offer = isinstance(screen, ModalScreen) and "Resume where you stopped" in _question(screen)
        if expected is not None:
            self.expect(offer, "a session cut short was not offered for resuming")
            self.offered = expected
        else:
            self.expect(not offer, "offered to resume a session that was never stopped")
            self.expect(
                isinstance(screen, (CheckInScreen, PlayerScreen)),
                f"`run ROUTINE` opened on {type(screen).__name__}",
            )

    # -- the invariants --------------------------------------------------------------

    def check(self, app: BackroutineApp) -> None:
        """Everything a patient would notice, after every action."""
        if app._exception is not None:
            error = app._exception
            self.fail(
                "the app raised "
                + "".join(traceback.format_exception(type(error), error, error.__traceback__)[-6:])
            )
        if app._exit:
            self.expect(self.expect_exit, f"the app closed by itself (code {app.return_code})")
            self._check_log()
            return
        screen = app.screen
        if isinstance(screen, PlayerScreen):
            self._follow(screen.engine)
            self._check_player(app, screen)
        live = self.live
        if live is not None and live.engine.status in {"finished", "abandoned"}:
            if live.engine.status == "finished":
                live.status = "completed"
            self.expect(
                isinstance(screen, SummaryScreen),
                f"the session ended ({live.engine.status}) but the screen is "
                f"{type(screen).__name__}",
            )
            self._check_summary(app, screen, live)
        elif isinstance(screen, SummaryScreen):
            self.fail("the summary is showing but the session has not ended")
        self._check_log()

    def _follow(self, engine: SessionEngine) -> None:
        """Start following a player's engine the first time it shows."""
        if self.live is not None and self.live.engine is engine:
            return
        resuming = self.resuming
        if resuming is not None:
            self.resuming = None
            before = resuming.engine
            self.expect(
                engine.index == before.index,
                f"resumed at segment {engine.index}, stopped at {before.index}",
            )
            self.expect(
                _finished(engine) == _finished(before),
                "the resumed session does not hold the segments finished before",
            )
            resuming.engine = engine
            session = resuming
        else:
            rows = self.reader.sessions()
            known = {each.id for each in self.sessions} | self.known_ids
            new = [row.id for row in rows if row.id not in known]
            self.expect(len(new) == 1, f"a new session made {len(new)} new log entries")
            session = Session(new[0], engine)
            self.sessions.append(session)
        self.live = session
        engine.subscribe(session.observe)

    def _check_player(self, app: BackroutineApp, screen: PlayerScreen) -> None:
        engine = screen.engine
        self.expect(
            engine.status in {"running", "paused", "waiting"},
            f"the player shows an engine that is {engine.status}",
        )
        segment = engine.current
        shown = {name: _text(screen, f"#{name}") for name in ("kind", "name", "detail")}
        on_screen = _screen_text(app)
        exercise = screen.exercise_numbers.get(segment.step_index)
        name = segment.name if segment.kind is not SegmentKind.REST or exercise else "Rest"
        self.expect(shown["name"] == name, f"shows {shown['name']!r}, the engine is on {name!r}")
        self.expect(name in on_screen, f"the name {name!r} is not visible")
        lead_in = engine.lead_in_remaining() > 0
        phase = (SegmentKind.PREPARE if lead_in else segment.kind).label.upper()
        if engine.status == "paused":
            self.expect("PAUSED" in shown["kind"], f"paused, but the phase shows {shown['kind']!r}")
        if not (engine.status == "waiting" and segment.kind is SegmentKind.PREPARE):
            self.expect(phase in shown["kind"], f"phase {shown['kind']!r}, engine in {phase}")
        self.expect(_visible(screen, "#kind", on_screen), f"the phase {shown['kind']!r} is hidden")
        expected_detail = []
        if segment.side:
            expected_detail.append(f"{segment.side.capitalize()} side")
        if segment.set_count > 1:
            expected_detail.append(f"Set {segment.set_number} of {segment.set_count}")
        if segment.kind is SegmentKind.REP:
            expected_detail.append(f"Rep {segment.rep_number} of {segment.rep_count}")
        for part in expected_detail:
            self.expect(part in shown["detail"], f"{part!r} missing from {shown['detail']!r}")
        if segment.kind is SegmentKind.REST and exercise:
            later = engine.segments[engine.index + 1 :]
            coming = next((each for each in later if each.kind.is_work), None)
            if coming is not None and coming.step_index == segment.step_index:
                self.expect(
                    name in _text(screen, "#next"),
                    f"resting between sets of {name!r}, but {_text(screen, '#next')!r}",
                )
        remaining = engine.remaining()
        if not lead_in and remaining is not None and engine.status != "waiting":
            countdown = screen.query_one("#countdown", BigText).text
            minutes, _, seconds = countdown.rpartition(":")
            shown_seconds = int(minutes or 0) * 60 + int(seconds)
            self.expect(
                shown_seconds == math.ceil(remaining),
                f"the countdown shows {countdown}, {remaining:.2f} s are left",
            )

    def _check_summary(self, app: BackroutineApp, screen, session: Session) -> None:
        if not isinstance(screen, SummaryScreen):
            return
        heading = _text(screen, "#heading")
        completed = session.engine.status == "finished"
        self.expect(
            ("ended early" in heading) != completed,
            f"the summary says {heading!r} for a session {session.engine.status}",
        )
        shown = _text(screen, "#counts")
        numbers = {word: int(n) for n, word in re.findall(r"(\d+) (done|skipped|hurt)", shown)}
        # Each exercise once; when it was left twice (after b) with two outcomes, either.
        self.expect(
            sum(numbers.values()) == len(session.left),
            f"the summary counts {shown!r} for {len(session.left)} exercises left",
        )
        for word, count in numbers.items():
            sure = sum(outcomes == {word} for outcomes in session.left.values())
            possible = sum(word in outcomes for outcomes in session.left.values())
            self.expect(
                sure <= count <= possible,
                f"the summary counts {shown!r}; {sure} to {possible} were {word}",
            )

    def _check_log(self) -> None:
        rows = {row.id: row for row in self.reader.sessions(with_exercises=True)}
        known = {each.id for each in self.sessions} | self.known_ids
        for row_id, row in rows.items():
            self.expect(
                row_id in known or row.status != "in_progress",
                f"session {row_id} is in the log, in progress, but nobody plays it",
            )
        for session in self.sessions:
            row = rows[session.id]
            engine = session.engine
            self.expect(
                row.status == session.status,
                f"session {session.id} is logged {row.status}, expected {session.status}",
            )
            done = _finished(engine)
            self.expect(
                row.segments_done == len(done),
                f"the log has {row.segments_done} segments done, the engine {len(done)}",
            )
            active = sum(record.active_seconds for record in done)
            self.expect(
                abs(row.active_seconds - active) < 0.01,
                f"the log has {row.active_seconds:.2f} s active, the engine {active:.2f}",
            )
            logged = {each.step_index: each.outcome for each in row.exercises}
            self.expect(
                logged == session.exercise_outcomes,
                f"the log's exercises {logged} differ from the session's "
                f"{session.exercise_outcomes}",
            )
            for exercise in row.exercises:
                counted = _sets_and_reps_done(engine, exercise.step_index)
                self.expect(
                    (exercise.sets_done, exercise.reps_done) == counted,
                    f"the log has {exercise.name!r} at {exercise.sets_done} sets, "
                    f"{exercise.reps_done} reps; the engine at {counted}",
                )
            if session.pain_after is not None:
                self.expect(
                    row.pain_after == session.pain_after,
                    f"pain after {session.pain_after} was logged as {row.pain_after}",
                )
            if session.note:
                self.expect(
                    row.note == session.note,
                    f"the note {session.note!r} was logged as {row.note!r}",
                )

    # -- reporting -------------------------------------------------------------------

    def expect(self, condition: bool, problem: str) -> None:
        """A divergence the patient would notice, unless `condition` holds."""
        if not condition:
            self.fail(problem)

    def fail(self, problem: str) -> None:
        walk = "\n".join(f"  {n}. {line}" for n, line in enumerate(self.history, 1))
        raise Divergence(f"{problem}\nafter:\n{walk}")


def _finished(engine: SessionEngine) -> list:
    return [record for record in engine.records if record.outcome != "abandoned"]


def _sets_and_reps_done(engine: SessionEngine, step_index: int) -> tuple[int, int | None]:
    """Sets whose every work segment was completed, and the reps in them, by the engine's
    records (the last pass counts where `back()` repeated a segment)."""
    last = {record.index: record.outcome for record in engine.records}
    work = [
        (index, each)
        for index, each in enumerate(engine.segments)
        if each.step_index == step_index and each.kind.is_work
    ]
    completed = {index for index, _ in work if last.get(index) == "completed"}
    sets = {each.set_number for _, each in work}
    sets_done = sum(
        all(index in completed for index, each in work if each.set_number == number)
        for number in sets
    )
    if work[0][1].rep_count is None:
        return sets_done, None
    reps = sum(
        1 if each.kind is SegmentKind.REP else each.rep_count
        for index, each in work
        if index in completed
    )
    return sets_done, reps


def _question(screen: ModalScreen) -> str:
    return str(screen.query_one("#question").render())


def _text(screen, selector: str) -> str:
    widget = screen.query_one(selector)
    return widget.text if isinstance(widget, BigText) else str(widget.render())


def _visible(screen, selector: str, on_screen: str) -> bool:
    """True if the big text's drawing (or its line of text, when too small) is on the screen."""
    widget = screen.query_one(selector, BigText)
    drawing = widget.drawing
    if drawing is None:
        return widget.text.strip() in on_screen
    return all(line.strip() in on_screen for line in drawing.lines)


def _screen_text(app: BackroutineApp) -> str:
    """What the terminal shows right now, as text."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def run_walk(routine_yaml: str, setup: Setup, choose: Chooser, steps: int) -> None:
    """Run one walk in a fresh folder; raises `Divergence` at the first problem."""
    with tempfile.TemporaryDirectory() as temp:
        walk = Walk(Path(temp), routine_yaml, setup, choose, steps)
        asyncio.run(walk.run())
