"""The picker, with keys typed as fast as a terminal delivers a burst of them."""

from __future__ import annotations

from textual import events

from backroutine.tui.screens.checkin import CheckInScreen

from .conftest import opened, until


def burst(app, *keys: str) -> None:
    """Keys delivered at once, as a paste, tmux's send-keys or a fast typist delivers them:
    all queued before the app handles the first (Pilot's `press` waits after each)."""
    for key in keys:
        character = "/" if key == "slash" else "\r" if key == "enter" else key
        app.post_message(events.Key(key, character))


async def test_a_burst_of_type_ahead_all_reaches_the_filter_before_enter(make_app, routines_dir):
    (routines_dir / "a-first.yaml").write_text(
        "title: Apple stretches\nsteps:\n  - {name: Reach, hold: 5s}\n"
    )
    (routines_dir / "desk.yaml").write_text(
        "title: Desk break\nsteps:\n  - {name: Seated twist, hold: 5s}\n"
    )
    app = make_app()
    async with opened(app, size=(80, 24)) as pilot:
        burst(app, "slash", *"desk", "enter")
        await until(pilot, lambda: isinstance(app.screen, CheckInScreen), "opened a routine")
        # Was "Apple stretches": "desk" went to the list while the filter was still
        # being focused, and Enter opened the first routine.
        assert app.screen.routine.title == "Desk break"
