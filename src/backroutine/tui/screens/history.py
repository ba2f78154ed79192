"""The history screen: streaks, adherence, a calendar heatmap, the pain trend and notes.

It shows what `backroutine history` prints, from the same functions, so the two agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Label, Sparkline, Static

from backroutine.base.text import printable
from backroutine.log.export import (
    check_in_lines,
    flag_lines,
    heatmap_lines,
    note_lines,
    spark,
    summary_lines,
    trouble_lines,
)
from backroutine.log.history import FLAG_RUN_ALERT, RoutineHistory
from backroutine.log.store import CheckInRecord
from backroutine.tui.widgets.title_bar import TitleBar


class PainTrend(Sparkline):
    """Pain scores (None: not given) drawn on the fixed 0-10 scale `backroutine history`
    uses. Textual's own sparkline scales to its data, so 2/10 and 7/10 both drew full."""

    scores = reactive[Sequence[int | None]](())
    """Whole scores, not the floats `Sparkline.data` holds: a missing one is a gap."""

    def render(self) -> Content:
        return Content(spark(self.scores))


class HistoryScreen(Screen[None]):
    """What the log says about each routine done; left/right go from routine to routine."""

    CSS_PATH = "history.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back"),
        Binding("q", "close", "Back", show=False),
        # Priority: the scrolling body would otherwise take the arrow keys.
        Binding("left", "show(-1)", "Previous routine", priority=True),
        Binding("right", "show(1)", "Next routine", priority=True),
    ]

    def __init__(
        self, histories: list[RoutineHistory], check_ins: Sequence[CheckInRecord] = ()
    ) -> None:
        super().__init__()
        self.histories = histories
        self.check_ins = check_ins
        """Every check-in: those that stopped a session are shown for all routines."""
        self.shown = 0

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="history"):
            yield Static(id="routine-title")
            yield Static(id="summary")
            with Horizontal(id="middle"):
                yield Static(id="heatmap")
                yield Static(id="troubles")
            with Horizontal(classes="pain-row"):
                yield Label("Pain before", classes="pain-label")
                yield PainTrend(id="pain-before")
                yield Label(id="pain-before-latest", classes="pain-latest")
            with Horizontal(classes="pain-row"):
                yield Label("Pain after", classes="pain-label")
                yield PainTrend(id="pain-after")
                yield Label(id="pain-after-latest", classes="pain-latest")
            yield Static(id="flags")
            yield Static(id="check-ins")
            yield Static(id="notes")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "History"
        self._update()

    def action_close(self) -> None:
        """Go back to where the screen was opened from."""
        self.dismiss()

    def action_show(self, step: int) -> None:
        """Show the previous or next routine's history."""
        if self.histories:
            self.shown = (self.shown + step) % len(self.histories)
            self._update()

    def _update(self) -> None:
        check_ins = self.query_one("#check-ins", Static)
        check_ins.update(Content("\n".join(check_in_lines(self.check_ins))))
        check_ins.set_class(any(not c.went_ahead for c in self.check_ins), "-alert")
        if not self.histories:
            self.query_one("#routine-title", Static).update(
                "No sessions logged yet: your history appears here after your first session."
            )
            for row in self.query(".pain-row"):
                row.display = False
            return
        history = self.histories[self.shown]
        title = Content(printable(history.title)).stylize("bold")
        if len(self.histories) > 1:
            title = Content.assemble(
                title, f"   routine {self.shown + 1} of {len(self.histories)} (← →)"
            )
        self.query_one("#routine-title", Static).update(title)
        self.query_one("#summary", Static).update(_lines(summary_lines(history)))
        self.query_one("#heatmap", Static).update(_lines(heatmap_lines(history)))
        for when in ("before", "after"):
            scores = [getattr(point, when) for point in history.pain]
            given = [score for score in scores if score is not None]
            self.query_one(f"#pain-{when}", PainTrend).scores = scores
            latest = f"latest {given[-1]}/10" if given else "no scores yet"
            self.query_one(f"#pain-{when}-latest", Label).update(latest)
        flags = self.query_one("#flags", Static)
        flags.update(_lines(flag_lines(history)))
        flags.set_class(history.flag_run >= FLAG_RUN_ALERT, "-alert")
        self.query_one("#troubles", Static).update(_list(trouble_lines(history)))
        self.query_one("#notes", Static).update(_list(note_lines(history)))


def _lines(lines: list[str]) -> Content:
    # The lines carry file text already made printable; Content never reads it as markup.
    return Content("\n".join(line.removeprefix("  ") for line in lines))


def _list(lines: list[str]) -> Content:
    """A heading and its items, each item a bullet: on a narrow terminal an item wraps, and
    its indent (the command's way of showing items) would be lost from its second line."""
    items = [f"• {line.strip()}" if line.startswith("    ") else line.strip() for line in lines]
    return Content("\n".join(items))
