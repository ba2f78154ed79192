"""The `backroutine` command. Quick commands (validate, list, schema) never import Textual."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

from backroutine import __version__

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every sub-command."""
    parser = argparse.ArgumentParser(
        prog="backroutine",
        description="Guided home exercise routines for back pain. Not a substitute for your "
        "clinician: stop on sharp pain that does not ease when you stop, or on new or spreading "
        "numbness, tingling or weakness in your legs.",
    )
    _add_data_dir(parser, default=None)
    # Options given again after the sub-command; SUPPRESS keeps a value given before it.
    common = argparse.ArgumentParser(add_help=False)
    _add_data_dir(common, default=argparse.SUPPRESS)
    parser.add_argument("--version", action="version", version=f"backroutine {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text, parents=[common])
        sub.add_argument("--version", action="version", version=f"backroutine {__version__}")
        return sub

    run = command("run", "start a routine now (a file path or a routine's name)")
    run.add_argument("routine", metavar="ROUTINE")
    run.add_argument(
        "--plain",
        action="store_true",
        help="no full-screen interface: one line per event (screen readers, dumb terminals)",
    )
    run.add_argument(
        "--no-checkin",
        action="store_true",
        help="for unattended scripts and tests only: skip the pain and safety check-in "
        "(the log records that none was asked; plain mode runs unattended)",
    )
    _add_session_options(run, default=argparse.SUPPRESS)
    _add_session_options(parser, default=False)

    validate = command("validate", "check routine files and folders; exit 1 if any has a problem")
    validate.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    validate.add_argument(
        "--strict",
        action="store_true",
        help="count warnings (slips that may change the dose) as problems",
    )

    command("list", "list the bundled routines and your own")
    command("schema", "print the JSON Schema of the routine format (for editors)")
    share = command("import", "check a routine from your therapist and add it to your routines")
    share.add_argument("file", type=Path, metavar="FILE")
    share.add_argument("--force", action="store_true", help="replace an equal or newer version")
    new = command("new", "write a commented routine template to start from")
    new.add_argument(
        "file",
        type=Path,
        nargs="?",
        metavar="FILE",
        help="where to write it (default: a file named after the title, or the screen)",
    )
    new.add_argument("--title", help="the routine's title (asked for when not given)")
    new.add_argument("--force", action="store_true", help="replace FILE if it exists")
    handout = command("print", "a routine as a one-page handout to print (Markdown or HTML)")
    handout.add_argument("routine", metavar="ROUTINE")
    handout.add_argument("--format", choices=["md", "html"], default="md")
    handout.add_argument("--week", type=int, metavar="N", help="with the numbers of week N")
    handout.add_argument("-o", "--output", type=Path, metavar="FILE")
    handout.add_argument("--force", action="store_true", help="replace FILE if it exists")
    command("history", "streaks, adherence and pain trend from your completion log")
    settings = command("settings", "show your settings, or change one, e.g. settings voice off")
    settings.add_argument("name", nargs="?", metavar="NAME", help="sound, voice, volume, ...")
    settings.add_argument("value", nargs="?", metavar="VALUE", help="on/off, or a number")
    export = command("export", "write your completion log for your therapist (CSV or JSON)")
    export.add_argument("--format", choices=["csv", "json"], default="csv")
    export.add_argument(
        "--since", type=_date, metavar="YYYY-MM-DD", help="only sessions from this day on"
    )
    export.add_argument(
        "-o", "--output", type=Path, metavar="FILE", help="write to FILE instead of the screen"
    )
    export.add_argument("--force", action="store_true", help="replace FILE if it exists")

    due = command("due", "what is due now; exit 0 when a routine is due, 1 when none is")
    due.add_argument("-q", "--quiet", action="store_true", help="print nothing: exit status only")
    remind = command("remind", "reminders while backroutine is closed: shell, desktop, calendar")
    how = remind.add_subparsers(dest="how", metavar="HOW", required=True)

    def reminder(name: str, text: str) -> argparse.ArgumentParser:
        return how.add_parser(name, help=text, description=text, parents=[common])

    shell = reminder("shell", "print lines for your shell's start-up file: a nudge once a day")
    shell.add_argument("shell", choices=["bash", "zsh", "fish"])
    install = reminder("install", "a daily desktop notification when a routine is due")
    install.add_argument(
        "--at", action="append", metavar="HH:MM", help="time of day (repeat for more; 08:00)"
    )
    reminder("status", "is the desktop reminder installed, and when does it fire")
    reminder("uninstall", "remove the desktop reminder")
    reminder("notify", "notify now if a routine is due (what the desktop reminder runs)")
    ics = reminder("ics", "write calendar events with an alarm, matching the routine's frequency")
    ics.add_argument("routine", metavar="ROUTINE")
    ics.add_argument("--at", action="append", metavar="HH:MM", help="time of day (repeatable)")
    ics.add_argument("--days", metavar="mon,wed,fri", help="the days, for N per week")
    ics.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    ics.add_argument("--force", action="store_true", help="replace FILE if it exists")
    return parser


def _date(text: str):
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date like 2026-01-31") from None


def _add_data_dir(parser: argparse.ArgumentParser, default) -> None:
    parser.add_argument(
        "--data-dir",
        type=Path,
        metavar="DIR",
        default=default,
        help="keep the log and your routines here instead of the user data folder",
    )


def _add_session_options(parser: argparse.ArgumentParser, default) -> None:
    def flag(name: str, help_text: str) -> None:
        parser.add_argument(name, action="store_true", default=default, help=help_text)

    flag("--no-audio", "no sounds and no voice")
    flag("--no-voice", "sounds, but no spoken announcements")
    flag("--wait", "wait for a key before each exercise instead of starting it by itself")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    _fill_closed_descriptors()
    saved = sys.stdout
    sys.stdout = _Output(saved)
    try:
        return _main(argv)
    finally:
        sys.stdout = saved


def _main(argv: Sequence[str] | None) -> int:
    from backroutine.files import FileProblem, TargetExists

    handlers = {
        None: _open_app,
        "run": _run,
        "validate": _validate,
        "list": _list,
        "schema": _schema,
        "import": _import,
        "new": _new,
        "print": _print,
        "history": _history,
        "settings": _settings,
        "export": _export,
        "due": _due,
        "remind": _remind,
    }
    try:
        args = build_parser().parse_args(argv)  # --help and --version write, too
        status = handlers[args.command](args)
        sys.stdout.flush()
        return status
    except (_CannotOpenLog, FileProblem) as error:
        print(f"backroutine: {error}", file=sys.stderr)
        return EXIT_USAGE if isinstance(error, TargetExists) else EXIT_INVALID
    except _NoAnswers:
        print(
            "backroutine: the check-in needs a terminal to answer its questions, and standard "
            "input is closed or at its end: run this in a terminal, or add --no-checkin to "
            "run the routine unattended",
            file=sys.stderr,
        )
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `backroutine list | head`: the reader left, nothing more to say.
        sys.stdout.drop()
        return EXIT_OK
    except _OutputFailed as error:
        sys.stdout.drop()
        print(f"backroutine: cannot write to standard output: {error}", file=sys.stderr)
        return EXIT_INVALID


class _OutputFailed(Exception):
    """Standard output is closed, or writing to it failed (a full disk, /dev/full)."""


class _Output:
    """Standard output, whose failures `main` reports in a sentence (BrokenPipe aside)."""

    def __init__(self, stream) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        return self._guarded("write", text)

    def flush(self) -> None:
        if self._stream is not None:
            self._guarded("flush")

    def isatty(self) -> bool:
        return self._stream is not None and self._stream.isatty()

    def _guarded(self, method: str, *args):
        if self._stream is None:
            raise _OutputFailed("it is closed")
        try:
            return getattr(self._stream, method)(*args)
        except BrokenPipeError:
            raise
        except (OSError, ValueError) as error:  # ValueError: a closed file object
            raise _OutputFailed(getattr(error, "strerror", None) or str(error)) from None

    def drop(self) -> None:
        """Send what is still buffered nowhere, so that exiting stays quiet."""
        import os

        with contextlib.suppress(OSError, AttributeError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), self._stream.fileno())

    def __getattr__(self, name: str):
        if self._stream is None:
            raise _OutputFailed("it is closed")
        return getattr(self._stream, name)


def _fill_closed_descriptors() -> None:
    """Put /dev/null where standard input, output or error was closed (`>&-`).

    Else the next file opened (the log) would take its number, and output meant for
    the terminal could land in it.
    """
    import os

    for number in (0, 1, 2):
        try:
            os.fstat(number)
        except OSError:
            os.open(os.devnull, os.O_RDWR)  # takes the lowest free number: this one




def _validate(args: argparse.Namespace) -> int:
    from datetime import date

    from backroutine.loader import Problem, RoutineFileError, check_routine_file
    from backroutine.paths import routine_files
    from backroutine.text import printable

    failures = 0
    checked = 0
    for given in args.paths:
        if given.is_dir():
            files = routine_files(given)
            if not files:
                print(f"{printable(given)}: no .yaml routine files in this folder",
                      file=sys.stderr)
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
                loaded, warnings = check_routine_file(path, today=date.today())
            except RoutineFileError as error:
                failures += 1
                report(error.problems)
                continue
            for warning in warnings:
                kind = "" if args.strict else "warning: "
                print(
                    printable(f"{warning.source}:{warning.line}:{warning.column}: "
                              f"{kind}{warning.message}"),
                    file=sys.stderr,
                )
            if warnings and args.strict:
                failures += 1
                continue
            summary = _summary(loaded.routine)
            if warnings:
                summary += f", {len(warnings)} warning{'s' if len(warnings) != 1 else ''}"
            print(f"{printable(path)}: ok ({summary})")
    if checked > 1 or failures:
        print(
            f"{checked - min(failures, checked)} of {checked} routine files valid",
            file=sys.stderr if failures else sys.stdout,
        )
    return EXIT_INVALID if failures else EXIT_OK


def _summary(routine) -> str:
    from backroutine.text import human_duration

    count = len(routine.exercises)
    plural = "s" if count != 1 else ""
    return f"{count} exercise{plural}, {human_duration(routine.planned_seconds())}"


def report(problems) -> None:
    """Print routine file problems on standard error; file names may hold anything."""
    from backroutine.text import printable

    for problem in problems:
        print(printable(problem), file=sys.stderr)


def _list(args: argparse.Namespace) -> int:
    from datetime import date

    from backroutine.catalog import find_routines
    from backroutine.paths import data_dir, user_routines_dir
    from backroutine.progression import as_of, has_progression
    from backroutine.text import printable

    user_dir = user_routines_dir(data_dir(args.data_dir))
    entries = find_routines(user_dir)
    sessions = (
        _logged_sessions(args)
        if any(entry.loaded and has_progression(entry.loaded.routine) for entry in entries)
        else []
    )
    names = {entry.path: printable(entry.name) for entry in entries}
    width = max(map(len, names.values()), default=0)
    for entry in entries:
        origin = "" if entry.bundled else "  (yours)"
        if entry.loaded:
            routine = entry.loaded.routine
            often = f", {routine.frequency}" if routine.frequency else ""
            if has_progression(routine):
                progressed, week = as_of(entry.loaded, sessions, date.today())
                routine = progressed.routine
                often += f", week {week}"
            print(
                f"{names[entry.path]:<{width}}  {printable(routine.title)}: "
                f"{_summary(routine)}{often}{origin}"
            )
        else:
            problem = printable(entry.problems[0])
            print(f"{names[entry.path]:<{width}}  cannot be used: {problem}{origin}")
    if not entries:
        print("no routines found")
    print(f"\nyour own routines go in {printable(user_dir)}")
    return EXIT_OK


def _logged_sessions(args: argparse.Namespace) -> list:
    """The log's sessions, or none when there is no usable log (listing still works)."""
    from backroutine.paths import data_dir, log_path

    if not log_path(data_dir(args.data_dir)).exists():
        return []
    try:
        with _open_log(args) as log:
            return log.sessions()
    except _CannotOpenLog as error:
        print(f"backroutine: {error}", file=sys.stderr)
        return []


def _schema(args: argparse.Namespace) -> int:
    from backroutine.schema import json_schema

    print(json.dumps(json_schema(), indent=2))
    return EXIT_OK


def _import(args: argparse.Namespace) -> int:
    from datetime import date

    from backroutine.loader import RoutineFileError
    from backroutine.paths import data_dir, user_routines_dir
    from backroutine.sharing import ImportRefused, install_routine

    user_dir = user_routines_dir(data_dir(args.data_dir))
    try:
        installed = install_routine(args.file, user_dir, today=date.today(), force=args.force)
    except RoutineFileError as error:
        report(error.problems)
        print(f"backroutine: {args.file} was not imported", file=sys.stderr)
        return EXIT_INVALID
    except ImportRefused as error:
        print(f"backroutine: {error}", file=sys.stderr)
        return EXIT_INVALID
    print("\n".join(installed.report()))
    return EXIT_OK


def _new(args: argparse.Namespace) -> int:
    import shlex

    from backroutine.files import write_atomically
    from backroutine.schema import json_schema
    from backroutine.sharing import DEFAULT_TITLE, SCHEMA_FILE, file_stem, template

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


def _print(args: argparse.Namespace) -> int:
    from backroutine.catalog import UnknownRoutine, load_entry, resolve
    from backroutine.files import write_atomically
    from backroutine.handout import render
    from backroutine.paths import data_dir, user_routines_dir
    from backroutine.progression import has_progression, routine_for_week

    try:
        entry = load_entry(resolve(args.routine, user_routines_dir(data_dir(args.data_dir))))
    except UnknownRoutine as error:
        print(f"backroutine: {error}", file=sys.stderr)
        return EXIT_USAGE
    if entry.loaded is None:
        report(entry.problems)
        return EXIT_INVALID
    routine = entry.loaded.routine
    week = args.week
    if week is None and has_progression(routine):
        week = _current_week(args, entry.loaded)
    if week is not None:
        week = max(1, week)
        routine = routine_for_week(routine, week)
    text = render(routine, args.format, week=week)
    if args.output is None:
        print(text, end="")
        return EXIT_OK
    write_atomically(args.output, text, replace=args.force)
    print(f"wrote {args.output}", file=sys.stderr)
    return EXIT_OK


def _current_week(args: argparse.Namespace, loaded) -> int:
    """The patient's week of a routine, from the log; says which on stderr."""
    from datetime import date

    from backroutine.progression import first_done, week_number
    from backroutine.text import printable

    first = first_done(_logged_sessions(args), loaded.sha256)
    week = week_number(first, date.today())
    since = (
        f", counted from your first session on {first.isoformat()}"
        if first is not None
        else ": not done yet"
    )
    print(
        f"week {week} of {printable(loaded.routine.title)}{since}; "
        "--week N prints another week",
        file=sys.stderr,
    )
    return week


def _run(args: argparse.Namespace) -> int:
    from backroutine.catalog import UnknownRoutine, resolve
    from backroutine.paths import data_dir, user_routines_dir

    try:
        path = resolve(args.routine, user_routines_dir(data_dir(args.data_dir)))
    except UnknownRoutine as error:
        print(f"backroutine: {error}", file=sys.stderr)
        return EXIT_USAGE
    if not args.plain:
        unable = _why_not_full_screen()
        if unable is None:
            return _open_app(args, start_with=path)
        print(f"backroutine: {unable}: using plain mode", file=sys.stderr)
    return _run_plain(args, path)


def _why_not_full_screen() -> str | None:
    """Why the full-screen app cannot run here, or None when it can."""
    import os

    if sys.stdin is None or not sys.stdin.isatty():
        return "standard input is not a terminal"
    if not sys.stdout.isatty():
        return "standard output is not a terminal"
    term = os.environ.get("TERM", "")
    if term in ("", "dumb"):
        return f"this terminal cannot show the full-screen app (TERM={term or 'unset'})"
    return None


class _NoAnswers(Exception):
    """A question was asked, and standard input is closed or at its end."""


def _ask(question: str) -> str:
    """The patient's answer, typed in the terminal's line mode (echoed, Backspace works)."""
    if sys.stdin is None:
        raise _NoAnswers
    try:
        return input(question)
    except EOFError:
        print()
        raise _NoAnswers from None


def _ask_or_skip(question: str) -> str:
    """An answer that may be skipped: nothing, when there is nobody to ask any more."""
    try:
        return _ask(question)
    except _NoAnswers:
        return ""


@contextlib.contextmanager
def _ending_on_signals(stop):
    """While inside, SIGTERM and SIGHUP call `stop(signal number)` instead of killing at
    once, so the terminal is given back as it was found (echo, line mode, main screen)."""
    import signal

    wanted = (signal.SIGTERM, signal.SIGHUP)
    previous = {number: signal.signal(number, lambda number, _: stop(number))
                for number in wanted}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _raise_exit(number: int) -> None:
    raise SystemExit(128 + number)


class _CannotOpenLog(Exception):
    """The completion log exists but cannot be used; the file is kept as it is."""


def _open_log(args: argparse.Namespace):
    from backroutine.log import CompletionLog, LogError
    from backroutine.paths import data_dir, log_path

    try:
        return CompletionLog.open(log_path(data_dir(args.data_dir)))
    except LogError as error:
        raise _CannotOpenLog(str(error)) from None


def _run_plain(args: argparse.Namespace, path: Path) -> int:
    from backroutine.catalog import load_entry
    from backroutine.engine import SessionEngine
    from backroutine.plain import PlainSession, check_out, offer_resume, terminal_keys
    from backroutine.recorder import SessionRecorder, local_now
    from backroutine.safety import checks_in_again
    from backroutine.session_lock import RUNNING_ELSEWHERE, SessionLock
    from backroutine.text import printable

    entry = load_entry(path)
    if entry.loaded is None:
        report(entry.problems)
        return EXIT_INVALID
    loaded = entry.loaded
    routine = loaded.routine
    print(f"{printable(routine.title)}: {_summary(routine)}")
    at_terminal = sys.stdin is not None and sys.stdin.isatty()
    asking = not args.no_checkin
    sound = _SoundSetup(args, _Ring())
    sound.start()
    print(f"Sound: {sound.note}")
    options = {
        "wait_before_exercise": args.wait and at_terminal,
        "resume_lead_in": 3.0 if at_terminal else 0.0,
    }
    with _open_log(args) as log, SessionLock.beside(log.path) as lock, _ending_on_signals(
        _raise_exit
    ):
        if not lock.acquire():
            print(f"backroutine: {RUNNING_ELSEWHERE}", file=sys.stderr)
            return EXIT_INVALID
        log.on_trouble = lambda message: print(message, flush=True)
        # Questions first, in the terminal's line mode (answers echoed, Backspace works);
        # single keys only once the session runs.
        recorder = offer_resume(log, loaded, options, ask=_ask) if asking else None
        pain_before = check_in_id = None
        if recorder is None or checks_in_again(log.session(recorder.session_id), local_now()):
            go_ahead, pain_before, check_in_id = _plain_check_in(args, log, loaded, recorder)
            if not go_ahead:
                return EXIT_INVALID
        if recorder is None:
            engine = SessionEngine(routine.segments(), **options)
            # The recorder listens first, so a line printed means the segment is saved.
            recorder = SessionRecorder.start(log, loaded, engine, pain_before=pain_before)
        if check_in_id is not None:
            log.attach_check_in(check_in_id, recorder.session_id)
        with terminal_keys() if at_terminal else _no_keys() as keys:
            cues = sound.cue_player(recorder.engine, routine)
            status = PlainSession(recorder.engine, keys=keys, audio=cues).run()
            cues.backend.wait_done(timeout=3.0)  # let "routine complete" finish playing
        if asking:
            _wait_until_saved(log)  # the check-out reads the session back
            check_out(recorder, ask=_ask_or_skip)
        _wait_until_saved(log)
    return EXIT_OK if status == "finished" else EXIT_INVALID


def _wait_until_saved(log) -> None:
    """Before exiting, save what still waits for a full disk or a lock to clear."""
    import time

    if log.save_pending():
        return
    print(
        f"backroutine: waiting to save your session: {str(log.trouble).rstrip('.')}. Press "
        "Ctrl-C to stop waiting: the session can then be resumed from its last saved point.",
        file=sys.stderr, flush=True,
    )
    with contextlib.suppress(KeyboardInterrupt):
        while not log.save_pending():
            time.sleep(1)


def _plain_check_in(args: argparse.Namespace, log, loaded, resuming) -> tuple:
    """Ask (or, with --no-checkin, skip) the check-in in plain text and log it.

    Returns (go ahead?, pain now, the check-in's id in the log).
    """
    from backroutine.plain import check_in
    from backroutine.recorder import local_now
    from backroutine.safety import check_in_context, check_in_record, emergency_number
    from backroutine.settings import load_settings

    routine = loaded.routine
    path = str(loaded.source.resolve())
    now = local_now()
    context = check_in_context(
        log, tags=routine.tags, routine_path=path, today=now.date(),
        emergency_number=emergency_number(load_settings().settings.emergency_number),
        resuming=resuming.session_id if resuming else None,
    )
    answers = None if args.no_checkin else check_in(routine, context, ask=_ask)
    record = check_in_record(answers, context, routine_title=routine.title,
                             routine_path=path, at=now)
    check_in_id = log.record_check_in(record)
    return record.went_ahead, answers and answers.pain_now, check_in_id


def _no_keys():
    from contextlib import nullcontext

    return nullcontext(None)


def _history(args: argparse.Namespace) -> int:
    from backroutine.export import render_history

    with _open_log(args) as log:
        render_history(log, sys.stdout)
    return EXIT_OK


def _settings(args: argparse.Namespace) -> int:
    from backroutine.paths import settings_path
    from backroutine.settings import changed, describe, load_settings, save_settings

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


def _due(args: argparse.Namespace) -> int:
    from backroutine.reminders.commands import due

    return due(args, _open_log)


def _remind(args: argparse.Namespace) -> int:
    from backroutine.reminders.commands import remind

    return remind(args, _open_log)


def _export(args: argparse.Namespace) -> int:
    from io import StringIO

    from backroutine.export import export
    from backroutine.files import write_atomically

    with _open_log(args) as log:
        if args.output is None:
            export(log, args.format, args.since, sys.stdout)
            return EXIT_OK
        text = StringIO(newline="")
        export(log, args.format, args.since, text)
    # Health data: the patient's to share, so readable by them alone.
    write_atomically(args.output, text.getvalue(), replace=args.force, mode=0o600)
    print(f"wrote {args.output}", file=sys.stderr)
    return EXIT_OK


def _open_app(args: argparse.Namespace, start_with: Path | None = None) -> int:
    import asyncio

    from backroutine.paths import data_dir, user_routines_dir
    from backroutine.prepare import PreparedCatalog

    unable = _why_not_full_screen() if start_with is None else None
    if unable is not None and sys.stdin is not None and sys.stdin.isatty():
        print(f"backroutine: {unable}: using plain mode", file=sys.stderr)
        return _pick_in_plain_mode(args)
    if unable is not None:
        print(
            f"backroutine: the app needs a terminal that can show it, and {unable}. "
            "To do a routine in plain mode: backroutine run ROUTINE --plain (add --no-checkin "
            "to run it unattended); backroutine list shows the routines.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    with _open_log(args) as log:
        # The helper validates the routine files on another core while Textual loads here.
        wanted = [Path(session.routine_path) for session in log.unfinished_sessions()]
        routines = PreparedCatalog(
            user_routines_dir(data_dir(args.data_dir)),
            [start_with, *wanted] if start_with else wanted,
            entries=start_with is None,
        )
        from backroutine.tui.app import AppContext, create_app

        ring = _Ring()
        context = AppContext(
            routines=routines,
            start_with=start_with,
            check_in=not getattr(args, "no_checkin", False),
            wait_before_exercise=args.wait,
            log=log,
            sound=_SoundSetup(args, ring),
        )
        app = create_app(context)
        ring.to = app.bell

        def stop(number: int) -> None:
            # The app's own way out restores the terminal; the session stays resumable.
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:  # not running yet, or already stopped
                _raise_exit(number)
            loop.call_soon_threadsafe(app.exit, None, 128 + number)

        with _ending_on_signals(stop):
            app.run()
        _wait_until_saved(log)
    return app.return_code or EXIT_OK


def _pick_in_plain_mode(args: argparse.Namespace) -> int:
    """The picker for a terminal that cannot show the app: the routines numbered, one
    chosen by typing its number, then played in plain mode."""
    from backroutine.catalog import find_routines
    from backroutine.paths import data_dir, user_routines_dir
    from backroutine.text import printable

    usable = [entry for entry in find_routines(user_routines_dir(data_dir(args.data_dir)))
              if entry.loaded]
    for number, entry in enumerate(usable, 1):
        print(f"{number:>3}. {printable(entry.loaded.routine.title)}: "
              f"{_summary(entry.loaded.routine)}")
    while True:
        answer = _ask("Which routine? Type its number, or Enter to stop: ").strip()
        if not answer:
            return EXIT_OK
        if answer.isdigit() and 1 <= int(answer) <= len(usable):
            break
        print(f"Please type a number from 1 to {len(usable)}, or just Enter.")
    args.no_checkin = False  # the patient is at the keyboard: check in as always
    return _run_plain(args, usable[int(answer) - 1].path)


class _Ring:
    """The terminal bell, for when there is no sound device: the app's, or a plain BEL."""

    def __init__(self) -> None:
        self.to = self._bell

    @staticmethod
    def _bell() -> None:
        if sys.stdout.isatty():  # in a pipe or a file, a BEL is only noise
            print("\a", end="", flush=True)

    def __call__(self) -> None:
        self.to()


class _SoundSetup(threading.Thread):
    """Chooses the sound backend and voice in the background: opening a device takes time.

    The app starts it once its first frame is drawn: its imports would slow that frame.
    """

    def __init__(self, args: argparse.Namespace, ring: _Ring) -> None:
        super().__init__(daemon=True)
        self.args, self.ring = args, ring

    def run(self) -> None:
        from backroutine.audio import CuePlayer, choose_backend, choose_voice
        from backroutine.paths import cache_dir
        from backroutine.settings import load_settings

        loaded = load_settings()
        settings = loaded.settings
        wanted = settings.sound and not self.args.no_audio
        backend = choose_backend(sound=wanted, ring=self.ring)
        speaks = backend.plays_samples and not self.args.no_voice
        voice, voice_note = choose_voice(
            settings.voice if speaks else "off", settings.speech_rate, cache_dir() / "voice"
        )

        def cue_player(engine, routine) -> CuePlayer:
            cues = CuePlayer(backend, routine, voice=voice, volume=settings.volume)
            engine.subscribe(cues.on_event)
            return cues

        notes = [backend.reason, *loaded.problems]
        if speaks and settings.voice != "off":
            notes.append(voice_note)
        self.value = (cue_player, "; ".join(notes))

    def cue_player(self, engine, routine):
        """A cue player following `engine` through `routine`."""
        self.join()
        return self.value[0](engine, routine)

    @property
    def note(self) -> str:
        """One sentence on what sound there is and why."""
        self.join()
        return self.value[1]
