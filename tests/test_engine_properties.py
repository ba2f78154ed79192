"""Random routines under random button presses and clock jumps: the engine never loses or
invents a second, tells a coherent story in its events, and always reaches the end."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backroutine.routine.model import ExerciseStep, RestStep, SegmentKind
from backroutine.routine.schema import Routine
from backroutine.session.engine import (
    CountdownTick,
    FakeClock,
    Paused,
    Resumed,
    SegmentEnded,
    SegmentStarted,
    SessionEngine,
    SessionFinished,
    SessionStarted,
    TimeAdded,
    Waiting,
)

seconds = st.integers(1, 12)


TIMINGS = ["hold", "duration", "paced reps", "self-paced reps"]
FORMAT_2_TIMINGS = ["pyramid", "breaths", "tempo", "reps range", "hold range"]


@st.composite
def exercises(draw) -> dict:
    step: dict = {"name": draw(st.sampled_from(["Plank", "Bird-dog", "Walk", "Bridge"]))}
    timing = draw(st.sampled_from(TIMINGS + FORMAT_2_TIMINGS))
    if timing == "hold":
        step["hold"] = draw(st.integers(1, 40))
    elif timing == "duration":
        step["duration"] = draw(st.integers(1, 40))
    elif timing == "breaths":
        step["hold"] = f"{draw(st.integers(1, 4))} breaths"
    elif timing == "hold range":
        low = draw(seconds)
        step["hold"] = f"{low}-{low + draw(seconds)}s"
    elif timing == "pyramid":
        step["reps"] = draw(st.lists(st.integers(1, 3), min_size=1, max_size=3))
        step["hold"] = draw(seconds)
    else:
        step["reps"] = draw(st.integers(1, 3))
        if timing == "reps range":
            step["reps"] = f"{step['reps']}-{step['reps'] + draw(st.integers(1, 3))}"
            if draw(st.booleans()):
                step["hold"] = draw(seconds)
        if timing == "tempo":
            step["tempo"] = "-".join(str(draw(st.integers(low, 3))) for low in (1, 0, 1))
        if timing == "paced reps":
            step["hold"] = draw(seconds)
        if ("hold" in step or "tempo" in step) and draw(st.booleans()):
            step["relax"] = draw(seconds)
    for key in ("sets", "rest", "prepare", "switch"):
        if draw(st.booleans()) and not (key == "sets" and timing == "pyramid"):
            step[key] = draw(st.integers(1, 3) if key == "sets" else seconds)
    sides = ["per_side", "one side", None] + (["alternate"] if "reps" in step else [])
    match draw(st.sampled_from(sides)):
        case "per_side":
            step["per_side"] = True
        case "alternate":
            step["sides"] = "alternate"
        case "one side":
            step["side"] = draw(st.sampled_from(["left", "right", "affected"]))
    return step


rests = st.builds(lambda s: {"rest": s}, seconds)
blocks = st.builds(
    lambda steps, rounds, rest: {
        "block": {"name": "Circuit", "rounds": rounds, "steps": steps}
        | ({"rest_between_rounds": rest} if rest else {})
    },
    st.lists(st.one_of(exercises(), rests), min_size=1, max_size=3),
    st.integers(1, 3),
    st.one_of(st.none(), seconds),
)
# Format 2's steps that are not exercises: a card and a step walk wait for done(), a
# pack's get-ready for ready(), breathing is many short segments, a timed walk ends on a
# question. Minutes in quarters, so that their seconds stay small.
quarter_minutes = st.sampled_from([0.25, 0.5])
activities = st.one_of(
    st.just({"card": {"title": "Why", "text": "Moving helps."}}),
    st.builds(lambda s: {"heat": s}, seconds),
    st.builds(lambda s: {"cold": s}, seconds),
    st.builds(lambda m: {"breathing": {"minutes": m, "in": 2, "out": 3}}, quarter_minutes),
    st.builds(lambda m: {"walk": {"minutes": m}}, quarter_minutes),
    st.builds(
        lambda n, t: {"walk": {"steps": n, "times": t}}, st.integers(1, 5), st.integers(1, 3)
    ),
    st.builds(lambda n: {"walk": {"target_steps": n}}, st.integers(1, 3000)),
)
routines = st.lists(st.one_of(exercises(), rests, blocks, activities), min_size=1, max_size=4).map(
    lambda steps: Routine.model_validate({"title": "Random", "steps": steps}).to_model()
)

# Clock moves in quarter seconds so that sums of times are exact in binary floating point.
advances = st.integers(-8, 60).map(lambda quarters: ("advance", quarters / 4))
presses = st.sampled_from(
    [
        "pause",
        "resume",
        "skip_segment",
        "skip_exercise",
        "back",
        "add_time",
        "hurt",
        "done",
        "ready",
        "update",
    ]
).map(lambda name: (name, None))
actions = st.lists(st.one_of(advances, advances, presses), max_size=40)
options = st.fixed_dictionaries(
    {
        "wait_before_exercise": st.booleans(),
        "resume_lead_in": st.sampled_from([0.0, 3.0]),
        "halfway_min_seconds": st.sampled_from([5, 20]),
    }
)


class Timeline:
    """Drives the engine and keeps its own account of when the segment clock ran."""

    def __init__(self, engine: SessionEngine, clock: FakeClock) -> None:
        self.engine, self.clock = engine, clock
        self.events: list = []
        self.latest = clock()
        self.expected_active = 0.0

    def press(self, name: str) -> None:
        self.events += getattr(self.engine, name)()

    def advance(self, seconds: float) -> None:
        engine, before = self.engine, self.latest
        runs_from = None
        if engine.status == "running":
            runs_from = before + engine.lead_in_remaining()
        elif engine.waiting_for == "done":  # a self-paced set's clock runs, a card's too
            runs_from = before
        self.clock.advance(seconds)
        self.latest = max(self.latest, self.clock())
        events = engine.update()
        stops = [
            e.at
            for e in events
            if isinstance(e, SessionFinished)
            or (isinstance(e, Waiting) and e.waiting_for == "ready")
        ]
        if runs_from is not None:
            self.expected_active += max(0.0, min([self.latest, *stops]) - runs_from)
        self.events += events

    def finish(self) -> None:
        """Let the session play out, answering every wait, as a patient would."""
        for _ in range(10_000):
            status = self.engine.status
            if status in ("finished", "abandoned"):
                return
            if status == "paused":
                self.press("resume")
            elif status == "waiting":
                self.press(self.engine.waiting_for or "ready")
            else:
                self.advance(7.5)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(routine=routines, actions=actions, options=options, quit_at_end=st.booleans())
def test_random_sessions_keep_time_and_tell_a_coherent_story(
    routine, actions, options, quit_at_end
):
    clock = FakeClock(100.0)
    engine = SessionEngine(routine.segments(), clock, **options)
    timeline = Timeline(engine, clock)
    timeline.press("start")
    for name, value in actions:
        if name == "advance":
            timeline.advance(value)
        else:
            timeline.press(name)
    if quit_at_end:
        timeline.press("quit")
    timeline.finish()

    events = timeline.events
    assert engine.status in ("finished", "abandoned")

    # SessionStarted first, SessionFinished last, each once; time never runs backwards.
    assert isinstance(events[0], SessionStarted) and isinstance(events[-1], SessionFinished)
    assert sum(isinstance(e, (SessionStarted, SessionFinished)) for e in events) == 2
    times = [e.at for e in events]
    assert times == sorted(times) and times[0] >= 100.0 and times[-1] <= timeline.latest

    # Every SegmentStarted is closed by its SegmentEnded before the next one starts, and
    # segment-scoped events belong to the open segment; pauses and resumes alternate.
    open_index, paused = None, False
    for event in events[1:-1]:
        if isinstance(event, SegmentStarted):
            assert open_index is None
            open_index = event.index
        elif isinstance(event, SegmentEnded):
            assert event.index == open_index
            open_index = None
        elif isinstance(event, (Paused, Resumed)):
            assert isinstance(event, Paused) != paused
            paused = not paused
        if hasattr(event, "index") and not isinstance(event, SegmentStarted):
            assert event.index == open_index or isinstance(event, SegmentEnded)
    assert open_index is None

    # Total active time is exactly the time the segment clock ran, by our own account.
    total = events[-1].active_seconds
    assert abs(total - timeline.expected_active) < 1e-6
    assert abs(total - sum(r.active_seconds for r in engine.records)) < 1e-6

    # A completed timed segment lasted its planned length plus the time added; one cut
    # short (skipped, hurt, abandoned) lasted less, by the remainder that was skipped.
    ended = [e for e in events if isinstance(e, SegmentEnded)]
    assert [(e.index, e.outcome, e.active_seconds, e.added_seconds) for e in ended] == [
        (r.index, r.outcome, r.active_seconds, r.added_seconds) for r in engine.records
    ]
    for event in ended:
        if event.segment.seconds is None:
            assert event.active_seconds >= 0
            continue
        planned = event.segment.seconds + event.added_seconds
        if event.outcome == "completed":
            assert abs(event.active_seconds - planned) < 1e-9
        else:
            assert 0 <= event.active_seconds <= planned

    # Countdown ticks say how many seconds are truly left at the moment they are due.
    for tick in (e for e in events if isinstance(e, CountdownTick) and not e.lead_in):
        end = next(e for e in ended if e.at >= tick.at and e.index == tick.index)
        changed = (Paused, Resumed, TimeAdded)
        if end.outcome == "completed" and not any(
            isinstance(e, changed) and tick.at <= e.at <= end.at for e in events
        ):
            assert abs(end.at - tick.at - tick.seconds_left) < 1e-9


@settings(max_examples=300, deadline=None)
@given(routine=routines)
def test_segments_play_each_step_as_written(routine):
    """Blocks, pyramids, tempo, breaths and alternating sides expand as prescribed."""
    segments = routine.segments()
    for index, step in enumerate(routine.steps):
        own = [s for s in segments if s.step_index == index]
        block = routine.block_of(index)
        rounds = block.rounds if block else 1
        # The rest between rounds belongs to the block's last step.
        closes_rounds = block and index == block.step_indexes[-1] and block.rest_between_rounds
        between = rounds - 1 if closes_rounds else 0
        if isinstance(step, RestStep):
            assert [s.kind for s in own] == [SegmentKind.REST] * (rounds + between)
            continue
        if not isinstance(step, ExerciseStep):
            continue  # a card, pack, breathing or walk: tests/test_activities.py
        # One get-ready a round: the step is played once in each round of its block.
        prepares = [s for s in own if s.kind is SegmentKind.PREPARE]
        assert [s.round_number for s in prepares] == list(range(1, rounds + 1))
        sets = routine.timing(step).sets
        sides = 2 if step.per_side else 1
        reps = [s for s in own if s.kind is SegmentKind.REP and s.ends_rep]
        if step.kind == "reps":
            per_set = [step.reps_in_set(n) or 0 for n in range(1, sets + 1)]
            movements = 2 if step.alternate else sides
            assert len(reps) == rounds * movements * sum(per_set)
            assert {(s.set_number, s.rep_count) for s in reps} == set(enumerate(per_set, 1))
        if step.tempo is not None:
            phases = [s.seconds for s in own if s.kind is SegmentKind.REP][: len(step.tempo.phases)]
            assert phases == [seconds for _, seconds in step.tempo.phases]
        if step.alternate:
            assert [s.side for s in reps[:4]] == ["left", "right", "left", "right"][: len(reps)]
        if step.breaths is not None:
            held = [s for s in own if s.kind in (SegmentKind.HOLD, SegmentKind.REP)]
            assert {(s.seconds, s.breaths) for s in held} == {(step.breaths * 5, step.breaths)}
        if step.reps_range is not None:
            assert step.reps == step.reps_range[0]  # no target: the lower end
        if step.side is not None:
            assert {s.side for s in own if s.kind.is_work} == {step.side}
        if between:
            rests = [s for s in own if s.kind is SegmentKind.REST and s.name == "Rest"]
            assert len(rests) >= between
