"""The sub-commands that answer and exit: validate, list, schema, import, new, print,
history, settings, export, report, due and remind. None imports Textual."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence

    from backroutine.log.report import Document
    from backroutine.log.store import CompletionLog, SessionRecord
    from backroutine.routine.model import LoadedRoutine, Problem, Routine

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def validate(args: argparse.Namespace) -> int:
    from backroutine.base import clock
    from backroutine.base.paths import routine_files
    from backroutine.base.text import printable
    from backroutine.routine.loader import check_routine_file
    from backroutine.routine.model import Problem, RoutineFileError

    failures = 0
    checked = 0
    for given in args.paths:
        if given.is_dir():
            files = routine_files(given)
            if not files:
                print(f"{printable(given)}: no .yaml routine files in this folder", file=sys.stderr)
                failures += 1
        elif given.exists():
            files = [given]
        else:
            report([Problem(str(given), 1, 1, "no such file or folder")])
            failures += 1
            continue
        for path in files:
            checked += 1
            try:
                loaded, warnings = check_routine_file(path, today=clock.today())
            except RoutineFileError as error:
                failures += 1
                report(error.problems)
                continue
            for warning in warnings:
                kind = "" if args.strict else "warning: "
                print(
                    printable(
                        f"{warning.source}:{warning.line}:{warning.column}: {kind}{warning.message}"
                    ),
                    file=sys.stderr,
                )
            if warnings and args.strict:
                failures += 1
                continue
            summary = routine_summary(loaded.routine)
            if loaded.routine.stages:
                summary = f"{len(loaded.routine.stages)} stages, the first {summary}"
            if warnings:
                summary += f", {len(warnings)} warning{'s' if len(warnings) != 1 else ''}"
            print(f"{printable(str(path))}: ok ({summary})")
    if checked > 1 or failures:
        print(
            f"{checked - min(failures, checked)} of {checked} routine files valid",
            file=sys.stderr if failures else sys.stdout,
        )
    return EXIT_INVALID if failures else EXIT_OK


def routine_summary(routine: Routine) -> str:
    from backroutine.base.text import human_duration
    from backroutine.routine.model import RestStep

    count = len(routine.exercises)
    plural = "s" if count != 1 else ""
    # Cards, packs, breathing and walks are steps too, though not exercises.
    others = sum(not isinstance(step, RestStep) for step in routine.steps) - count
    more = f", {others} other step{'s' if others != 1 else ''}" if others else ""
    return f"{count} exercise{plural}{more}, {human_duration(routine.planned_seconds())}"


def report(problems: Iterable[Problem]) -> None:
    """Print routine file problems on standard error; file names may hold anything."""
    from backroutine.base.text import printable

    for problem in problems:
        print(printable(str(problem)), file=sys.stderr)


def list_routines(args: argparse.Namespace) -> int:
    from msgspec.structs import replace

    from backroutine.base import clock
    from backroutine.base.paths import data_dir, user_routines_dir
    from backroutine.base.text import printable
    from backroutine.routine.catalog import find_routines
    from backroutine.routine.progression import as_of, has_progression
    from backroutine.routine.stages import at_stage, stage_said

    user_dir = user_routines_dir(data_dir(args.data_dir))
    entries = find_routines(user_dir)
    sessions = (
        _logged_sessions(args)
        if any(
            entry.loaded and (has_progression(entry.loaded.routine) or entry.loaded.routine.stages)
            for entry in entries
        )
        else []
    )
    names = {entry.path: printable(entry.name) for entry in entries}
    width = max(map(len, names.values()), default=0)
    for entry in entries:
        origin = "" if entry.bundled else "  (yours)"
        if entry.loaded:
            routine = entry.loaded.routine
            frequency = routine.frequency
            if routine.stages:  # counted as the patient's stage is
                stage = _stage_now(args, entry.loaded, sessions)
                frequency = routine.frequency_for(stage)
                routine = at_stage(routine, stage)
            often = f", {frequency}" if frequency else ""
            if has_progression(routine):
                progressed, week = as_of(
                    replace(entry.loaded, routine=routine), sessions, clock.today()
                )
                routine = progressed.routine
                often += f", week {week}"
            if routine.stages:
                often += f", {stage_said(routine, stage)}"
            print(
                f"{names[entry.path]:<{width}}  {printable(routine.title)}: "
                f"{routine_summary(routine)}{often}{origin}"
            )
        else:
            problem = printable(str(entry.problems[0]))
            print(f"{names[entry.path]:<{width}}  cannot be used: {problem}{origin}")
    if not entries:
        print("no routines found")
    print(f"\nyour own routines go in {printable(str(user_dir))}")
    return EXIT_OK


def _logged_sessions(args: argparse.Namespace) -> list[SessionRecord]:
    """The log's sessions, or none when there is no usable log (listing still works)."""
    from backroutine.base.paths import data_dir, log_path

    if not log_path(data_dir(args.data_dir)).exists():
        return []
    try:
        with open_log(args) as log:
            return log.sessions()
    except CannotOpenLog as error:
        print(f"backroutine: {error}", file=sys.stderr)
        return []


def _stage_now(
    args: argparse.Namespace, loaded: LoadedRoutine, sessions: Sequence[SessionRecord]
) -> int:
    """The patient's stage in a staged routine (1 before its first session)."""
    path = str(loaded.source.resolve())
    done = any(session.routine_path == path for session in sessions)
    stage = _stage_number(args, loaded) if done else 1
    return min(stage, len(loaded.routine.stages))


def _stage_number(args: argparse.Namespace, loaded: LoadedRoutine) -> int:
    """The patient's stage in a staged routine, from the log (1 without one)."""
    try:
        with open_log(args) as log:
            return log.current_stage(str(loaded.source.resolve()))
    except CannotOpenLog as error:
        print(f"backroutine: {error}", file=sys.stderr)
        return 1


def schema(args: argparse.Namespace) -> int:
    from backroutine.routine.json_schema import json_schema

    print(json.dumps(json_schema(), indent=2))
    return EXIT_OK


def import_routine(args: argparse.Namespace) -> int:
    from backroutine.base import clock
    from backroutine.base.paths import data_dir, user_routines_dir
    from backroutine.routine.model import RoutineFileError
    from backroutine.routine.sharing import ImportRefused, install_routine

    user_dir = user_routines_dir(data_dir(args.data_dir))
    try:
        installed = install_routine(args.file, user_dir, today=clock.today(), force=args.force)
    except RoutineFileError as error:
        report(error.problems)
        print(f"backroutine: {args.file} was not imported", file=sys.stderr)
        return EXIT_INVALID
    except ImportRefused as error:
        print(f"backroutine: {error}", file=sys.stderr)
        return EXIT_INVALID
    print("\n".join(installed.report()))
    return EXIT_OK


def new(args: argparse.Namespace) -> int:
    import shlex

    from backroutine.base.files import write_atomically
    from backroutine.routine.json_schema import json_schema
    from backroutine.routine.sharing import DEFAULT_TITLE, SCHEMA_FILE, file_stem, template

    title = args.title
    if args.file is None and title is None and not sys.stdout.isatty():
        print(template(), end="")  # `backroutine new > routine.yaml`
        return EXIT_OK
    if title is None and sys.stdin is not None and sys.stdin.isatty():
        title = input("Title of the routine (e.g. Core for Jane): ")
    into_folder = args.file is not None and args.file.is_dir()
    if not (title or "").strip():
        title = args.file.stem.replace("-", " ").replace("_", " ") if args.file else ""
        title = "" if into_folder else title
        title = title.strip().capitalize() or DEFAULT_TITLE
    title = title.strip()
    path = args.file or Path(f"{file_stem(title)}.yaml")
    if into_folder:  # `backroutine new routines/`: a file inside it, named from the title
        path = path / f"{file_stem(title)}.yaml"
    if path.suffix.lower() not in {".yaml", ".yml"}:
        path = path.with_name(f"{path.name}.yaml")  # the routine list only reads .yaml files
    write_atomically(path, template(title), replace=args.force)
    # The template's first line names this file: an editor checks the routine against it.
    schema = path.parent / SCHEMA_FILE
    write_atomically(schema, json.dumps(json_schema(), indent=2) + "\n")
    print(f"wrote {path}; check it with: backroutine validate {shlex.quote(str(path))}")
    print(f"wrote {schema} beside it: editors with YAML support check the routine as you type")
    return EXIT_OK


def print_handout(args: argparse.Namespace) -> int:
    from backroutine.base import clock
    from backroutine.base.files import write_atomically
    from backroutine.base.paths import data_dir, user_routines_dir
    from backroutine.base.pdf import NoBrowser, print_to_pdf
    from backroutine.routine.catalog import UnknownRoutine, load_entry, resolve
    from backroutine.routine.handout import HandoutFor, render
    from backroutine.routine.progression import has_progression, routine_for_week
    from backroutine.routine.stages import at_stage

    try:
        entry = load_entry(resolve(args.routine, user_routines_dir(data_dir(args.data_dir))))
    except UnknownRoutine as error:
        print(f"backroutine: {error}", file=sys.stderr)
        return EXIT_USAGE
    if entry.loaded is None:
        report(entry.problems)
        return EXIT_INVALID
    routine = entry.loaded.routine
    stage = _stage_number(args, entry.loaded) if routine.stages else 1
    if routine.stages:  # the patient's stage's exercises, with its numbers for the week
        routine = at_stage(routine, stage)
    written = routine  # the handout says how its numbers grow beside the week's numbers
    week = args.week
    if week is None and has_progression(routine):
        week = _current_week(args, entry.loaded)
    if week is not None:
        week = max(1, week)
        routine = routine_for_week(routine, week)
    given = HandoutFor(patient=args.patient, clinic=args.clinic, issued=clock.today())
    pdf = args.output is not None and args.output.suffix.lower() == ".pdf"
    format = "html" if pdf else args.format
    text = render(
        routine, format, week=week, stage=stage, given=given, paper=args.paper, written=written
    )
    if args.output is None:
        print(text, end="")
        return EXIT_OK
    data: str | bytes = text
    if pdf:
        try:
            data = print_to_pdf(text)
        except NoBrowser as error:
            print(f"backroutine: {error}", file=sys.stderr)
            return EXIT_INVALID
    write_atomically(args.output, data, replace=args.force)
    print(f"wrote {args.output}", file=sys.stderr)
    return EXIT_OK


def _current_week(args: argparse.Namespace, loaded: LoadedRoutine) -> int:
    """The patient's week of a routine, from the log; says which on stderr."""
    from backroutine.base import clock
    from backroutine.base.text import printable
    from backroutine.routine.progression import first_done, week_number

    first = first_done(_logged_sessions(args), loaded.sha256)
    week = week_number(first, clock.today())
    since = (
        f", counted from your first session on {first.isoformat()}"
        if first is not None
        else ": not done yet"
    )
    print(
        f"week {week} of {printable(loaded.routine.title)}{since}; --week N prints another week",
        file=sys.stderr,
    )
    return week


class CannotOpenLog(Exception):
    """The completion log exists but cannot be used; the file is kept as it is."""


def open_log(args: argparse.Namespace) -> CompletionLog:
    from backroutine.base.paths import data_dir, log_path
    from backroutine.log.store import CompletionLog, LogError

    try:
        return CompletionLog.open(log_path(data_dir(args.data_dir)))
    except LogError as error:
        raise CannotOpenLog(str(error)) from None


def history(args: argparse.Namespace) -> int:
    from backroutine.log.export import render_history

    with open_log(args) as log:
        render_history(log, sys.stdout)
    return EXIT_OK


def settings(args: argparse.Namespace) -> int:
    from backroutine.base.paths import settings_path
    from backroutine.base.settings import changed, describe, load_settings, save_settings

    loaded = load_settings()
    for problem in loaded.problems:
        print(f"backroutine: {problem}", file=sys.stderr)
    settings = loaded.settings
    if args.name is not None:
        try:
            settings = changed(settings, args.name, args.value)
        except ValueError as error:
            print(f"backroutine: {error}", file=sys.stderr)
            return EXIT_USAGE
        save_settings(settings)
    print("\n".join(describe(settings)))
    print(f"(kept in {settings_path()}; --no-audio and --no-voice override them for one run)")
    return EXIT_OK


def due(args: argparse.Namespace) -> int:
    from backroutine.reminders.commands import due

    return due(args, open_log)


def remind(args: argparse.Namespace) -> int:
    from backroutine.reminders.commands import remind

    return remind(args, open_log)


def export(args: argparse.Namespace) -> int:
    from io import StringIO

    from backroutine.base.files import write_atomically
    from backroutine.log.export import export

    with open_log(args) as log:
        if args.output is None:
            export(log, args.format, args.since, sys.stdout, paths=args.paths)
            return EXIT_OK
        text = StringIO(newline="")
        export(log, args.format, args.since, text, paths=args.paths)
    # Health data: the patient's to share, so readable by them alone.
    write_atomically(args.output, text.getvalue(), replace=args.force, mode=0o600)
    print(f"wrote {args.output}", file=sys.stderr)
    return EXIT_OK


EXPORT_READ_LIMIT = 256 * 1024 * 1024
"""The largest export `report` reads: ten years of daily sessions is about 10 MB."""


def clinic_report(args: argparse.Namespace) -> int:
    from backroutine.base import clock
    from backroutine.base.files import write_atomically
    from backroutine.base.pdf import NoBrowser, print_to_pdf
    from backroutine.log.report import NotAnExport, clinic, patient_report
    from backroutine.log.report_html import render_clinic, render_report

    try:
        if args.source is not None and args.source.is_dir():
            documents = _exports_in(args.source)
            today = clock.today()
            page = render_clinic(clinic(documents, today), today, paper=args.paper)
        else:
            document, patient = _export_for_report(args)
            found = patient_report(document, since=args.since)
            page = render_report(found, patient=patient, paper=args.paper)
    except NotAnExport as error:
        print(f"backroutine: {error}", file=sys.stderr)
        return EXIT_INVALID
    if args.output is None:
        sys.stdout.write(page)
        return EXIT_OK
    data: str | bytes = page
    if args.output.suffix.lower() == ".pdf":
        try:
            data = print_to_pdf(page)
        except NoBrowser as error:
            print(f"backroutine: {error}", file=sys.stderr)
            return EXIT_INVALID
    # Health data: the patient's (or the clinic's), readable by its owner alone.
    write_atomically(args.output, data, replace=args.force, mode=0o600)
    print(f"wrote {args.output}", file=sys.stderr)
    return EXIT_OK


def _read_export(path: Path) -> Document:
    from backroutine.base.files import read_capped
    from backroutine.log.report import NotAnExport, read_export

    data = read_capped(path, EXPORT_READ_LIMIT)
    if len(data) > EXPORT_READ_LIMIT:
        raise NotAnExport(f"{path} is too big for an export")
    return read_export(data, str(path))


def _export_for_report(args: argparse.Namespace) -> tuple[Document, str | None]:
    """The export to report on, and the patient's name (the export file's name)."""
    if args.source is not None:
        return _read_export(args.source), args.source.stem
    from io import StringIO

    from backroutine.log.export import export

    text = StringIO()
    with open_log(args) as log:
        export(log, "json", None, text)
    return json.loads(text.getvalue()), None


def _exports_in(folder: Path) -> Iterator[tuple[str, Document]]:
    """(patient, export) for every JSON export in `folder`, one at a time so a clinic's
    worth is never in memory at once; the files that are not exports are named on stderr."""
    from backroutine.log.report import NotAnExport

    for path in sorted(folder.glob("*.json")):
        try:
            yield path.stem, _read_export(path)
        except NotAnExport as error:
            print(f"backroutine: skipped {error}", file=sys.stderr)
