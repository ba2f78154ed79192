"""The composition root: `run` and the app, where the log, the routine, the session,
the sound and the front end (the app or plain mode) are built and handed to each other."""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from backroutine.cli.handlers import (
    EXIT_INVALID,
    EXIT_OK,
    EXIT_USAGE,
    open_log,
    report,
    routine_summary,
)

if TYPE_CHECKING:
    from backroutine.audio.backends import AudioBackend
    from backroutine.audio.cue_player import CuePlayer
    from backroutine.log.store import CompletionLog
    from backroutine.routine.model import LoadedRoutine, Routine
    from backroutine.session.checkin import CheckInResult
    from backroutine.session.engine import SessionEngine
    from backroutine.session.recorder import SessionRecorder


def run(args: argparse.Namespace) -> int:
    from backroutine.base.paths import data_dir, user_routines_dir
    from backroutine.routine.catalog import UnknownRoutine, resolve

    try:
        path = resolve(args.routine, user_routines_dir(data_dir(args.data_dir)))
    except UnknownRoutine as error:
        print(f"backroutine: {error}", file=sys.stderr)
        return EXIT_USAGE
    if not args.plain:
        unable = _why_not_full_screen()
        if unable is None:
            return open_app(args, start_with=path)
        _say_plain_mode(unable)
    return _run_plain(args, path)


def _say_plain_mode(unable: str) -> None:
    print(f"backroutine: {unable}: using plain mode", file=sys.stderr)


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


class NoAnswers(Exception):
    """A question was asked, and standard input is closed or at its end."""


def _ask(question: str) -> str:
    """The patient's answer, typed in the terminal's line mode (echoed, Backspace works)."""
    if sys.stdin is None:
        raise NoAnswers
    try:
        return input(question)
    except EOFError:
        print()
        raise NoAnswers from None


def _ask_or_skip(question: str) -> str:
    """An answer that may be skipped: nothing, when there is nobody to ask any more."""
    try:
        return _ask(question)
    except NoAnswers:
        return ""


@contextlib.contextmanager
def _ending_on_signals(stop: Callable[[int], None]) -> Iterator[None]:
    """While inside, SIGTERM and SIGHUP call `stop(signal number)` instead of killing at
    once, so the terminal is given back as it was found (echo, line mode, main screen)."""
    import signal

    wanted = (signal.SIGTERM, signal.SIGHUP)
    previous = {number: signal.signal(number, lambda number, _: stop(number)) for number in wanted}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _raise_exit(number: int) -> None:
    raise SystemExit(128 + number)


APP_EXIT_GRACE_SECONDS = 3.0
"""How long the app may take to end after SIGTERM or SIGHUP before it is ended at once."""


def _end_unless_set(ended: threading.Event, code: int) -> None:
    if not ended.wait(APP_EXIT_GRACE_SECONDS):
        os._exit(code)


def _run_plain(args: argparse.Namespace, path: Path) -> int:
    import time

    from backroutine.base.clock import local_now
    from backroutine.base.text import printable
    from backroutine.plain.session import (
        PlainSession,
        ask_stage,
        check_out,
        offer_resume,
        terminal_keys,
    )
    from backroutine.routine.catalog import load_entry
    from backroutine.routine.helper_process import stop_early
    from backroutine.routine.stages import stage_started
    from backroutine.routine.words import week_said, you_need
    from backroutine.session.lock import RUNNING_ELSEWHERE, SessionLock
    from backroutine.session.workflow import (
        EngineOptions,
        as_played,
        stage_question,
        start_session,
    )

    # Both put in place by `entry` in case the app opened: plain mode validates the file
    # itself, and collects garbage as any long-running program does.
    stop_early()
    gc.enable()
    entry = load_entry(path)
    if entry.loaded is None:
        report(entry.problems)
        return EXIT_INVALID
    loaded = entry.loaded
    routine = loaded.routine
    at_terminal = sys.stdin is not None and sys.stdin.isatty()
    asking = not args.no_checkin
    sound = SoundSetup(args, Ring())
    sound.start()
    print(sound.note)
    options = EngineOptions(
        wait_before_exercise=args.wait and at_terminal,
        resume_lead_in=3.0 if at_terminal else 0.0,
        self_paced_beat=args.beat,
    )
    with (
        open_log(args) as log,
        SessionLock.beside(log.path) as lock,
        _ending_on_signals(_raise_exit),
    ):
        if not lock.acquire():
            print(f"backroutine: {RUNNING_ELSEWHERE}", file=sys.stderr)
            return EXIT_INVALID
        log.on_trouble = lambda message: print(message, flush=True)
        # Said with this week's numbers, as `list` and the app show them.
        this_weeks = as_played(log, loaded, local_now().date()).routine
        sound.prepare(this_weeks)  # the voice's phrases, made while the check-in is asked
        print(f"{printable(routine.title)}: {routine_summary(this_weeks)}")
        needed = you_need(this_weeks)
        if needed:
            print(needed)
        # Questions first, in the terminal's line mode (answers echoed, Backspace works);
        # single keys only once the session runs.
        offer = offer_resume(log, loaded, options=options, ask=_ask) if asking else None
        resuming = None if offer is None else offer.recorder
        pain_before = check_in_id = None
        if offer is None or offer.checks_in_again(local_now()):
            result = _plain_check_in(args, log, loaded, resuming)
            if not result.went_ahead:
                return EXIT_INVALID
            pain_before, check_in_id = result.pain_now, result.check_in_id
        if offer is None:
            new = start_session(
                log,
                loaded,
                time.monotonic,
                options,
                pain_before=pain_before,
                check_in_id=check_in_id,
                day=local_now().date(),
            )
            assert new.recorder is not None  # there is a log
            played, recorder = new.loaded, new.recorder
            if new.week is not None:
                print(week_said(new.week))
            if new.stage is not None:
                print(printable(stage_started(played.routine, new.stage)))
        else:
            played, recorder = offer.loaded, offer.recorder
            if check_in_id is not None:
                log.attach_check_in(check_in_id, recorder.session_id)
        with terminal_keys() if at_terminal else _no_keys() as keys:
            cues = sound.cue_player(recorder.engine, played.routine)
            # A resumed session's ending line counts the steps left before it stopped too.
            earlier = () if offer is None else log.session(recorder.session_id).exercises
            status = PlainSession(
                recorder.engine, keys=keys, audio=cues, routine=played.routine, earlier=earlier
            ).run()
            cues.backend.wait_done(timeout=3.0)  # let "routine complete" finish playing
        if asking:
            _wait_until_saved(log)  # the check-out reads the session back
            check_out(recorder, ask=_ask_or_skip)
            _wait_until_saved(log)  # the stage question reads the pain after
            question = stage_question(log, played, recorder.session_id, local_now())
            ask_stage(question, log, ask=_ask_or_skip)
        _wait_until_saved(log)
    return EXIT_OK if status == "finished" else EXIT_INVALID


def _wait_until_saved(log: CompletionLog) -> None:
    """Before exiting, save what still waits for a full disk or a lock to clear."""
    import time

    if log.save_pending():
        return
    print(
        f"backroutine: waiting to save your session: {str(log.trouble).rstrip('.')}. Press "
        "Ctrl-C to stop waiting: the session can then be resumed from its last saved point.",
        file=sys.stderr,
        flush=True,
    )
    with contextlib.suppress(KeyboardInterrupt):
        while not log.save_pending():
            time.sleep(1)


def _plain_check_in(
    args: argparse.Namespace,
    log: CompletionLog,
    loaded: LoadedRoutine,
    resuming: SessionRecorder | None,
) -> CheckInResult:
    """Ask (or, with --no-checkin, skip) the check-in in plain text, and log it."""
    from backroutine.base.clock import local_now
    from backroutine.plain.session import check_in
    from backroutine.session.checkin import begin_check_in

    asked = begin_check_in(
        log, loaded, now=local_now(), resuming=resuming.session_id if resuming else None
    )
    answers = None if args.no_checkin else check_in(loaded.routine, asked.context, ask=_ask)
    return asked.answered(answers)


def _no_keys() -> contextlib.nullcontext[None]:
    return contextlib.nullcontext(None)


def open_app(args: argparse.Namespace, start_with: Path | None = None) -> int:
    import asyncio

    from backroutine.base.paths import data_dir, user_routines_dir
    from backroutine.routine.prevalidate import PreparedCatalog

    unable = _why_not_full_screen() if start_with is None else None
    if unable is not None and sys.stdin is not None and sys.stdin.isatty():
        _say_plain_mode(unable)
        return _pick_in_plain_mode(args)
    if unable is not None:
        print(
            f"backroutine: the app needs a terminal that can show it, and {unable}. "
            "To do a routine in plain mode: backroutine run ROUTINE --plain (add --no-checkin "
            "to run it unattended); backroutine list shows the routines.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    # The helper validates the routine files on another core while Textual loads here.
    user_dir = user_routines_dir(data_dir(args.data_dir))
    if start_with is not None:
        # Asked before the log opens: a routine asked for is all the app validates (its
        # own unfinished sessions are the only ones offered, filed under its resolved path).
        routines = PreparedCatalog(user_dir, _spellings(start_with), entries=False)
    with open_log(args) as log:
        if start_with is None:
            wanted = [Path(session.routine_path) for session in log.unfinished_sessions()]
            routines = PreparedCatalog(user_dir, wanted, entries=True)
        from backroutine.base.settings import load_settings
        from backroutine.tui.app import AppContext, create_app

        ring = Ring()
        context = AppContext(
            routines=routines,
            start_with=start_with,
            check_in=not getattr(args, "no_checkin", False),
            wait_before_exercise=args.wait,
            self_paced_beat=args.beat,
            log=log,
            sound=SoundSetup(args, ring),
            flash=load_settings().settings.flash,
        )
        app = create_app(context)
        ring.to = app.bell

        app_ended = threading.Event()

        def stop(number: int) -> None:
            # The app's own way out restores the terminal; the session stays resumable.
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:  # not running yet, or already stopped
                _raise_exit(number)
            loop.call_soon_threadsafe(app.exit, None, 128 + number)
            # A terminal closed mid-paint can leave Textual's output thread dead with its
            # queue full, and the app's way out blocked behind it for ever, holding the
            # session lock. What was done is already in the log (as after a SIGKILL).
            threading.Thread(
                target=_end_unless_set, args=(app_ended, 128 + number), daemon=True
            ).start()

        with _ending_on_signals(stop):
            app.run()
        app_ended.set()
        _wait_until_saved(log)
    return app.return_code or EXIT_OK


def _spellings(path: Path) -> list[Path]:
    """`path` as typed and as the log files a session of it (resolved)."""
    return list(dict.fromkeys([path, path.resolve()]))


def _pick_in_plain_mode(args: argparse.Namespace) -> int:
    """The picker for a terminal that cannot show the app: the routines numbered, one
    chosen by typing its number, then played in plain mode."""
    from backroutine.base.paths import data_dir, user_routines_dir
    from backroutine.base.text import printable
    from backroutine.plain.session import ask_number
    from backroutine.routine.catalog import find_routines

    usable = [
        (entry.path, entry.loaded.routine)
        for entry in find_routines(user_routines_dir(data_dir(args.data_dir)))
        if entry.loaded
    ]
    for number, (_, routine) in enumerate(usable, 1):
        print(f"{number:>3}. {printable(routine.title)}: {routine_summary(routine)}")
    chosen = ask_number(
        "Which routine? Type its number, or Enter to stop: ", len(usable), _ask, sys.stdout
    )
    if chosen is None:
        return EXIT_OK
    args.no_checkin = False  # the patient is at the keyboard: check in as always
    path, _ = usable[chosen - 1]
    return _run_plain(args, path)


class Ring:
    """The terminal bell, for when there is no sound device: the app's, or a plain BEL."""

    def __init__(self) -> None:
        self.to = self._bell

    @staticmethod
    def _bell() -> None:
        if sys.stdout.isatty():  # in a pipe or a file, a BEL is only noise
            print("\a", end="", flush=True)

    def __call__(self) -> None:
        self.to()


class SoundSetup(threading.Thread):
    """Chooses the sound backend and voice in the background: opening a device takes time.

    The app starts it as it mounts: it runs while the first frame waits to be drawn.
    """

    def __init__(self, args: argparse.Namespace, ring: Ring) -> None:
        super().__init__(daemon=True)
        self.args, self.ring = args, ring

    def run(self) -> None:
        from backroutine.audio.backends import choose_backend
        from backroutine.audio.cue_player import CuePlayer
        from backroutine.audio.voice import choose_voice
        from backroutine.base.paths import cache_dir
        from backroutine.base.settings import load_settings

        loaded = load_settings()
        settings = loaded.settings
        wanted = settings.sound and not self.args.no_audio
        backend = choose_backend(sound=wanted, ring=self.ring)
        speaks = backend.plays_samples and not self.args.no_voice
        voice, voice_note = choose_voice(
            settings.voice if speaks else "off", settings.speech_rate, cache_dir() / "voice"
        )

        def cue_player(engine: SessionEngine, routine: Routine) -> CuePlayer:
            cues = CuePlayer(backend, routine, voice=voice, volume=settings.volume)
            cues.follow(engine)
            return cues

        said = self._why(backend, settings.sound, settings.voice, voice is None, voice_note)
        self.value = (cue_player, "; ".join([said, *loaded.problems]))
        self.voice = voice

    def _why(
        self, backend: AudioBackend, sound: bool, voice: str, voiceless: bool, voice_note: str
    ) -> str:
        """What sound there is; where there is none, or no voice, why and how to have it."""
        from backroutine.routine import words

        if self.args.no_audio:
            return words.SOUND_OFF_FOR_THIS_RUN
        if not sound:
            return words.SOUND_OFF_IN_SETTINGS
        if backend.problem is not None:
            return words.no_sound_played(backend.problem, bell=backend.name == "bell")
        if self.args.no_voice:
            return words.VOICE_OFF_FOR_THIS_RUN
        if voice == "off":
            return words.VOICE_OFF_IN_SETTINGS
        if voiceless:
            return words.NO_VOICE
        return words.sound_on(backend.reason, voice_note)

    def prepare(self, routine: Routine) -> None:
        """Start making the voice's phrases for `routine` as soon as it is chosen (the
        check-in gives them time); returns at once, before the choice is made if need be."""

        def prepare_once_chosen() -> None:
            from backroutine.audio.voice import routine_phrases

            self.join()
            if self.voice is not None:
                self.voice.prepare(routine_phrases(routine))

        threading.Thread(target=prepare_once_chosen, name="voice-ahead", daemon=True).start()

    def cue_player(self, engine: SessionEngine, routine: Routine) -> CuePlayer:
        """A cue player following `engine` through `routine`."""
        self.join()
        return self.value[0](engine, routine)

    @property
    def note(self) -> str:
        """One sentence on what sound there is; where there is none, why and how to have it."""
        self.join()
        return self.value[1]
