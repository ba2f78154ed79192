"""A routine as a one-page handout, in Markdown or HTML, for patients who want it on paper.

Routine text comes from other people's files, so every piece of it is escaped for the
format it goes into: a tip can never become a link, a script or a heading.
"""

from __future__ import annotations

import base64
import html
import re
from datetime import date

import msgspec

from backroutine.base.text import human_duration, printable
from backroutine.figures.load import figure_for
from backroutine.figures.model import alt_text
from backroutine.figures.svg import poses_svg
from backroutine.routine.model import CardStep, ExerciseStep, RestStep, Routine, ThermalStep
from backroutine.routine.progression import rules
from backroutine.routine.safety import CLINICIAN_NOTE, PACK_SAFETY, PAIN_ZONES
from backroutine.routine.stages import stages_said, when_said
from backroutine.routine.words import activity_dose, dose, growth_said, you_need

FORMATS = ("md", "html")


class _Exercise(msgspec.Struct, frozen=True):
    """One exercise as the handout shows it: plain text, not yet escaped."""

    number: int
    name: str
    dose: str
    tips: list[str]
    caution: str | None
    why: str | None
    progression: list[str]
    drawing: str | None
    """The figure's start and end poses as SVG, with its own title and description."""
    image: str | None
    """The therapist's picture instead, a file name beside the routine."""
    alt: str
    """What the drawing or picture shows, in words."""


def _exercises(routine: Routine, written: Routine | None = None) -> list[_Exercise | int]:
    """The exercises in order, with each rest step as its length in seconds; each with how
    its numbers grow, from `written` (the routine as written, when `routine` holds one
    week's numbers)."""
    items: list[_Exercise | int] = []
    number = 0
    _, grows = _growth(written or routine)
    for index, step in enumerate(routine.steps):
        if isinstance(step, RestStep):
            items.append(step.rest)
            continue
        number += 1
        if not isinstance(step, ExerciseStep):  # a card, a pack, breathing, a walk
            said = [step.text] if isinstance(step, CardStep) else []
            if isinstance(step, ThermalStep):
                said = [PACK_SAFETY[step.pack]]
            items.append(
                _Exercise(
                    number=number,
                    name=step.name,
                    dose=activity_dose(step),
                    tips=said,
                    caution=None,
                    why=None,
                    progression=[],
                    drawing=None,
                    image=None,
                    alt=step.name,
                )
            )
            continue
        figure = figure_for(step.name, step.exercise, step.figure)
        drawing = alt = None
        if figure is not None and step.image is None:
            drawing = poses_svg(figure, [figure.poses[0][0], figure.hold], panel_height=90)
            alt = alt_text(figure)
        items.append(
            _Exercise(
                number,
                step.name,
                "; ".join(filter(None, [dose(step, routine), when_said(step)])),
                list(step.tips),
                step.caution,
                step.why,
                grows[index] if len(grows) == len(routine.steps) else [],
                drawing,
                step.image,
                alt or f"{step.name}: the picture from your therapist",
            )
        )
    return items


def _growth(routine: Routine) -> tuple[list[str], list[list[str]]]:
    """How the numbers grow week by week, in words: what grows alike in every exercise,
    said once, and what else grows in each step (nothing for a step that is no exercise)."""
    each = [
        rules(step, routine) if isinstance(step, ExerciseStep) else {} for step in routine.steps
    ]
    exercises = [
        found
        for step, found in zip(routine.steps, each, strict=True)
        if isinstance(step, ExerciseStep)
    ]
    alike = {
        field: rule
        for field, rule in (exercises[0].items() if len(exercises) > 1 else ())
        if all(other.get(field) == rule for other in exercises)
    }
    return [growth_said(field, rule) for field, rule in alike.items()], [
        [growth_said(field, rule) for field, rule in found.items() if field not in alike]
        for found in each
    ]


def _facts(routine: Routine, week: int | None, stage: int) -> list[str]:
    facts = []
    frequency = routine.frequency_for(stage)  # in stages, the patient's stage's
    if frequency:
        facts.append(f"How often: {frequency}")
    facts.append(f"About {human_duration(routine.planned_seconds())} a session")
    if week is not None:
        facts.append(f"Numbers for week {week}")
    if routine.author:
        facts.append(f"From: {routine.author}")
    if routine.version:
        facts.append(f"Version {routine.version}")
    if routine.review_by:
        facts.append(f"Review with your therapist by {routine.review_by.isoformat()}")
    needed = you_need(routine)
    if needed:
        facts.append(needed)
    return facts


def _safety(routine: Routine) -> list[str]:
    return [*routine.safety, CLINICIAN_NOTE]


# --- Markdown ---------------------------------------------------------------------

_MD_INLINE = re.compile(r"([\\`*_\[\]<>|~&])")
_MD_LINE_START = re.compile(r"^(\s*)([#+=-]|\d+(?=[.)]))")


def _md(text: str) -> str:
    """Text shown literally in Markdown: no character of it can become markup."""
    text = _MD_INLINE.sub(r"\\\1", printable(text))
    # A heading, list or numbered list can only start a line.
    return _MD_LINE_START.sub(_escape_line_start, text)


def _md_url(src: str) -> str:
    """A link target that cannot end early or break the line."""
    return "".join(ch if ch.isprintable() and ch not in "<>" else f"%{ord(ch):02X}" for ch in src)


def _escape_line_start(match: re.Match[str]) -> str:
    space, mark = match[1], match[2]
    # `\#` and `\-` for a heading or bullet; `1\.` for a numbered item
    return f"{space}{mark}\\" if mark.isdigit() else f"{space}\\{mark}"


def render_markdown(
    routine: Routine, *, week: int | None = None, stage: int = 1, written: Routine | None = None
) -> str:
    """The handout as Markdown."""
    lines = [f"# {_md(routine.title)}", ""]
    if routine.description:
        lines += [_md(routine.description), ""]
    lines += [" · ".join(_md(fact) for fact in _facts(routine, week, stage)), ""]
    lines += ["## Safety", ""] + [f"- **{_md(note)}**" for note in _safety(routine)] + [""]
    if routine.stages:
        lines += (
            ["## Stages", ""] + [f"- {_md(line)}" for line in stages_said(routine, stage)] + [""]
        )
    lines += ["## Exercises", ""]
    alike, _ = _growth(written or routine)
    if alike:
        lines += [_md("Every exercise grows: " + "; ".join(alike)), ""]
    for item in _exercises(routine, written):
        if isinstance(item, int):
            lines += [f"*Rest {human_duration(item)}*", ""]
            continue
        lines += [f"### {item.number}. {_md(item.name)}", "", f"**{_md(item.dose)}**", ""]
        # The drawing travels inside the file, so the handout stays one file.
        src = item.image or (
            item.drawing
            and "data:image/svg+xml;base64," + base64.b64encode(item.drawing.encode()).decode()
        )
        if src:
            lines += [f"![{_md(item.alt)}](<{_md_url(src)}>)", ""]
        lines += [f"- {_md(tip)}" for tip in item.tips]
        if item.tips:
            lines.append("")
        if item.caution:
            lines += [f"**Stop or ease off:** {_md(item.caution)}", ""]
        if item.why:
            lines += [f"*Why:* {_md(item.why)}", ""]
        if item.progression:
            lines += ["*Grows:* " + "; ".join(_md(rule) for rule in item.progression), ""]
    return "\n".join(lines)


# --- HTML -------------------------------------------------------------------------

TICK_DAYS = 14
"""The tick log covers two weeks: a box a day for each exercise."""

_CSS = """\
@page { size: %(size)s; margin: 9mm 10mm; }
* { box-sizing: border-box; }
body { font: 8.2pt/1.25 system-ui, "DejaVu Sans", sans-serif; color: #111; margin: 0 auto;
       max-width: 190mm; }
h1 { font-size: 14pt; margin: 0; }
h2 { font-size: 9pt; margin: 3pt 0 1pt; }
h3 { font-size: 9.5pt; margin: 0 0 1pt; }
p { margin: 1pt 0; }
.top { display: flex; justify-content: space-between; gap: 8pt; align-items: flex-start; }
.who { text-align: right; }
.facts { color: #333; }
.description { margin: 2pt 0; }
.safety { border: 1.5pt solid #a00; padding: 1pt 5pt; margin: 3pt 0; font-size: 7.2pt; }
.safety h2 { margin: 0; }
.safety ul { margin: 0; padding-left: 1.1em; columns: 2; column-gap: 12pt; }
.safety li { break-inside: avoid; font-weight: bold; }
.exercises { display: grid; grid-template-columns: 1fr 1fr 1fr; gap: 3pt 5pt; }
.card { border: 0.5pt solid #999; padding: 1.5pt 3pt; break-inside: avoid; font-size: 7.5pt; }
.card h3 { font-size: 9pt; }
.dose { font-weight: bold; }
.caution { margin: 1pt 0; }
.rest { font-style: italic; }
.small { font-size: 7.2pt; color: #333; }
ul { margin: 1pt 0; padding-left: 1.1em; }
.figure { display: block; text-align: center; }
.figure svg, img.figure { height: 13mm; width: auto; max-width: 100%%; }
table { border-collapse: collapse; width: 100%%; margin-top: 2pt; }
th, td { border: 0.5pt solid #777; padding: 0.5pt 2pt; font-size: 7.2pt; text-align: left; }
td.box { width: 5mm; }
.pain td { text-align: center; width: 6mm; font-weight: bold; }
.pain td.meaning { width: auto; font-weight: normal; text-align: left; }
.zone0 { background: #e3f2e3; } .zone1 { background: #fbf0d0; } .zone2 { background: #f8dada; }
.bottom { break-inside: avoid; }
"""
PAPER_SIZES = {"a4": "A4", "letter": "letter"}


def _h(text: str) -> str:
    """Routine text made safe for HTML: escaped, with no control characters."""
    return html.escape(printable(text), quote=True)


class HandoutFor(msgspec.Struct, frozen=True):
    """Who the handout is for and from, printed at its top (`print --patient/--clinic`)."""

    patient: str | None = None
    clinic: str | None = None
    """The clinic's or therapist's contact: name, telephone, e-mail."""
    issued: date | None = None


def render_html(
    routine: Routine,
    *,
    week: int | None = None,
    stage: int = 1,
    given: HandoutFor = HandoutFor(),
    paper: str = "a4",
    written: Routine | None = None,
) -> str:
    """The handout as a standalone HTML page, laid out to print on one page (up to six
    exercises, A4 or Letter): the exercises with their drawings, the safety box, a
    two-week tick log with each dose, and the pain scale."""
    items = _exercises(routine, written)
    exercises = [item for item in items if isinstance(item, _Exercise)]
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{_h(routine.title)}</title>",
        f"<style>\n{_CSS % {'size': PAPER_SIZES.get(paper, 'A4')}}</style>",
        "</head>",
        "<body>",
        '<div class="top"><div>',
        f"<h1>{_h(routine.title)}</h1>",
        f'<p class="facts">{" · ".join(_h(f) for f in _facts(routine, week, stage))}</p>',
        "</div>",
        f'<div class="who">{"<br>".join(_h(line) for line in _who(routine, given))}</div>',
        "</div>",
    ]
    if routine.description:
        out.append(f'<p class="description">{_h(routine.description)}</p>')
    out.append('<div class="safety"><h2>Safety</h2><ul>')
    out += [f"<li>{_h(note)}</li>" for note in _safety(routine)]
    out.append("</ul></div>")
    if routine.stages:
        out.append("<h2>Stages</h2><ul>")
        out += [f"<li>{_h(line)}</li>" for line in stages_said(routine, stage)]
        out.append("</ul>")
    alike, _ = _growth(written or routine)
    grows = f' <span class="small">· Every exercise grows: {_h("; ".join(alike))}</span>'
    out.append(f'<h2>Exercises{grows if alike else ""}</h2><div class="exercises">')
    for item in items:
        if isinstance(item, int):
            # Inside the card before it: a rest is not a cell of the grid of exercises.
            closing = out.pop() if out[-1] == "</section>" else ""
            out.append(f'<p class="rest">Rest {_h(human_duration(item))}</p>{closing}')
            continue
        out.append(f'<section class="card"><h3>{item.number}. {_h(item.name)}</h3>')
        if item.image:
            out.append(f'<img class="figure" src="{_h(item.image)}" alt="{_h(item.alt)}">')
        elif item.drawing:
            out.append(f'<div class="figure">{item.drawing}</div>')
        out.append(f'<p class="dose">{_h(item.dose)}</p>')
        if item.tips:
            out.append("<ul>" + "".join(f"<li>{_h(tip)}</li>" for tip in item.tips) + "</ul>")
        if item.caution:
            out.append(
                f'<p class="caution"><strong>Stop or ease off:</strong> {_h(item.caution)}</p>'
            )
        # The why is left to the Markdown handout and the app: the page must stay one.
        if item.progression:
            rules = "; ".join(_h(rule) for rule in item.progression)
            out.append(f'<p class="small"><em>Grows:</em> {rules}</p>')
        out.append("</section>")
    out.append("</div>")
    out += ['<div class="bottom">', *_tick_log(exercises), *_pain_scale(), "</div>"]
    out += ["</body>", "</html>", ""]
    return "\n".join(out)


def _who(routine: Routine, given: HandoutFor) -> list[str]:
    lines = []
    if given.patient:
        lines.append(f"For: {given.patient}")
    if given.issued:
        lines.append(f"Issued: {given.issued:%d %b %Y}")
    if routine.author:
        lines.append(f"Your therapist: {routine.author}")
    if given.clinic:
        lines.append(f"Contact: {given.clinic}")
    return lines


def _tick_log(exercises: list[_Exercise]) -> list[str]:
    days = "".join(f"<th>{day}</th>" for day in range(1, TICK_DAYS + 1))
    rows = [
        f"<tr><td>{item.number}. {_h(item.name)}</td><td>{_h(item.dose)}</td>"
        + '<td class="box"></td>' * TICK_DAYS
        + "</tr>"
        for item in exercises
    ]
    rows.append(
        '<tr><td colspan="2">Pain after the session (0-10)</td>'
        + '<td class="box"></td>' * TICK_DAYS
        + "</tr>"
    )
    return [
        "<h2>Two weeks: tick each exercise done; write the date above the day</h2>",
        f"<table><thead><tr><th>Exercise</th><th>Dose</th>{days}</tr></thead><tbody>",
        *rows,
        "</tbody></table>",
    ]


def _pain_scale() -> list[str]:
    cells, meanings = [], []
    for zone, (low, high, meaning) in enumerate(PAIN_ZONES):
        cells += [f'<td class="zone{zone}">{score}</td>' for score in range(low, high + 1)]
        meanings.append(f"{low}-{high}: {_h(meaning)}")
    return [
        "<h2>Pain scale: 0 no pain, 10 the worst imaginable</h2>",
        f'<table class="pain"><tr>{"".join(cells)}'
        f'<td class="meaning">{" · ".join(meanings)}</td></tr></table>',
    ]


def render(
    routine: Routine,
    format: str,
    *,
    week: int | None = None,
    stage: int = 1,
    given: HandoutFor = HandoutFor(),
    paper: str = "a4",
    written: Routine | None = None,
) -> str:
    """The handout in `format`, `md` or `html` (for whom and on which paper: HTML only);
    `stage` is marked as the patient's among a staged routine's stages (its steps are the
    routine's `steps`). `written` is the routine as written when `routine` holds the
    numbers of `week`: each exercise says how its numbers grow from it."""
    if format == "html":
        return render_html(
            routine, week=week, stage=stage, given=given, paper=paper, written=written
        )
    return render_markdown(routine, week=week, stage=stage, written=written)
