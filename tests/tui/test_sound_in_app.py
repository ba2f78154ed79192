"""The player carries the session by sound: cues follow the engine; m mutes them."""

from __future__ import annotations

from backroutine.audio.backends import BellBackend
from backroutine.audio.cue_player import CuePlayer

from .conftest import advance, opened, shown
from .test_player import start_short_routine


class BellSound:
    """The terminal bell, as the app's sound: each ring's time goes into `rings`."""

    note = "no sound device found: using the terminal bell"

    def __init__(self, rings: list[float], clock) -> None:
        self.backend = BellBackend(self.note, lambda: rings.append(clock()))

    def start(self) -> None:
        pass

    def prepare(self, routine) -> None:
        pass  # a bell has nothing to make ahead

    def cue_player(self, engine, routine) -> CuePlayer:
        cues = CuePlayer(self.backend, routine)
        engine.subscribe(cues.on_event)
        return cues


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
