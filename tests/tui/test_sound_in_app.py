"""The player carries the session by sound: cues follow the engine; m mutes them."""

from __future__ import annotations

from backroutine.audio import CuePlayer
from backroutine.audio.backends import BellBackend

from .conftest import advance, shown
from .test_player import start_short_routine


def bell_audio(rings: list[float], clock):
    backend = BellBackend("no sound device found: using the terminal bell",
                          lambda: rings.append(clock()))

    def cue_player(engine, routine):
        cues = CuePlayer(backend, routine)
        engine.subscribe(cues.on_event)
        return cues

    return cue_player


async def test_cues_ring_during_the_session_and_m_mutes_them(make_app, clock):
    rings: list[float] = []
    app = make_app(audio=bell_audio(rings, clock),
                   audio_note="no sound device found: using the terminal bell")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await start_short_routine(pilot, app)
        assert any("using the terminal bell" in str(n.message)
                   for n in app._notifications)
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
