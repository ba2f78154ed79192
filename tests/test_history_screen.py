"""The history screen, driven as a patient would at 80x24."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from msgspec.structs import replace
from textual.app import App

from backroutine.log.export import history_lines
from backroutine.log.history import histories
from backroutine.log.store import ExerciseRecord, SessionRecord
from backroutine.routine.model import Frequency
from backroutine.tui.screens.history import HistoryScreen, PainTrend

LONDON = ZoneInfo("Europe/London")
TODAY = date(2024, 4, 30)


def sessions(title: str, path: str, days: int, pain_after: int) -> list[SessionRecord]:
    found = []
    for day in range(days):
        started = datetime(2024, 4, 30 - day, 8, tzinfo=LONDON)
        found.append(
            SessionRecord(
                id=len(path) * 1000 + day,
                routine_title=title,
                routine_path=path,
                routine_sha256="0" * 64,
                frequency=Frequency(1, "day"),
                started=started,
                time_zone="Europe/London",
                ended=started + timedelta(minutes=10),
                status="completed",
                pain_before=3,
                pain_after=pain_after,
                note=None,
                planned_seconds=600,
                active_seconds=600,
                segments_done=10,
                exercises=(
                    ExerciseRecord(0, "[red]Bird-dog[/]", 60, 0, 0, 2, None, None, "skipped"),
                    ExerciseRecord(1, "Bridge", 60, 60, 2, 2, None, None, "done"),
                ),
            )
        )
    return found[::-1]


class Host(App[None]):
    def __init__(self, screen: HistoryScreen) -> None:
        super().__init__()
        self.history_screen = screen

    def on_mount(self) -> None:
        self.push_screen(self.history_screen)


def shown(app: App) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def test_history_shows_file_text_literally_and_flags_a_run_of_pain():
    asyncio.run(_test_history_shows_file_text_literally_and_flags_a_run_of_pain())


async def _test_history_shows_file_text_literally_and_flags_a_run_of_pain():
    found = histories(
        sessions("Low back [bold]basics\x1b[2J", "/r/low.yaml", 5, pain_after=8), TODAY
    )
    app = Host(HistoryScreen(found))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = shown(app)
        assert "Low back [bold]basics␛[2J" in text
        assert "Streak: 5 days" in text
        assert "[red]Bird-dog[/]: skipped 5, hurt 0" in text
        assert "▓ 1 done" in text  # the legend names each symbol
        # 8/10 five times, on the fixed 0-10 scale: the sixth of eight block heights.
        assert str(app.screen.query_one("#pain-after", PainTrend).render()) == "▆" * 5
        assert "latest 8/10" in text
        await pilot.press("end")
        await pilot.pause()
        assert "The last 5 sessions were flagged for pain: tell your therapist." in shown(app)


def test_arrows_go_from_routine_to_routine_and_escape_closes():
    asyncio.run(_test_arrows_go_from_routine_to_routine_and_escape_closes())


async def _test_arrows_go_from_routine_to_routine_and_escape_closes():
    found = histories(
        sessions("Low back", "/r/low.yaml", 3, 2) + sessions("Neck", "/r/neck.yaml", 1, 2),
        TODAY,
    )
    screen = HistoryScreen(found)
    app = Host(screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        first = shown(app)
        await pilot.press("right")
        await pilot.pause()
        second = shown(app)
        assert "routine 1 of 2" in first and "routine 2 of 2" in second
        assert {"Low back", "Neck"} == {
            title for title in ("Low back", "Neck") if title in first or title in second
        }
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is not screen


def test_an_empty_log_says_so_and_q_closes():
    asyncio.run(_test_an_empty_log_says_so_and_q_closes())


async def _test_an_empty_log_says_so_and_q_closes():
    screen = HistoryScreen([])
    app = Host(screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "No sessions logged yet" in shown(app)
        await pilot.press("q")
        await pilot.pause()
        assert app.screen is not screen


def test_pain_heatmap_and_notes_agree_with_backroutine_history():
    asyncio.run(_test_pain_heatmap_and_notes_agree_with_backroutine_history())


async def _test_pain_heatmap_and_notes_agree_with_backroutine_history():
    found = sessions("Low back", "/r/low.yaml", 4, pain_after=2)
    found[-1] = replace(found[-1], pain_after=7, note="[b]hip[/b] tight")
    [history] = histories(found, TODAY)
    app = Host(HistoryScreen([history]))
    async with app.run_test(size=(80, 40)) as pilot:
        await pilot.pause()
        text = shown(app)
    cli = history_lines(history)
    after = next(line for line in cli if line.strip().startswith("after"))
    bars = after.split()[1]
    assert bars == "▂▂▂▅"  # 2/10 and 7/10 on one fixed scale, as `backroutine history` draws
    assert f"Pain after   {bars}" in text
    assert "latest 7/10" in text
    months = next(line.strip() for line in cli if "Feb" in line and "Apr" in line)
    assert months in text  # the heatmap's dates
    assert "Tue 30 Apr 2024: [b]hip[/b] tight" in text
