"""The check-in before a session: three tiers of questions, their advice, and the log."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from textual.widgets import Button

import backroutine
from backroutine.base.clock import local_now
from backroutine.log.store import CompletionLog
from backroutine.routine.safety import QUESTIONS, Tier, tier_advice
from backroutine.tui.screens.checkin import SETTLE_SECONDS, CheckInScreen
from backroutine.tui.screens.dialogs import Question
from backroutine.tui.screens.picker import RoutinePickerScreen
from backroutine.tui.screens.player import PlayerScreen

from .conftest import advance, check_in_and_start, opened, read_check_in, shown, until


@pytest.fixture
def log(tmp_path: Path):
    with CompletionLog.open(tmp_path / "log.sqlite3") as log:
        yield log


async def open_check_in(pilot) -> None:
    await pilot.press("slash", *"short", "enter")
    await until(pilot, lambda: isinstance(pilot.app.screen, CheckInScreen), "opened the check-in")


async def answer_yes(pilot, key: str) -> None:
    """Tick one question the way a patient does: go to it, press space."""
    box = pilot.app.screen.query_one(f"#q-{key}")
    box.focus()
    await pilot.pause()
    await pilot.press("space")
    await pilot.pause()


def start_disabled(app) -> bool:
    return app.screen.query_one("#start", Button).disabled


@pytest.mark.parametrize("question", QUESTIONS, ids=[q.key for q in QUESTIONS])
async def test_each_question_leads_to_its_tiers_advice(make_app, question):
    app = make_app(emergency_number="999")
    async with opened(app, size=(80, 24)) as pilot:
        await open_check_in(pilot)
        await read_check_in(pilot)
        await answer_yes(pilot, question.key)
        advice = shown(app, "#advice")
        assert tier_advice(question.tier, "999") in advice
        assert question.text.lower() in advice
        await pilot.press("ctrl+s")
        await pilot.pause()
        if question.tier is Tier.THERAPIST:
            assert isinstance(app.screen, PlayerScreen)
        else:
            assert start_disabled(app)
            assert isinstance(app.screen, CheckInScreen)


async def test_an_emergency_answer_names_the_configured_number_and_is_logged(make_app, log):
    app = make_app(emergency_number="112", log=log)
    async with opened(app, size=(80, 24)) as pilot:
        await open_check_in(pilot)
        await pilot.press("7")
        await answer_yes(pilot, "bladder_bowel")
        advice = shown(app, "#advice")
        assert advice.startswith("Go to the emergency department or call 112 now.")
        assert "Do not wait for an appointment." in advice
        assert app.screen.query_one("#advice").has_class("-emergency")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, CheckInScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, RoutinePickerScreen)
    assert log.sessions() == []
    (check_in,) = log.check_ins()
    assert (check_in.asked, check_in.went_ahead, check_in.tier) == (True, False, "emergency")
    assert (check_in.pain_now, check_in.answered_yes) == (7, ("bladder_bowel",))
    assert "call 112 now" in check_in.advice[0]


async def test_without_a_setting_the_emergency_number_comes_from_the_locale(
    make_app, monkeypatch, tmp_path
):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_TELEPHONE", raising=False)
    monkeypatch.setenv("LANG", "en_AU.UTF-8")
    app = make_app(emergency_number=None)
    async with opened(app, size=(80, 24)) as pilot:
        await open_check_in(pilot)
        await answer_yes(pilot, "chest_pain")
        assert "call 000 now" in shown(app, "#advice")


async def test_a_same_day_answer_does_not_start_and_leaving_logs_it(make_app, log, routines_dir):
    app = make_app(log=log, start_with=routines_dir / "short.yaml")
    async with opened(app, size=(80, 24)) as pilot:
        await read_check_in(pilot)
        await answer_yes(pilot, "fever_unwell")
        assert shown(app, "#advice").startswith("Call your GP or clinician today.")
        app.screen.query_one("#buttons").scroll_visible(animate=False)
        await pilot.pause()
        await pilot.click("#start")
        await pilot.pause()
        assert isinstance(app.screen, CheckInScreen)
        await pilot.click("#back")
        await pilot.pause()
    assert log.sessions() == []
    assert [(c.tier, c.went_ahead) for c in log.check_ins()] == [("same_day", False)]


async def test_opened_on_a_routine_an_emergency_answer_leaves_its_advice_on_the_terminal(
    make_app, log, routines_dir, capsys
):
    app = make_app(log=log, start_with=routines_dir / "short.yaml", emergency_number="112")
    async with opened(app, size=(80, 24)) as pilot:
        await read_check_in(pilot)
        await answer_yes(pilot, "bladder_bowel")
        await pilot.press("escape")
        await pilot.pause()
    # The app closed with nothing on the terminal: the advice went with the screen.
    left = capsys.readouterr().err
    assert left.startswith("Go to the emergency department or call 112 now.")
    assert left.rstrip().endswith("The session was not started.")


async def test_going_back_without_a_stopping_answer_logs_nothing(make_app, log):
    app = make_app(log=log)
    async with opened(app, size=(80, 24)) as pilot:
        await open_check_in(pilot)
        await answer_yes(pilot, "chest_pain")
        await answer_yes(pilot, "chest_pain")  # a slip, undone
        assert shown(app, "#advice") == ""
        await pilot.press("escape")
        await pilot.pause()
    assert log.check_ins() == []


async def test_a_session_after_the_check_in_is_linked_to_it_with_the_advice(make_app, log):
    app = make_app(log=log)
    async with opened(app, size=(80, 24)) as pilot:
        await open_check_in(pilot)
        await pilot.press("9")
        assert "Your pain is 9 out of 10 now" in shown(app, "#advice")
        await answer_yes(pilot, "not_improving")
        await read_check_in(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, PlayerScreen)
    (session,) = log.sessions()
    (check_in,) = log.check_ins()
    assert (check_in.session_id, check_in.tier, check_in.pain_now) == (session.id, "therapist", 9)
    assert session.pain_before == 9
    assert any("Tell your therapist" in line for line in check_in.advice)
    assert any("Your pain is 9 out of 10 now" in line for line in check_in.advice)


async def test_no_checkin_is_logged_as_no_check_in_asked(make_app, log):
    app = make_app(log=log, check_in=False)
    async with opened(app, size=(80, 24)) as pilot:
        await pilot.press("slash", *"short", "enter")
        await pilot.pause()
        assert isinstance(app.screen, PlayerScreen)
    (session,) = log.sessions()
    (check_in,) = log.check_ins()
    assert (check_in.asked, check_in.session_id) == (False, session.id)


async def test_at_60x20_start_is_impossible_until_every_question_was_on_screen(make_app):
    app = make_app()
    async with opened(app, size=(60, 20)) as pilot:
        await open_check_in(pilot)
        assert start_disabled(app)
        await pilot.press("end")  # jumping to the end skips the questions in between
        await pilot.pause(SETTLE_SECONDS + 0.1)
        assert start_disabled(app)
        assert "not seen yet" in shown(app, "#unseen")
        await pilot.press("3", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, CheckInScreen)
        await pilot.press("home")
        await read_check_in(pilot)  # page by page
        assert not start_disabled(app)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, PlayerScreen)


async def test_ctrl_s_before_reading_shows_the_questions_not_yet_read_instead(make_app):
    app = make_app()
    async with opened(app, size=(60, 20)) as pilot:
        await open_check_in(pilot)
        form = app.screen.query_one("#form")
        for _ in range(30):
            if isinstance(app.screen, PlayerScreen):
                break
            before = form.scroll_y
            await pilot.press("ctrl+s")
            await pilot.pause(SETTLE_SECONDS + 0.1)
            if isinstance(app.screen, CheckInScreen):
                assert form.scroll_y > before or not start_disabled(app)
        assert isinstance(app.screen, PlayerScreen)


async def test_after_skipping_questions_ctrl_s_brings_the_first_unseen_into_view(make_app):
    app = make_app()
    async with opened(app, size=(60, 20)) as pilot:
        await open_check_in(pilot)
        await pilot.press("end")  # straight past every question to the buttons
        await pilot.pause(SETTLE_SECONDS + 0.1)
        assert "scroll up" in shown(app, "#unseen")
        form = app.screen.query_one("#form")
        at_end = form.scroll_y
        await pilot.press("ctrl+s")
        await pilot.pause(SETTLE_SECONDS + 0.3)
        assert isinstance(app.screen, CheckInScreen)
        assert form.scroll_y < at_end  # back up to the questions skipped, not further down


async def stop_a_session(make_app, log, clock) -> None:
    app = make_app(log=log)
    async with opened(app, size=(80, 24)) as pilot:
        await open_check_in(pilot)
        await check_in_and_start(pilot)
        await advance(pilot, clock, 5 + 20 + 5 + 3)
        await pilot.press("q", "y")
        await pilot.pause()


@pytest.mark.parametrize(
    ("later", "asks_again"), [(timedelta(minutes=50), False), (timedelta(minutes=61), True)]
)
async def test_a_session_resumed_over_an_hour_after_it_stopped_asks_again(
    make_app, log, clock, later, asks_again
):
    await stop_a_session(make_app, log, clock)
    again = make_app(log=log, now=lambda: local_now() + later, emergency_number="999")
    async with opened(again, size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(again.screen, Question)
        await pilot.press("enter")  # resume
        await pilot.pause()
        if not asks_again:
            assert isinstance(again.screen, PlayerScreen)
            return
        assert isinstance(again.screen, CheckInScreen)
        await check_in_and_start(pilot, pain="4")
        assert isinstance(again.screen, PlayerScreen)
        assert shown(again, "#detail") == "Right side"
    (session,) = log.sessions()
    assert [c.session_id for c in log.check_ins()] == [session.id, session.id]
    assert log.check_ins()[-1].pain_now == 4


SCIATICA = """\
title: Sciatica test
tags: [sciatica]
steps:
  - name: Nerve glide
    reps: 5
"""


async def test_a_sciatica_routine_asks_leg_pain_and_how_far_down_it_goes(
    make_app, log, routines_dir
):
    (routines_dir / "glide.yaml").write_text(SCIATICA)
    app = make_app(log=log, start_with=routines_dir / "glide.yaml")
    async with opened(app, size=(80, 24)) as pilot:
        await pilot.press("2", "tab", "5")  # back 2, leg 5
        reach = app.screen.query_one("#leg-reach")
        reach.focus()
        await pilot.press("down", "down", "enter")  # no leg pain, buttock, thigh
        await pilot.pause()
        await read_check_in(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, PlayerScreen)
    (check_in,) = log.check_ins()
    assert (check_in.pain_now, check_in.leg_pain, check_in.leg_reach) == (2, 5, "thigh")


async def test_a_screened_out_day_shows_in_the_history_screen(make_app, log):
    app = make_app(log=log, emergency_number="999")
    async with opened(app, size=(80, 24)) as pilot:
        await open_check_in(pilot)
        await answer_yes(pilot, "saddle_numbness")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("h")
        await pilot.pause()
        lines = shown(app, "#check-ins")
        assert "1 of them stopped the session" in lines
        assert "Short test routine: told to go to the emergency department" in lines
        assert "numbness or tingling around your genitals" in lines


async def test_the_next_morning_is_asked_about_the_last_session_and_flags_it(make_app, log):
    from datetime import datetime

    from backroutine.log.history import pain_points

    yesterday = datetime.now().astimezone() - timedelta(days=1)
    earlier = log.start_session(
        routine_title="Short test routine",
        routine_path="/r/short.yaml",
        routine_sha256="0" * 64,
        frequency=None,
        planned_seconds=60,
        started=yesterday,
        time_zone="UTC",
        pain_before=2,
    )
    log.finish_session(earlier, status="completed", ended=yesterday, pain_after=4)
    app = make_app(log=log)
    async with opened(app, size=(80, 24)) as pilot:
        await open_check_in(pilot)
        assert "morning after your last session" in " ".join(
            str(widget.render()) for widget in app.screen.query(".question")
        )
        settled = app.screen.query_one("#settled")
        settled.focus()
        await pilot.press("down", "enter")  # No
        await pilot.pause()
        assert "had not settled by the morning after your last session" in shown(app, "#advice")
        await pilot.press("escape")
        await pilot.pause()
    # Going back with only advice (nothing that stops) keeps no check-in.
    assert log.check_ins() == []

    app = make_app(log=log)
    async with opened(app, size=(80, 24)) as pilot:
        await open_check_in(pilot)
        app.screen.query_one("#settled").focus()
        await pilot.press("down", "enter")
        await read_check_in(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, PlayerScreen)
    (check_in,) = log.check_ins()
    assert (check_in.settled, check_in.settled_session_id) == (False, earlier)
    flags = {point.session_id: point.flag for point in pain_points(log.sessions())}
    assert flags[earlier] == "pain not settled by the next morning"


@pytest.mark.parametrize("size", [(60, 20), (80, 24)], ids=["60x20", "80x24"])
async def test_a_long_before_you_start_opens_at_its_top_and_a_pain_typed_shows(
    make_app, routines_dir, size
):
    bundled = Path(backroutine.__file__).parent / "routines" / "sciatica-relief.yaml"
    (routines_dir / "sciatica.yaml").write_bytes(bundled.read_bytes())  # six long safety notes
    app = make_app()
    async with opened(app, size=size) as pilot:
        await pilot.press("slash", *"sciatica", "enter")
        await until(pilot, lambda: isinstance(app.screen, CheckInScreen), "opened the check-in")
        await pilot.pause(SETTLE_SECONDS + 0.1)
        form = app.screen.query_one("#form")
        # It opened scrolled down to the pain scale, past the first safety notes.
        assert form.scroll_y == 0
        first_note = app.screen.query(".safety").first()
        assert "general guidance" in shown(app, ".safety")
        assert first_note.region.y > 0 and form.region.contains_region(first_note.region)
        scale = app.screen.query_one("#pain")
        assert scale.has_focus  # its keys answer at once, wherever the form is scrolled
        await pilot.press("3")
        await pilot.pause()
        assert "[3]" in str(scale.render())
        assert form.region.contains_region(scale.region)  # the number typed is seen
