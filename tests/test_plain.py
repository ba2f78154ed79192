"""Plain mode: one line per event, for screen readers and unattended runs."""

from __future__ import annotations

import io

import pytest
from plain_runs import scripted_keys

from backroutine.audio.backends import BellBackend, choose_backend
from backroutine.audio.cue_player import CuePlayer
from backroutine.base.paths import bundled_routines_dir
from backroutine.base.text import printable
from backroutine.log.history import NOT_THE_ROUTINE
from backroutine.plain.session import PlainSession, check_in
from backroutine.routine.loader import load_routine, parse_routine
from backroutine.routine.model import ExerciseStep, Routine
from backroutine.routine.safety import QUESTIONS, Tier, questions, tier_advice
from backroutine.routine.words import NOTHING_TO_MUTE, tips_for
from backroutine.session.checkin import CheckInContext
from backroutine.session.engine import FakeClock, SessionEngine
from backroutine.session.workflow import EngineOptions

ROUTINE = parse_routine(b"""
title: Plain
safety: [Stop on sharp pain.]
steps:
  - {name: Knee to chest, hold: 4s, per_side: true, prepare: 3s, switch: 2s}
  - rest: 2s
  - {name: Bridge, reps: 2, hold: 2s, relax: 1s, prepare: 2s}
  - {name: Sit to stand, reps: 3, prepare: 1s}
""")


def run(keys_script: dict[float, str] | None = None) -> tuple[str, str]:
    clock = FakeClock()
    out = io.StringIO()
    engine = SessionEngine(ROUTINE.segments(), clock)
    keys = None if keys_script is None else scripted_keys(clock, keys_script)

    status = PlainSession(engine, out=out, keys=keys, clock=clock, sleep=clock.advance).run()
    return status, out.getvalue()


def test_unattended_session_prints_every_step_and_finishes():
    status, text = run()
    assert status == "finished"
    assert text.splitlines() == [
        "Get ready: Knee to chest, left side, 3 s",
        "Hold 4 s, left side",
        "Switch sides: right side next, 2 s",
        "Hold 4 s, right side",
        "Done: Knee to chest",
        "Rest 2 s",
        "Next: Bridge",
        "Get ready: Bridge, 2 s",
        "Hold 2 s, rep 1 of 2",
        "Relax 1 s",
        "Hold 2 s, rep 2 of 2",
        "Done: Bridge",
        "Get ready: Sit to stand, 1 s",
        "Do 3 reps at your own pace, then press Enter",
        "Done: Sit to stand",
        "Routine complete in 32 s. Well done.",
    ]  # no second of these short segments is counted


def test_keys_pause_skip_and_quit():
    status, text = run({1.0: " ", 30.0: " ", 40.0: "n", 41.0: "q"})
    assert status == "abandoned"
    lines = text.splitlines()
    assert lines[0].startswith("Keys: space pause/resume")
    assert "Paused: press space to go on" in lines
    assert "Carrying on" in lines
    assert lines[-1].startswith("Session ended after ")


@pytest.mark.parametrize(
    "last_key, said",
    [
        ("N", "Nothing done this time: every step was skipped ("),
        ("\n", "Routine partly done: 1 of 3 steps done ("),
    ],
)
def test_the_last_line_says_honestly_when_exercises_were_skipped(last_key, said):
    # N skips knee to chest, then bridge; sit to stand's set is skipped or done.
    status, text = run({0.5: "N", 3.0: "N", 6.0: last_key})
    assert status == "finished"
    last = text.splitlines()[-1]
    assert last.startswith(said) and last.endswith(" active).")
    assert "Well done" not in text


CARD_FIRST = b"""
backroutine: 2
title: Card first
steps:
  - card: {title: About your back, text: "Backs are strong."}
  - {name: Bridge, hold: 5s, prepare: 2s}
"""


def test_a_session_where_only_the_card_was_read_says_it_does_not_count():
    routine = parse_routine(CARD_FIRST)
    clock = FakeClock()
    out = io.StringIO()
    engine = SessionEngine(routine.segments(), clock)
    keys = scripted_keys(clock, {1.0: "\n", 2.0: "N"})  # the card read, the bridge skipped
    PlainSession(engine, out=out, keys=keys, clock=clock, sleep=clock.advance).run()
    lines = out.getvalue().splitlines()
    assert lines[-2].startswith("Routine partly done: 1 of 2 steps done (")
    assert lines[-1] == NOT_THE_ROUTINE


def test_this_hurts_on_the_last_exercise_ends_without_offering_to_go_on():
    # N skips the first two exercises and the rest between; h during the last one.
    status, text = run({0.5: "N", 1.0: "N", 1.5: "N", 3.0: "h"})
    assert status == "finished"
    lines = text.splitlines()
    assert "Stopped (it hurt): Sit to stand" in lines
    hurt_at = lines.index("Stopped (it hurt): Sit to stand")
    after = "\n".join(lines[hurt_at:])
    assert "press space to go on" not in after.lower()
    assert "contact your clinician" in lines[hurt_at + 1]


def test_this_hurts_says_to_stop_and_contact_before_the_next_exercise_comes_up():
    _, text = run({5.0: "h", 6.0: "q"})  # during the knee to chest's hold
    lines = text.splitlines()
    hurt_at = lines.index("Stopped (it hurt): Knee to chest")
    # Was after the rest's or the next exercise's lines, and their tips.
    assert lines[hurt_at + 1].startswith("Noted: that exercise hurt and was stopped. Stop on")
    assert lines[hurt_at + 2 :] == [
        "Rest 2 s",
        "Next: Bridge",
        "Paused: press space to go on",
        "Or press q to end the session.",  # was "Press space to go on" a second time
        "Session ended after 5 s",
    ]


CONTEXT = CheckInContext(emergency_number="999")


def scripted(*answers: str):
    """`ask` answering from a script, and the prompts it was asked."""
    pending = iter(answers)
    prompts: list[str] = []

    def ask(prompt: str) -> str:
        prompts.append(prompt)
        return next(pending)

    return ask, prompts


def no_to(tier: Tier) -> list[str]:
    return ["n"] * len(questions(tier))


@pytest.mark.parametrize("question", QUESTIONS, ids=[q.key for q in QUESTIONS])
def test_each_question_is_asked_on_its_own_line_and_leads_to_its_advice(question):
    answers = []
    for tier in Tier:
        for asked in questions(tier):
            answers.append("y" if asked is question else "n")
            if asked is question and tier is Tier.EMERGENCY:
                break  # the emergency advice does not wait for more questions
        if tier is question.tier and tier is not Tier.THERAPIST:
            break
    ask, prompts = scripted("4", *answers)
    out = io.StringIO()
    result = check_in(ROUTINE, CONTEXT, ask=ask, out=out)
    assert result.answered_yes == (question.key,) and result.pain_now == 4
    assert result.go_ahead is (question.tier is Tier.THERAPIST)
    text = out.getvalue()
    assert f"! {tier_advice(question.tier, '999')}" in text
    assert f"  {question.text}? [y/N] " in prompts
    assert ("The session was not started." in text) is (question.tier is not Tier.THERAPIST)
    assert "! Stop on sharp pain." in text


def test_an_emergency_answer_names_the_number_and_asks_nothing_more():
    ask, prompts = scripted("", "n", "yes")
    out = io.StringIO()
    result = check_in(ROUTINE, CheckInContext(emergency_number="112"), ask=ask, out=out)
    assert result.answered_yes == ("bladder_bowel",)
    assert "! Go to the emergency department or call 112 now." in out.getvalue()
    assert len(prompts) == 3


def test_check_in_asks_again_for_answers_it_cannot_read():
    answers = [
        "eleven",
        "11",
        "2",
        "maybe",
        *no_to(Tier.EMERGENCY),
        *no_to(Tier.SAME_DAY),
        *no_to(Tier.THERAPIST),
    ]
    ask, _ = scripted(*answers)
    out = io.StringIO()
    result = check_in(ROUTINE, CONTEXT, ask=ask, out=out)
    assert (result.go_ahead, result.pain_now, result.answered_yes) == (True, 2, ())
    assert "Please type y for yes or n for no." in out.getvalue()


def test_the_next_morning_and_the_leg_are_asked_when_they_apply():
    context = CheckInContext("999", asks_leg_pain=True, settled_session_id=7, previous_reach="foot")
    answers = [
        "3",
        "6",
        "9",
        "2",
        "n",
        *no_to(Tier.EMERGENCY),
        *no_to(Tier.SAME_DAY),
        *no_to(Tier.THERAPIST),
    ]
    ask, prompts = scripted(*answers)
    out = io.StringIO()
    result = check_in(ROUTINE, context, ask=ask, out=out)
    assert (result.leg_pain, result.leg_reach, result.settled) == (6, "thigh", False)
    assert any("morning after your last session" in prompt for prompt in prompts)
    text = out.getvalue()
    assert "Please type a number from 1 to 4" in text
    assert "moved up towards your back" in text
    assert "had not settled by the morning after your last session" in text


def test_a_resumed_session_keeps_the_pain_and_note_given_when_it_was_stopped(tmp_path):
    from backroutine.log.store import CompletionLog
    from backroutine.plain.session import check_out, offer_resume
    from backroutine.routine.loader import load_routine
    from backroutine.session.recorder import SessionRecorder

    path = tmp_path / "plain.yaml"
    path.write_text(
        "title: Plain\nsteps:\n  - {name: Plank, hold: 4s, prepare: 1s}\n"
        "  - {name: Bridge, hold: 4s, prepare: 1s}\n"
    )
    loaded = load_routine(path)
    clock = FakeClock()
    with CompletionLog.open(tmp_path / "log.sqlite3") as log:
        engine = SessionEngine(loaded.routine.segments(), clock)
        recorder = SessionRecorder.start(log, loaded, engine, pain_before=3)
        PlainSession(
            engine, out=io.StringIO(), keys=lambda wait: clock.advance(6) or "q", clock=clock
        ).run()
        answers = iter(["4", "left hip tight"])
        check_out(recorder, ask=lambda question: next(answers), out=io.StringIO())

        out = io.StringIO()
        offer = offer_resume(
            log, loaded, clock=clock, options=EngineOptions(), ask=lambda q: "y", out=out
        )
        assert offer is not None
        resumed = offer.recorder
        PlainSession(resumed.engine, out=out, clock=clock, sleep=clock.advance).run()
        asked = []
        check_out(resumed, ask=lambda question: asked.append(question) or "", out=out)
        (session,) = log.sessions()
    assert (session.status, session.pain_before, session.pain_after, session.note) == (
        "completed",
        3,
        4,
        "left hip tight",
    )
    assert "Enter to keep 4" in asked[0]
    assert "Enter to keep" in asked[1]


def test_t_prints_the_tips_and_space_finishes_a_set_at_your_own_pace():
    routine = parse_routine(b"""
title: Plain tips
steps:
  - {name: Bridge, reps: 3, prepare: 2s, tips: [Squeeze your glutes], caution: Stop if it hurts.}
""")
    clock, out = FakeClock(), io.StringIO()
    engine = SessionEngine(routine.segments(), clock)
    pending = [(1.0, "t"), (10.0, " ")]

    def keys(timeout: float) -> str | None:
        if pending and clock() + timeout >= pending[0][0]:
            at, key = pending.pop(0)
            clock.advance(max(0.0, at - clock()))
            return key
        clock.advance(timeout)
        return None

    session = PlainSession(engine, out=out, keys=keys, clock=clock, routine=routine)
    assert session.run() == "finished"
    lines = out.getvalue().splitlines()
    assert any("Squeeze your glutes" in line for line in lines)
    assert "Done: Bridge" in lines and "Paused: press space to go on" not in lines


def _played(routine: Routine, keys_script: dict[float, str] | None = None) -> list[str]:
    """The lines plain mode prints for `routine`, unattended or with keys pressed at times."""
    clock = FakeClock()
    out = io.StringIO()
    keys = None if keys_script is None else scripted_keys(clock, keys_script)

    engine = SessionEngine(routine.segments(), clock)
    session = PlainSession(
        engine, out=out, keys=keys, clock=clock, sleep=clock.advance, routine=routine
    )
    session.run()
    return out.getvalue().splitlines()


def test_a_six_minute_routine_is_said_in_lines_that_each_mean_something():
    routine = load_routine(bundled_routines_dir() / "core-stability.yaml").routine
    assert 6 * 60 <= sum(segment.seconds or 0 for segment in routine.segments()) <= 8 * 60
    lines = _played(routine)
    bare_numbers = [line for line in lines if line.strip().isdigit()]
    assert len(bare_numbers) < len(lines) / 4
    text = "\n".join(lines)
    for step in routine.steps:
        if isinstance(step, ExerciseStep):
            for tip in step.tips:
                assert printable(tip) in text
            assert step.caution and f"Caution for {step.name}: {step.caution}" in lines
            assert any(line.startswith(f"Get ready: {step.name}") for line in lines)
    assert "Exercise 1 of 5, about 7 min left" in lines
    assert "Next: Plank, set 2 of 2" in lines  # the rest between sets says what comes next
    # A long segment counts its last three seconds, in words; a 5-second rep is not counted.
    plank = lines.index("Hold 15 s, set 1 of 2")
    assert lines[plank + 1 : plank + 4] == ["3 seconds left", "2 seconds left", "1 second left"]
    rep = lines.index("Hold 5 s, rep 1 of 5")
    assert lines[rep + 1] == "Relax 3 s"


TIPPED = parse_routine(b"""
title: Tipped
steps:
  - name: Bird-dog
    hold: 20s
    per_side: true
    prepare: 3s
    tips: [Keep your back flat, Breathe out as you lift.]
    caution: Stop if your back hurts.
  - rest: 15s
""")


def test_r_repeats_what_to_do_now_and_t_reads_the_tips():
    lines = _played(TIPPED, {10.5: "r", 12.0: "t", 30.0: "r"})
    hold = lines.index("Hold 20 s, left side")
    assert lines[hold + 1] == "Hold 20 s, left side: 13 seconds left"
    tips = "Tips for Bird-dog: Keep your back flat. Breathe out as you lift."
    assert lines[hold + 2 : hold + 4] == [tips, "Caution for Bird-dog: Stop if your back hurts."]
    assert lines.count(tips) == 2  # once as the exercise came up, once asked for
    assert "Hold 20 s, right side: 18 seconds left" in lines


def test_plain_mode_resumed_ends_counting_the_steps_skipped_before_it_stopped(tmp_path):
    """The real `run --plain` resuming a session whose first step was skipped before it
    stopped: its last line counts the whole session, not only the step played after."""
    import subprocess

    from plain_runs import plain_command

    from backroutine.log.store import CompletionLog
    from backroutine.session.recorder import SessionRecorder

    path = tmp_path / "two.yaml"
    path.write_text(
        "title: Two\nsteps:\n  - {name: Plank, hold: 1s, prepare: 1s}\n"
        "  - {name: Bridge, hold: 1s, prepare: 1s}\n"
    )
    data = tmp_path / "data"
    data.mkdir()
    loaded = load_routine(path)
    clock = FakeClock()
    with CompletionLog.open(data / "log.sqlite3") as log:
        engine = SessionEngine(loaded.routine.segments(), clock)
        SessionRecorder.start(log, loaded, engine, pain_before=2)
        engine.start()
        engine.skip_exercise()  # the plank
        engine.quit()  # stopped at the bridge's get-ready

    resumed = subprocess.run(
        plain_command(path, data, check_in=True),
        input="y\n",  # resume; then no answers after the session
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "Resume where you stopped?" in resumed.stdout
    lines = resumed.stdout.splitlines()
    carrying_on = next(n for n, line in enumerate(lines) if line.endswith("Carrying on"))
    # What to do now, after "Carrying on": the bridge was never named again.
    assert lines[carrying_on + 1].startswith("Exercise 2 of 2, ")
    assert lines[carrying_on + 2] == "Get ready: Bridge, 1 s: 1 second left"
    assert "Done: Bridge" in resumed.stdout
    assert "Routine partly done: 1 of 2 steps done" in resumed.stdout
    assert "Routine complete" not in resumed.stdout


def test_enter_on_a_paused_card_goes_on_as_in_the_player():
    routine = parse_routine(CARD_FIRST)
    clock = FakeClock()
    out = io.StringIO()
    engine = SessionEngine(routine.segments(), clock)
    keys = scripted_keys(clock, {1.0: " ", 2.0: "\n"}, give_up_at=60)  # paused, then Enter
    PlainSession(engine, out=out, keys=keys, clock=clock, sleep=clock.advance).run()
    lines = out.getvalue().splitlines()
    assert any(line.startswith("Get ready: Bridge") for line in lines)
    assert lines[-1].startswith("Routine complete")


@pytest.mark.parametrize(
    ("backend", "said"),
    [
        (choose_backend(sound=False), NOTHING_TO_MUTE),  # --no-audio: was "Sound off"
        (BellBackend("no sound device found: using the terminal bell", lambda: None), "Sound off"),
    ],
)
def test_m_mutes_only_a_sound_there_is_and_the_keys_offer_it_only_then(backend, said):
    clock = FakeClock()
    out = io.StringIO()
    engine = SessionEngine(ROUTINE.segments(), clock)
    cues = CuePlayer(backend, ROUTINE)
    cues.follow(engine)
    keys = scripted_keys(clock, {1.0: "m", 2.0: "q"})
    PlainSession(engine, out=out, keys=keys, clock=clock, sleep=clock.advance, audio=cues).run()
    lines = out.getvalue().splitlines()
    assert ("m mute" in lines[0]) == (said == "Sound off")  # the keys said at the start
    assert said in lines


def test_t_during_a_rest_step_reads_the_next_exercises_tips_as_the_player_does():
    routine = parse_routine(
        b"title: T\nsteps:\n  - {name: Plank, hold: 2s, prepare: 1s}\n  - rest: 20s\n"
        b"  - name: Bridge\n    hold: 2s\n    tips: [Squeeze your buttocks]\n"
        b"    caution: Stop if your back aches.\n"
    )
    clock = FakeClock()
    out = io.StringIO()
    engine = SessionEngine(routine.segments(), clock)
    keys = scripted_keys(clock, {10.0: "t", 11.0: "q"})  # during the rest
    session = PlainSession(
        engine, out=out, keys=keys, clock=clock, sleep=clock.advance, routine=routine
    )
    session.run()
    lines = out.getvalue().splitlines()
    after_rest = lines[lines.index("Next: Bridge") + 1 :]
    # Was "No tips for this part of the routine.", where the player shows the bridge's.
    assert after_rest[:2] == [
        "Tips for Bridge: Squeeze your buttocks.",
        "Caution for Bridge: Stop if your back aches.",
    ]
    assert tips_for(routine, engine.segments[engine.index]) == (
        "Next, Bridge. Squeeze your buttocks. Caution. Stop if your back aches."
    )


def test_a_resumed_session_says_which_exercise_and_its_tips_before_going_on(tmp_path):
    from backroutine.log.store import CompletionLog
    from backroutine.plain.session import offer_resume
    from backroutine.routine.loader import load_routine
    from backroutine.session.recorder import SessionRecorder

    path = tmp_path / "plain.yaml"
    path.write_text(
        "title: Plain\nsteps:\n  - {name: Plank, hold: 4s, prepare: 1s}\n"
        "  - name: Bridge\n    hold: 4s\n    prepare: 1s\n"
        "    tips: [Squeeze your buttocks]\n    caution: Stop if your back aches.\n"
    )
    loaded = load_routine(path)
    clock = FakeClock()
    with CompletionLog.open(tmp_path / "log.sqlite3") as log:
        engine = SessionEngine(loaded.routine.segments(), clock)
        SessionRecorder.start(log, loaded, engine, pain_before=3)
        keys = scripted_keys(clock, {6.5: "q"})  # quit in the Bridge's hold
        PlainSession(engine, out=io.StringIO(), keys=keys, clock=clock, sleep=clock.advance).run()

        out = io.StringIO()
        offer = offer_resume(
            log, loaded, clock=clock, options=EngineOptions(), ask=lambda q: "y", out=out
        )
        assert offer is not None
        PlainSession(
            offer.recorder.engine,
            out=out,
            clock=clock,
            sleep=clock.advance,
            routine=loaded.routine,
        ).run()
    lines = out.getvalue().splitlines()
    carrying_on = lines.index("Carrying on")
    # It said "Carrying on" and the hold alone: which exercise, and how, was said days ago.
    assert lines[carrying_on + 1].startswith("Exercise 2 of 2, ")
    assert lines[carrying_on + 2].startswith("Hold 4 s")
    assert lines[carrying_on + 3 : carrying_on + 5] == [
        "Tips for Bridge: Squeeze your buttocks.",
        "Caution for Bridge: Stop if your back aches.",
    ]
