"""Where the sounds go: simpleaudio, a platform player, the terminal bell, or nowhere.

`choose_backend()` picks the best that works here, once, at start-up. It may take a few
milliseconds (it opens the sound device), so call it off the event loop. Every backend's
`play()` returns at once: the sample-playing ones hand the sound to a worker thread, which
opens the device and never lets a failure reach the session.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

from backroutine.audio.sound import Clip, at_volume, write_wav
from backroutine.routine.words import NO_SOUND_DEVICE

PLAYER_COMMANDS = (["paplay"], ["aplay", "-q"], ["afplay"])
"""Platform players tried, in order, when simpleaudio is missing."""
PROBE = Clip(bytes(2 * 220))
"""10 ms of silence: opening the device with it tells whether there is one."""


class AudioBackend:
    """Plays sounds without blocking; `name` and `reason` say which backend and why."""

    name = "silent"
    plays_samples = False
    """False for the bell and silent backends, which cannot speak."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        """One sentence for the UI, e.g. "no sound device found: using the terminal bell"."""
        self.last_error: str | None = None
        """Why the latest sound failed to play, if one did."""
        self.problem: str | None = None
        """Why no sound device plays here (`NO_SOUND_DEVICE`, or the audio library's
        trouble), when the bell or silence stands in."""

    def play(self, sound: Clip, volume: float = 1.0) -> None:
        """Start playing `sound` at `volume` (0.0-1.0); returns at once."""

    def wait_done(self, timeout: float = 10.0) -> bool:
        """Sleep until everything started has finished (tests and scripts only: never on
        the event loop). False if still playing after `timeout` seconds."""
        return True

    def close(self) -> None:
        """Stop the worker thread, if any."""


class SilentBackend(AudioBackend):
    """Plays nothing (--no-audio, or no way to make a sound)."""


class BellBackend(AudioBackend):
    """Rings the terminal bell through `ring` (the app's `bell`, or a function that
    writes "\\a" in plain mode), so nothing here writes to the terminal itself."""

    name = "bell"

    def __init__(self, reason: str, ring: Callable[[], None]) -> None:
        super().__init__(reason)
        self._ring = ring

    def play(self, sound: Clip, volume: float = 1.0) -> None:
        """Ring the bell, unless the volume is zero."""
        if volume > 0:
            self._ring()


class _Playing(Protocol):
    def is_playing(self) -> bool: ...


class _QueuedBackend(AudioBackend):
    """Plays sounds from a worker thread, so `play()` only queues them.

    Sounds queued together (the cues of one engine update, say "done" then "rest") are
    joined and played one after the other as one stream, not on top of each other.
    """

    plays_samples = True

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self._queue: queue.Queue[tuple[Clip, float] | None] = queue.Queue()
        self._playing: list[_Playing] = []
        self._worker = threading.Thread(target=self._run, name=f"audio-{self.name}", daemon=True)
        self._worker.start()

    def _start(self, sound: Clip) -> _Playing:
        """Hand `sound` to the device; raise if it cannot be played."""
        raise NotImplementedError

    def play(self, sound: Clip, volume: float = 1.0) -> None:
        """Queue `sound` for the worker thread."""
        self._queue.put((sound, volume))

    def wait_done(self, timeout: float = 10.0) -> bool:
        """Sleep until the queue is empty and every stream has ended."""
        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks or any(
            stream.is_playing() for stream in list(self._playing)
        ):
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True

    def close(self) -> None:
        """Let the worker thread end once the queue is played."""
        self._queue.put(None)

    def _run(self) -> None:
        while True:
            batch = [self._queue.get()]
            while batch[-1] is not None and not self._queue.empty():
                batch.append(self._queue.get())
            for sound in _joined([item for item in batch if item is not None]):
                self._play_now(sound)
            for _ in batch:
                self._queue.task_done()
            if batch[-1] is None:
                return

    def _play_now(self, sound: Clip) -> None:
        self._playing = [stream for stream in self._playing if stream.is_playing()]
        try:
            self._playing.append(self._start(sound))
        except Exception as error:  # a cue that fails must never stop a session
            self.last_error = f"{type(error).__name__}: {error}"


def _joined(batch: list[tuple[Clip, float]]) -> list[Clip]:
    """The batch at its volumes, neighbours of the same rate joined into one sound."""
    sounds: list[Clip] = []
    for sound, volume in batch:
        scaled = at_volume(sound, volume)
        if sounds and sounds[-1].rate == scaled.rate:
            sounds[-1] = sounds[-1].then(scaled)
        else:
            sounds.append(scaled)
    return sounds


class SimpleaudioBackend(_QueuedBackend):
    """Plays through simpleaudio (ALSA on Linux, CoreAudio on macOS)."""

    name = "simpleaudio"

    def __init__(self, reason: str, simpleaudio: ModuleType) -> None:
        self._simpleaudio = simpleaudio
        super().__init__(reason)

    def _start(self, sound: Clip) -> _Playing:
        return self._simpleaudio.play_buffer(sound.pcm, 1, 2, sound.rate)

    def probe(self) -> None:
        """Open the device once with a moment of silence; raise if there is none.

        File descriptor 2 is pointed at /dev/null meanwhile, as sound libraries complain
        there; so run this before the app draws on the terminal.
        """
        with _stderr_silenced():
            self._simpleaudio.play_buffer(PROBE.pcm, 1, 2, PROBE.rate)


class _Process:
    """A player subprocess, seen as a playing stream."""

    def __init__(self, process: subprocess.Popen) -> None:
        self._process = process

    def is_playing(self) -> bool:
        return self._process.poll() is None


class PlayerCommandBackend(_QueuedBackend):
    """Plays each sound with a platform player (paplay, aplay, afplay) in a subprocess."""

    def __init__(self, reason: str, name: str, command: list[str]) -> None:
        self.name = name
        self._command = command
        self._folder = tempfile.TemporaryDirectory(prefix="backroutine-sounds-")
        super().__init__(reason)

    def _file_for(self, sound: Clip) -> Path:
        path = Path(self._folder.name) / f"{hashlib.sha256(sound.pcm).hexdigest()[:16]}.wav"
        if not path.exists():
            write_wav(path, sound)
        return path

    def _start(self, sound: Clip) -> _Playing:
        return _Process(
            subprocess.Popen(
                [*self._command, str(self._file_for(sound))],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )

    def probe(self) -> None:
        """Play a moment of silence; raise if the player fails."""
        subprocess.run(
            [*self._command, str(self._file_for(PROBE))],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=True,
            timeout=5,
        )

    def close(self) -> None:
        """End the worker and remove the temporary sound files."""
        super().close()
        self._folder.cleanup()


def choose_backend(
    *,
    sound: bool = True,
    ring: Callable[[], None] | None = None,
    importer: Callable[[str], ModuleType] = importlib.import_module,
    version_of: Callable[[str], str | None] | None = None,
    which: Callable[[str], str | None] = shutil.which,
    python_version: tuple[int, int] = sys.version_info[:2],
) -> AudioBackend:
    """The best backend that works here: simpleaudio, else a platform player, else the
    bell (when `ring` is given), else silence. Opens the sound device to check it, so
    call it in a thread, before the app takes over the terminal.

    `importer`, `version_of`, `which` and `python_version` stand in for the real ones in
    tests.
    """
    if not sound:
        return SilentBackend("sound is switched off")
    problem, simpleaudio = _import_simpleaudio(
        importer, version_of or _installed_version, python_version
    )
    if simpleaudio is not None:
        _quieten_alsa()
        backend = SimpleaudioBackend("playing sounds with simpleaudio", simpleaudio)
        try:
            backend.probe()
            return backend
        except Exception:  # any failure here means "no device"
            backend.close()
            problem = NO_SOUND_DEVICE
    for name, *options in PLAYER_COMMANDS:
        program = which(name)
        if program is None:
            continue
        player = PlayerCommandBackend(
            f"{problem}: playing sounds with {name}", name, [program, *options]
        )
        try:
            player.probe()
            return player
        except (OSError, subprocess.SubprocessError):
            player.close()
    fallback: AudioBackend = (
        BellBackend(f"{problem}: using the terminal bell", ring)
        if ring is not None
        else SilentBackend(f"{problem}: cues are silent")
    )
    fallback.problem = problem
    return fallback


def _import_simpleaudio(
    importer: Callable[[str], ModuleType],
    version_of: Callable[[str], str | None],
    python_version: tuple[int, int],
) -> tuple[str, ModuleType | None]:
    """simpleaudio, or why not. Upstream 1.0.4 segfaults on Python 3.12+, so it is never
    imported there; the simpleaudio-patched fork installs the same module."""
    if (
        python_version >= (3, 12)
        and version_of("simpleaudio-patched") is None
        and version_of("simpleaudio") == "1.0.4"
    ):
        return (
            "simpleaudio 1.0.4 crashes on Python 3.12 and later "
            "(install simpleaudio-patched instead)",
            None,
        )
    try:
        return "", importer("simpleaudio")
    except ImportError:
        return "simpleaudio is not installed", None


def _installed_version(distribution: str) -> str | None:
    # Imported here, as ctypes below: a session with sound off never needs them.
    import importlib.metadata

    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


@contextmanager
def _stderr_silenced() -> Iterator[None]:
    """Point file descriptor 2 at /dev/null, where C libraries cannot reach the screen."""
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(devnull)
        os.close(saved)


_alsa_error_handler: Any = None  # kept alive: ALSA holds a pointer to it


def _quieten_alsa() -> None:
    """Route libasound's error messages to a no-op instead of file descriptor 2.

    ALSA prints its complaints (no card, underruns) straight to fd 2, where Textual
    draws the screen; redirecting fd 2 around each play would hide the app's own output
    for that moment, so we replace ALSA's error handler instead. Without libasound
    (macOS, Windows) there is nothing to quieten.
    """
    global _alsa_error_handler
    if _alsa_error_handler is not None:
        return
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        asound = ctypes.CDLL("libasound.so.2")
    except OSError:
        return
    handler_type = ctypes.CFUNCTYPE(
        None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p
    )
    _alsa_error_handler = handler_type(lambda *_: None)
    asound.snd_lib_error_set_handler(_alsa_error_handler)
