"""The player carries the session by sound: cues follow the engine; m mutes them."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from test_audio import RecordingBackend, TimedVoice, heard
from textual.widgets._toast import Toast

import backroutine
from backroutine.audio.cue_player import CuePlayer
from backroutine.cli.root import Ring, SoundSetup
from backroutine.routine.words import NOTHING_TO_MUTE
from backroutine.tui.screens.summary import SummaryScreen
from backroutine.tui.widgets.key_bar import KeyBar

from .conftest import BellSound, advance, check_in_and_start, opened, shown
from .test_player import start_short_routine


async def test_cues_ring_during_the_session_and_m_mutes_them(make_app, clock):
    rings: list[float] = []
    app = make_app(sound=BellSound(rings, clock))
    async with opened(app, size=(80, 24), notifications=True) as pilot:
        await start_short_routine(pilot, app)
        assert any("using the terminal bell" in str(n.message) for n in app._notifications)
        for _ in range(5):  # the get-ready countdown: 3, 2, 1
            await advance(pilot, clock, 1.02)
        assert len(rings) >= 4
        await pilot.press("m")
        assert "Sound muted" in shown(app, "#status")
        heard = len(rings)
        await advance(pilot, clock, 30)
        assert len(rings) == heard
        await pilot.press("m")
        for _ in range(20):
            await advance(pilot, clock, 1.02)
        assert len(rings) > heard


class SpokenSound:
    """Cues and a voice, as the app's sound, into a backend that keeps what it played."""

    note = "recording for a test"

    def __init__(self) -> None:
        self.backend, self.voice = RecordingBackend(), TimedVoice()

    def start(self) -> None:
        pass

    def prepare(self, routine) -> None:
        pass  # every phrase of the stand-in voice is ready at once

    def cue_player(self, engine, routine) -> CuePlayer:
        cues = CuePlayer(self.backend, routine, voice=self.voice)
        cues.follow(engine)
        return cues


async def test_t_shows_the_tips_and_reads_them_aloud(make_app, clock):
    sound = SpokenSound()
    app = make_app(sound=sound)
    async with opened(app, size=(80, 24), notifications=True) as pilot:
        await start_short_routine(pilot, app)
        sound.backend.played.clear()
        await pilot.press("t")
        tips = "Pull the knee gently towards your chest. Caution. Stop if your hip pinches."
        assert tips in [" ".join(str(n.message).split()) for n in app._notifications]
        assert heard(sound.voice.phrases, sound.backend.played) == [tips]


async def test_space_finishes_a_set_at_your_own_pace_after_a_spoken_reminder(make_app, clock):
    sound = SpokenSound()
    app = make_app(sound=sound)
    async with opened(app, size=(80, 24)) as pilot:
        await start_short_routine(pilot, app)
        for _ in range(3):  # on to the last exercise, sit to stand
            await advance(pilot, clock, 1)
            await pilot.press("N")
        await advance(pilot, clock, 5.2)
        assert shown(app, "#kind").strip() == "YOUR PACE"
        said = heard(sound.voice.phrases, sound.backend.played)
        assert said[-2:] == [
            "SET_START",
            "Five reps at your own pace. Press space when you have done five.",
        ]
        await advance(pilot, clock, 40)
        await pilot.press("space")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        # The two exercises before it were skipped: the summary says so.
        assert shown(app, "#heading") == "Routine partly done: 1 of 3 steps done"


async def test_with_sound_off_m_is_not_offered_and_says_there_is_nothing_to_mute(make_app, clock):
    # The app's own sound choice, as `backroutine --no-audio` makes it.
    sound = SoundSetup(argparse.Namespace(no_audio=True, no_voice=False), Ring())
    app = make_app(sound=sound)
    async with opened(app, size=(80, 24), notifications=True) as pilot:
        await start_short_routine(pilot, app)
        keys = [key.key for key in app.screen.query_one(KeyBar).shown_keys()]
        assert "m" not in keys and "q" in keys
        await pilot.press("m")
        await pilot.pause()
        assert not app.screen.query_one("#status").display  # was "Sound muted (m to unmute)"
        assert any(NOTHING_TO_MUTE in str(n.message) for n in app._notifications)


@pytest.mark.parametrize("size", [(60, 20), (80, 24), (200, 60)])
async def test_the_tips_note_fits_the_screen_and_t_pages_through_it_then_hides_it(
    make_app, clock, routines_dir, size
):
    bundled = Path(backroutine.__file__).parent / "routines" / "core-stability.yaml"
    (routines_dir / "core.yaml").write_text(bundled.read_text())
    app = make_app()
    async with opened(app, size=size, notifications=True) as pilot:
        await pilot.press("slash", *"core", "enter")
        await pilot.pause()
        await check_in_and_start(pilot)
        for _ in range(5):  # each exercise of the routine
            said = []
            for _ in range(4):  # t until the note is gone
                await pilot.press("t")
                await pilot.pause(0.2)  # the note before it removed
                notes = list(app.screen.query(Toast))
                if not notes:
                    break
                (note,) = notes  # one at a time: two would not fit
                # Was 43 rows at 60x20, its caution under the bottom edge.
                assert note.region.y >= 0 and note.region.bottom <= size[1], (
                    note.region,
                    shown(app, "#name"),
                    shown(app, "#kind"),
                    len(said),
                )
                said.append(str(note.render()))
            assert said and not app.screen.query(Toast)  # t again hid it
            text = " ".join(" ".join(line.split("\n")[1:]) for line in said)  # titles left out
            assert "Caution" in text.replace("(t: the rest)", ""), said
            await pilot.press("N")
            await pilot.pause()
