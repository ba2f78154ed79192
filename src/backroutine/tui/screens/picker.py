"""The home screen: pick a routine, see what is in it, start it."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from backroutine.base.text import human_duration, printable
from backroutine.routine.catalog import CatalogEntry
from backroutine.routine.model import ExerciseStep, RestStep
from backroutine.routine.words import activity_dose, block_said, short_dose, you_need
from backroutine.tui.widgets.basics import literal
from backroutine.tui.widgets.title_bar import TitleBar


class RoutinePickerScreen(Screen[None]):
    """Every routine, bundled and the patient's own, with a preview of the highlighted one."""

    CSS_PATH = "picker.tcss"
    # Only this screen changes its layout with the width: on the others, each resize
    # restyling every widget for a class nothing reads cost time to draw them.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (72, "-wide")]
    BINDINGS = [
        # A priority binding acts as the app reads the key, before it hands the keys read
        # with it to the list: "/desk" and Enter in one burst all reach the filter.
        Binding("slash", "focus_filter", "Filter", key_display="/", priority=True),
        Binding("escape", "clear_filter", "Clear filter", show=False),
        Binding("h", "app.history", "History"),
        Binding("q", "app.quit", "Quit"),
    ]

    class Chosen(Message):
        """The patient chose a routine to start."""

        def __init__(self, entry: CatalogEntry) -> None:
            super().__init__()
            self.entry = entry

    def __init__(self, entries: list[CatalogEntry], last_done: dict[str, str] | None = None):
        super().__init__()
        self.entries = entries
        self.last_done = last_done or {}

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Horizontal(id="body"):
            with Vertical(id="choices"):
                yield Input(placeholder="Type to filter routines", id="filter")
                yield OptionList(id="routines")
            with VerticalScroll(id="preview-pane"):
                yield Static(id="preview")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Choose a routine"
        self._show(self.entries)
        self.query_one(OptionList).focus()

    def update_last_done(self, last_done: dict[str, str]) -> None:
        """Show fresh "last done" dates after a session."""
        self.last_done = last_done
        self._show(self.shown)

    def _show(self, entries: list[CatalogEntry]) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(
            [Option(self._describe(entry), id=str(index)) for index, entry in enumerate(entries)]
        )
        self.shown = entries
        if entries:
            options.highlighted = 0
        else:
            self.query_one("#preview", Static).update("No routine matches the filter.")

    def _describe(self, entry: CatalogEntry) -> Content:
        title = Content(printable(entry.title)).stylize("bold")
        if not entry.loaded:
            return Content.assemble(title, "\n", Content("⚠ cannot be used: see the preview"))
        routine = entry.loaded.routine
        steps = sum(not isinstance(step, RestStep) for step in routine.steps)
        # With cards, packs, breathing or walks among them, they are steps, not exercises.
        count = f"{steps} steps" if steps != len(routine.exercises) else f"{steps} exercises"
        details = [count, human_duration(routine.planned_seconds())]
        if routine.frequency:
            details.append(str(routine.frequency))
        details.append(
            f"last done {self.last_done[entry.name]}"
            if entry.name in self.last_done
            else "not done yet"
        )
        if not entry.bundled:
            details.append("yours")
        return Content.assemble(title, "\n", Content(" · ".join(details)).stylize("dim"))

    @on(Input.Changed, "#filter")
    def _filter(self, event: Input.Changed) -> None:
        words = event.value.lower().split()
        self._show(
            [entry for entry in self.entries if all(word in _searchable(entry) for word in words)]
        )

    @on(Input.Submitted, "#filter")
    def _start_first(self) -> None:
        options = self.query_one(OptionList)
        options.focus()
        if options.highlighted is not None:
            self._choose(self.shown[options.highlighted])

    @on(OptionList.OptionHighlighted)
    def _preview(self, event: OptionList.OptionHighlighted) -> None:
        entry = self.shown[event.option_index]
        preview = self.query_one("#preview", Static)
        preview.update(preview_of(entry))

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._choose(self.shown[event.option_index])

    def _choose(self, entry: CatalogEntry) -> None:
        if entry.loaded:
            self.post_message(self.Chosen(entry))
        else:
            self.notify("This routine file has mistakes: see the preview.", severity="error")

    def action_focus_filter(self) -> None:
        # Focused now, not once the keys already read are handled (as `focus()` does): of
        # "/desk" and Enter typed in one burst, "desk" went to the list and Enter opened the
        # first routine.
        self.set_focus(self.query_one("#filter", Input))

    def action_clear_filter(self) -> None:
        self.query_one("#filter", Input).value = ""
        self.set_focus(self.query_one(OptionList))  # now: as the filter's focus above


def _searchable(entry: CatalogEntry) -> str:
    if not entry.loaded:
        return entry.title.lower()
    routine = entry.loaded.routine
    words = [
        routine.title,
        routine.description or "",
        *routine.tags,
        *(step.name for step in routine.exercises),
    ]
    return " ".join(words).lower()


def preview_of(entry: CatalogEntry) -> Content:
    """What the routine holds: steps with their timing, and its safety notes."""
    if not entry.loaded:
        lines = [
            Content(printable(entry.path.name)).stylize("bold"),
            Content("This file cannot be used until these are fixed:"),
        ]
        lines += [
            Content(f"• line {p.line}, column {p.column}: {printable(p.message)}")
            for p in entry.problems
        ]
        return Content("\n").join(lines)
    routine = entry.loaded.routine
    lines = [Content(printable(routine.title)).stylize("bold")]
    if routine.description:
        lines.append(literal(routine.description))
    lines.append(Content(""))
    number = 0
    for index, step in enumerate(routine.steps):
        block = routine.block_of(index)
        if block is not None and block.first_step == index:
            lines.append(Content(block_said(block)).stylize("italic"))
        if isinstance(step, ExerciseStep):
            number += 1
            lines.append(
                Content(f"{number}. ")
                + literal(step.name).stylize("bold")
                + Content(f"  {short_dose(step, routine)}").stylize("dim")
            )
        elif isinstance(step, RestStep):
            lines.append(Content(f"   Rest {human_duration(step.rest)}").stylize("dim"))
        else:  # a card, a pack, breathing, a walk
            number += 1
            lines.append(
                Content(f"{number}. ")
                + literal(step.name).stylize("bold")
                + Content(f"  {activity_dose(step)}").stylize("dim")
            )
    if routine.safety:
        lines.append(Content(""))
        lines.append(Content("Safety").stylize("bold"))
        lines += [Content("⚠ ") + literal(note) for note in routine.safety]
    needed = you_need(routine)
    if needed:
        lines += [Content(""), Content(needed)]
    return Content("\n").join(lines)
