"""The review page and the clinic view as HTML: one file, no script, inline SVG, prints on
A4 or Letter. Every text that came from a routine file or a note is escaped (`_text`)."""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Sequence
from datetime import date, timedelta
from typing import Literal

from backroutine.base.text import printable
from backroutine.log.report import (
    ClinicLine,
    ExerciseLine,
    PatientReport,
    SessionLine,
    summary,
)
from backroutine.routine.safety import PAIN_ACCEPTABLE_MAX, PAIN_SAFE_MAX

Paper = Literal["a4", "letter"]
_PAGE_SIZE = {"a4": "A4", "letter": "letter"}

_STYLE = """
@page { size: %(size)s; margin: 14mm 12mm; }
body { font: 10pt/1.35 system-ui, "DejaVu Sans", sans-serif; color: #111; margin: 0 auto;
       max-width: 190mm; }
h1 { font-size: 15pt; margin: 0 0 2pt; } h2 { font-size: 11.5pt; margin: 12pt 0 4pt; }
.sub { color: #444; margin: 0 0 6pt; }
.summary { border: 1.5pt solid #111; padding: 6pt 9pt; margin: 6pt 0; }
.summary p { margin: 2pt 0; }
table { border-collapse: collapse; width: 100%%; break-inside: auto; }
th, td { border-bottom: 0.5pt solid #999; padding: 2pt 4pt; text-align: left;
         vertical-align: top; }
tr { break-inside: avoid; } thead { display: table-header-group; }
td.n, th.n { text-align: right; }
.cal td { text-align: center; width: 9%%; border: 0.5pt solid #bbb; font-size: 9pt; }
.cal td.week { text-align: left; width: auto; white-space: nowrap; }
.done { background: #cfe8cf; } .started { background: #f6e3b4; }
.screened { background: #f3c0c0; font-weight: bold; } .out { color: #bbb; }
.off { color: #888; background: #eeeeee; }
.legend span { display: inline-block; padding: 0 4pt; margin-right: 6pt;
               border: 0.5pt solid #bbb; }
figure { margin: 4pt 0; break-inside: avoid; } svg { width: 100%%; height: auto; }
.flag { font-weight: bold; }
.sessions td { font-size: 8.5pt; } .nowrap { white-space: nowrap; }
section { break-inside: avoid-page; }
"""

_CAL_MARK = {"done": "✓", "started": "½", "screened": "✗", "off": "–"}
_CAL_WORD = {
    "done": "done",
    "started": "started, not counted",
    "screened": "stopped at the check-in",
    "off": "nothing prescribed that day",
}
_STATUS = {
    "completed": "completed",
    "abandoned": "closed unfinished",
    "quit": "quit",
    "unfinished": "unfinished (no end logged)",
}


def _text(value: object) -> str:
    """Text from a file or a note, safe in HTML: no control characters, nothing markup."""
    return html.escape(printable(str(value)), quote=True)


def _head(title: str, paper: Paper) -> list[str]:
    return [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        # No script, no fetch: the page must work offline and be safe to open.
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">",
        f"<title>{_text(title)}</title>",
        f"<style>{_STYLE % {'size': _PAGE_SIZE[paper]}}</style>",
        "</head><body>",
    ]


def render_report(report: PatientReport, *, patient: str | None = None, paper: Paper = "a4") -> str:
    """The review page for one patient."""
    who = f"{patient}: " if patient else ""
    parts = _head(f"{who}{report.title}", paper)
    parts += [
        f"<h1>{_text(who)}{_text(report.title)}</h1>",
        f'<p class="sub">Review of {report.first:%d %b %Y} to {report.last:%d %b %Y}. '
        f"{_prescriptions(report)}</p>",
        '<div class="summary">',
        *(f"<p>{_text(sentence)}</p>" for sentence in summary(report)),
        "</div>",
        *_calendar(report),
        *_pain_chart(report.sessions),
        *_exercises(report.exercises),
        *_screened(report),
        *_notes(report),
        *_sessions(report.sessions),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _prescriptions(report: PatientReport) -> str:
    said = [
        f"{_text(id_ or 'routine without an id')}"
        + (f" version {_text(version)}" if version else "")
        + f", {_text(weeks)}"
        for id_, version, weeks in report.prescriptions
    ]
    return ("Prescription: " + "; then ".join(said) + ".") if said else ""


def _calendar(report: PatientReport) -> list[str]:
    monday = report.first - timedelta(days=report.first.weekday())
    by_week = {period.first: period for period in report.periods}
    rows = []
    while monday <= report.last:
        frequency = report.frequency_on(monday)  # the stage's, in a routine in stages
        weekly = frequency.period == "week"
        cells = []
        for offset in range(7):
            day = monday + timedelta(days=offset)
            kind = report.days.get(day)
            if not kind and not weekly and not frequency.expected_on(day):
                kind = "off"
            if day < report.first or day > report.last:
                cells.append(f'<td class="out">{day:%d}</td>')
            elif kind:
                cells.append(
                    f'<td class="{kind}" title="{_CAL_WORD[kind]}">{day:%d} {_CAL_MARK[kind]}</td>'
                )
            else:
                cells.append(f"<td>{day:%d}</td>")
        if weekly:
            period = by_week.get(monday)
            tally = f"{period.done} of {period.prescribed}" if period else ""
        else:
            days = [by_week.get(monday + timedelta(days=n)) for n in range(7)]
            counted = [p for p in days if p is not None]
            tally = str(sum(p.done for p in counted))  # as needed: nothing to be done against
            if not frequency.as_needed:
                tally += f" of {sum(p.prescribed for p in counted)}"
        rows.append(
            f'<tr><td class="week">{monday:%d %b}</td>{"".join(cells)}<td>{tally}</td></tr>'
        )
        monday += timedelta(weeks=1)
    days_off = any(
        frequency.as_needed or frequency.on
        for frequency in [report.frequency, *(each for _, each in report.stage_frequencies)]
    )
    legend = " ".join(
        f'<span class="{kind}">{_CAL_MARK[kind]} {word}</span>'
        for kind, word in _CAL_WORD.items()
        if kind != "off" or days_off
    )
    return [
        "<section><h2>Sessions against the prescription</h2>",
        '<table class="cal"><thead><tr><th>Week of</th>'
        + "".join(f"<th>{name}</th>" for name in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"))
        + "<th>Done</th></tr></thead><tbody>",
        *rows,
        "</tbody></table>",
        f'<p class="legend">{legend}</p></section>',
    ]


_CHART_W, _CHART_H, _LEFT, _TOP, _BOTTOM = 640, 190, 34, 8, 26


def _pain_chart(sessions: Sequence[SessionLine]) -> list[str]:
    scored = [s for s in sessions if s.pain_before is not None or s.pain_after is not None]
    if not scored:
        return ["<section><h2>Pain</h2><p>No pain scores were given.</p></section>"]
    width = _CHART_W - _LEFT - 8
    height = _CHART_H - _TOP - _BOTTOM
    step = width / max(len(scored), 1)

    def x(index: int) -> float:
        return _LEFT + step * (index + 0.5)

    def y(score: float) -> float:
        return _TOP + height * (1 - score / 10)

    parts = [
        f'<svg viewBox="0 0 {_CHART_W} {_CHART_H}" role="img" '
        f'aria-labelledby="pain-title" xmlns="http://www.w3.org/2000/svg">',
        '<title id="pain-title">Pain before and after each session, 0 to 10, with the '
        "pain-monitoring zones</title>",
    ]
    zones = (
        (0, PAIN_SAFE_MAX, "#e3f2e3", f"0-{PAIN_SAFE_MAX} safe"),
        (
            PAIN_SAFE_MAX,
            PAIN_ACCEPTABLE_MAX,
            "#fbf0d0",
            f"{PAIN_SAFE_MAX + 1}-{PAIN_ACCEPTABLE_MAX} acceptable",
        ),
        (PAIN_ACCEPTABLE_MAX, 10, "#f8dada", f"{PAIN_ACCEPTABLE_MAX + 1}-10 too much"),
    )
    for low, high, colour, label in zones:
        parts.append(
            f'<rect x="{_LEFT}" y="{y(high):.1f}" width="{width}" height="{y(low) - y(high):.1f}" '
            f'fill="{colour}"/>'
        )
        parts.append(
            f'<text x="{_LEFT + width - 4}" y="{y(high) + 11:.1f}" font-size="9" '
            f'text-anchor="end" fill="#555">{label}</text>'
        )
    for score in (0, 2, 5, 10):
        parts.append(
            f'<text x="{_LEFT - 4}" y="{y(score) + 3:.1f}" font-size="9" text-anchor="end">'
            f"{score}</text>"
        )
    for name, dash, values in (
        ("before", "4 3", [s.pain_before for s in scored]),
        ("after", "", [s.pain_after for s in scored]),
    ):
        points = [(x(i), y(v)) for i, v in enumerate(values) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="#111" stroke-width="1.6" '
                f'stroke-dasharray="{dash}"><title>pain {name}</title></polyline>'
            )
        shape = "circle" if name == "after" else "rect"
        for px, py in points:
            if shape == "circle":
                parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="2.6" fill="#111"/>')
            else:
                parts.append(
                    f'<rect x="{px - 2.4:.1f}" y="{py - 2.4:.1f}" width="4.8" height="4.8" '
                    'fill="#fff" stroke="#111"/>'
                )
    for index, session in enumerate(scored):
        if session.settled_next_morning is False:
            parts.append(
                f'<text x="{x(index):.1f}" y="{_TOP + 10}" font-size="11" font-weight="bold" '
                f'text-anchor="middle" fill="#a00">!</text>'
            )
    labels = _date_labels([s.started.date() for s in scored])
    for index, label in labels:
        parts.append(
            f'<text x="{x(index):.1f}" y="{_CHART_H - 10}" font-size="9" '
            f'text-anchor="middle">{label}</text>'
        )
    parts.append("</svg>")
    return [
        "<section><h2>Pain (0-10) before and after each session</h2><figure>",
        *parts,
        "<figcaption>Dashed line and squares: before; solid line and dots: after; "
        "<b>!</b> pain not settled by the next morning. Bands: the pain-monitoring zones."
        "</figcaption></figure></section>",
    ]


def _date_labels(days: Sequence[date], most: int = 10) -> list[tuple[int, str]]:
    every = max(1, -(-len(days) // most))
    return [(i, f"{day:%d %b}") for i, day in enumerate(days) if i % every == 0]


def _exercises(lines: Sequence[ExerciseLine]) -> list[str]:
    if not lines:
        return []
    rows = []
    for line in lines:
        hurts = ", ".join(
            f"{hurt.day:%d %b}"
            + (f" {hurt.side} side" if hurt.side else "")
            + (f" set {hurt.set_number}" if hurt.set_number else "")
            for hurt in line.hurts
        )
        rows.append(
            f"<tr><td>{_text(line.name)}</td><td class=n>{line.done}</td>"
            f"<td class=n>{line.partly_done}</td><td class=n>{line.skipped}</td>"
            f"<td class=n>{line.not_finished}</td><td class=n>{len(line.hurts)}</td>"
            f"<td>{hurts}</td></tr>"
        )
    return [
        "<section><h2>Each exercise</h2><table><thead><tr><th>Exercise</th>"
        "<th class=n>Done</th><th class=n>Partly</th><th class=n>Skipped</th>"
        "<th class=n>Not finished</th><th class=n>Hurt</th><th>When it hurt</th></tr></thead>"
        "<tbody>",
        *rows,
        "</tbody></table></section>",
    ]


def _screened(report: PatientReport) -> list[str]:
    if not report.screened:
        return []
    items = [
        f"<li><b>{s.at:%a %d %b %H:%M}</b>: {_text(s.summary)}."
        + "".join(f"<br>Advice given: {_text(advice)}" for advice in s.advice)
        + "</li>"
        for s in report.screened
    ]
    return ["<section><h2>Check-ins that stopped the session</h2><ul>", *items, "</ul></section>"]


def _notes(report: PatientReport) -> list[str]:
    if not report.notes:
        return []
    items = [f"<li><b>{note.day:%a %d %b}</b>: {_text(note.text)}</li>" for note in report.notes]
    return ["<section><h2>The patient's notes</h2><ul>", *items, "</ul></section>"]


def _sessions(sessions: Sequence[SessionLine]) -> list[str]:
    if not sessions:
        return []
    # A column that says the same on every row is left out (the routine and its version
    # are in the heading): the table must fit the page's width, its flags unclipped.
    columns: list[tuple[str, Callable[[SessionLine], str]]] = [
        ("<th>Started</th>", lambda s: f"<td class=nowrap>{s.started:%a %d %b %H:%M}</td>"),
        ("<th>Status</th>", lambda s: f"<td>{_STATUS.get(s.status, _text(s.status))}</td>"),
    ]
    if len({s.routine_id for s in sessions}) > 1:
        columns.append(("<th>Routine</th>", lambda s: f"<td>{_text(s.routine_id or '')}</td>"))
    if len({(s.routine_id, s.routine_version) for s in sessions}) > 1:
        columns.append(("<th>Version</th>", lambda s: f"<td>{_text(s.routine_version or '')}</td>"))
    columns.append(("<th class=n>Week</th>", lambda s: f"<td class=n>{s.week or ''}</td>"))
    if any(s.stage for s in sessions):
        columns.append(("<th class=n>Stage</th>", lambda s: f"<td class=n>{s.stage or ''}</td>"))
    columns += [
        (
            "<th class=n>Exercises</th>",
            lambda s: f"<td class=n>{s.exercises_done} of {s.exercises}</td>",
        ),
        ("<th class=n>Pain before</th>", lambda s: f"<td class=n>{_score(s.pain_before)}</td>"),
        ("<th class=n>after</th>", lambda s: f"<td class=n>{_score(s.pain_after)}</td>"),
        ("<th>Settled</th>", lambda s: f"<td>{_SETTLED[s.settled_next_morning]}</td>"),
        ("<th>Flag</th>", lambda s: f"<td class=flag>{_text(s.flag or '')}</td>"),
    ]
    rows = ["<tr>" + "".join(cell(s) for _, cell in columns) + "</tr>" for s in sessions]
    return [
        '<h2>Every session</h2><table class="sessions"><thead><tr>'
        + "".join(head for head, _ in columns)
        + "</tr></thead><tbody>",
        *rows,
        "</tbody></table>",
    ]


_SETTLED = {True: "yes", False: "<b>no</b>", None: ""}


def _score(value: int | None) -> str:
    return "" if value is None else str(value)


def render_clinic(lines: Iterable[ClinicLine], today: date, *, paper: Paper = "a4") -> str:
    """The clinic view: one line per patient, who needs attention first."""
    rows = [
        f"<tr><td>{_text(line.patient)}</td><td>{_text(line.title)}</td>"
        f"<td class=n>{line.done}{f' of {line.prescribed}' if line.prescribed else ''}"
        f"{f' ({line.percent}%)' if line.percent is not None else ''}</td>"
        f"<td>{line.pain_trend}</td><td class=flag>{_text('; '.join(line.flags))}</td>"
        f"<td>{f'{line.last_session:%d %b %Y}' if line.last_session else 'none'}</td></tr>"
        for line in lines
    ]
    return (
        "\n".join(
            [
                *_head("Clinic view", paper),
                f"<h1>Clinic view, {today:%d %b %Y}</h1>",
                '<p class="sub">The last four weeks of each patient\'s export, who needs attention '
                "first: stopped check-ins, exercises that hurt, pain that did not settle or is "
                "high, rising pain, missed sessions.</p>",
                "<table><thead><tr><th>Patient</th><th>Routine</th><th class=n>Sessions done</th>"
                "<th>Pain after</th><th>Flags</th><th>Last session</th></tr></thead><tbody>",
                *rows,
                "</tbody></table></body></html>",
            ]
        )
        + "\n"
    )
