"""The `backroutine` command. Quick commands (validate, list, schema) never import Textual."""

from __future__ import annotations

import argparse
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
    args = build_parser().parse_args(argv)
    handler = {
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
    }[args.command]
    try:
        return handler(args)
    except _CannotOpenLog as error:
        print(f"backroutine: {error}", file=sys.stderr)
        return EXIT_INVALID
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `backroutine list | head`: the reader left, nothing more to say.
        sys.stderr.close()
        return EXIT_OK


def _validate(args: argparse.Namespace) -> int:
    from datetime import date

    from backroutine.loader import Problem, RoutineFileError, check_routine_file
    from backroutine.paths import routine_files

    failures = 0
    checked = 0
    for given in args.paths:
        if given.is_dir():
            files = routine_files(given)
            if not files:
                print(f"{given}: no .yaml routine files in this folder", file=sys.stderr)
                failures += 1
        elif given.exists():
            files = [given]
        else:
            print(Problem(str(given), 1, 1, "no such file or folder"), file=sys.stderr)
            failures += 1
            continue
        for path in files:
            checked += 1
            try:
                loaded, warnings = check_routine_file(path, today=date.today())
            except RoutineFileError as error:
                failures += 1
                for problem in error.problems:
                    print(problem, file=sys.stderr)
                continue
            for warning in warnings:
                kind = "" if args.strict else "warning: "
                print(
                    f"{warning.source}:{warning.line}:{warning.column}: {kind}{warning.message}",
                    file=sys.stderr,
                )
            if warnings and args.strict:
                failures += 1
                continue
            summary = _summary(loaded.routine)
            if warnings:
                summary += f", {len(warnings)} warning{'s' if len(warnings) != 1 else ''}"
            print(f"{path}: ok ({summary})")
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
    width = max((len(entry.name) for entry in entries), default=0)
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
                f"{entry.name:<{width}}  {printable(routine.title)}: "
                f"{_summary(routine)}{often}{origin}"
            )
        else:
            print(f"{entry.name:<{width}}  cannot be used: {entry.problems[0]}{origin}")
    if not entries:
        print("no routines found")
    print(f"\nyour own routines go in {user_dir}")
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
        for problem in error.problems:
            print(problem, file=sys.stderr)
        print(f"backroutine: {args.file} was not imported", file=sys.stderr)
        return EXIT_INVALID
    except ImportRefused as error:
        print(f"backroutine: {error}", file=sys.stderr)
        return EXIT_INVALID
    print("\n".join(installed.report()))
    return EXIT_OK


def _new(args: argparse.Namespace) -> int:
    import shlex

    from backroutine.schema import json_schema
    from backroutine.sharing import DEFAULT_TITLE, SCHEMA_FILE, file_stem, template

    title = args.title
    if args.file is None and title is None and not sys.stdout.isatty():
        print(template(), end="")  # `backroutine new > routine.yaml`
        return EXIT_OK
    if title is None and sys.stdin.isatty():
        title = input("Title of the routine (e.g. Core for Jane): ")
    if not (title or "").strip():
        title = args.file.stem.replace("-", " ").replace("_", " ") if args.file else ""
        title = title.strip().capitalize() or DEFAULT_TITLE
    title = title.strip()
    path = args.file or Path(f"{file_stem(title)}.yaml")
    if path.suffix.lower() not in {".yaml", ".yml"}:
        path = path.with_name(f"{path.name}.yaml")  # the routine list only reads .yaml files
    if path.exists() and not args.force:
        print(f"backroutine: {path} exists; add --force to replace it", file=sys.stderr)
        return EXIT_USAGE
    path.write_text(template(title), encoding="utf-8")
    # The template's first line names this file: an editor checks the routine against it.
    schema = path.parent / SCHEMA_FILE
    schema.write_text(json.dumps(json_schema(), indent=2) + "\n", encoding="utf-8")
    print(f"wrote {path}; check it with: backroutine validate {shlex.quote(str(path))}")
    print(f"wrote {schema} beside it: editors with YAML support check the routine as you type")
    return EXIT_OK


def _print(args: argparse.Namespace) -> int:
    from backroutine.catalog import UnknownRoutine, load_entry, resolve
    from backroutine.handout import render
    from backroutine.paths import data_dir, user_routines_dir
    from backroutine.progression import has_progression, routine_for_week

    if args.output and args.output.exists() and not args.force:
        print(f"backroutine: {args.output} exists; add --force to replace it", file=sys.stderr)
        return EXIT_USAGE
    try:
        entry = load_entry(resolve(args.routine, user_routines_dir(data_dir(args.data_dir))))
    except UnknownRoutine as error:
        print(f"backroutine: {error}", file=sys.stderr)
        return EXIT_USAGE
    if entry.loaded is None:
        for problem in entry.problems:
            print(problem, file=sys.stderr)
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
    args.output.write_text(text, encoding="utf-8")
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
    if args.plain:
        return _run_plain(args, path)
    return _open_app(args, start_with=path)


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
        for problem in entry.problems:
            print(problem, file=sys.stderr)
        return EXIT_INVALID
    loaded = entry.loaded
    routine = loaded.routine
    print(f"{printable(routine.title)}: {_summary(routine)}")
    interactive = not args.no_checkin and sys.stdin.isatty()
    sound = _SoundSetup(args, _Ring())
    sound.start()
    print(f"Sound: {sound.note}")
    with _open_log(args) as log, SessionLock.beside(log.path) as lock:
        if not lock.acquire():
            print(f"backroutine: {RUNNING_ELSEWHERE}", file=sys.stderr)
            return EXIT_INVALID
        with terminal_keys() if interactive else _no_keys() as keys:
            options = {
                "wait_before_exercise": args.wait and keys is not None,
                "resume_lead_in": 3.0 if keys is not None else 0.0,
            }
            recorder = offer_resume(log, loaded, options) if interactive else None
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
            cues = sound.cue_player(recorder.engine, routine)
            status = PlainSession(recorder.engine, keys=keys, audio=cues).run()
            cues.backend.wait_done(timeout=3.0)  # let "routine complete" finish playing
        if not args.no_checkin:
            check_out(recorder)
    return EXIT_OK if status == "finished" else EXIT_INVALID


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
    answers = None if args.no_checkin else check_in(routine, context)
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
    from backroutine.export import export

    if args.output and args.output.exists() and not args.force:
        print(f"backroutine: {args.output} exists; add --force to replace it", file=sys.stderr)
        return EXIT_USAGE
    with _open_log(args) as log:
        if args.output is None:
            export(log, args.format, args.since, sys.stdout)
            return EXIT_OK
        # Write beside the target and rename, so a failure never leaves half a file.
        partial = args.output.with_name(args.output.name + ".partial")
        with partial.open("w", encoding="utf-8", newline="") as out:
            export(log, args.format, args.since, out)
        partial.replace(args.output)
    print(f"wrote {args.output}", file=sys.stderr)
    return EXIT_OK


def _open_app(args: argparse.Namespace, start_with: Path | None = None) -> int:
    from backroutine.paths import data_dir, user_routines_dir
    from backroutine.prepare import PreparedCatalog

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
        app.run()
    return app.return_code or EXIT_OK


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
