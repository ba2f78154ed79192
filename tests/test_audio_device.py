"""Real sound paths: simpleaudio into ALSA's file device, no device at all, and espeak-ng.

ALSA reads its configuration once per process, so each case runs in a fresh Python
process whose HOME holds the `.asoundrc` under test. Where simpleaudio or espeak-ng is
missing the test is skipped, except under CI=true, where that is a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from array import array
from pathlib import Path

import pytest
from test_audio import EXPECTED_CUES, ROUTINE, RecordingBackend, cue_names, heard, run_session

from backroutine.audio.cue_player import CuePlayer
from backroutine.audio.sound import load_cues
from backroutine.audio.voice import SpeechEngine, Voice, routine_phrases
from backroutine.routine.loader import parse_routine
from backroutine.routine.words import announcement

# Runs a session against whatever backend choose_backend() finds, then reports on it.
SESSION = """
import json, sys
from backroutine.audio.cue_player import CuePlayer
from backroutine.audio.backends import choose_backend
from backroutine.session.engine import FakeClock, SessionEngine
from backroutine.routine.loader import parse_routine

rings = []
backend = choose_backend(ring=lambda: rings.append(1))
cue_player = CuePlayer(backend, parse_routine(sys.stdin.buffer.read(), "t.yaml"), volume=100)
clock = FakeClock()
engine = SessionEngine(cue_player.routine.segments(), clock, halfway_min_seconds=6)
engine.subscribe(cue_player.on_event)
engine.start()
while engine.status != "finished":
    clock.advance(0.5)
    engine.update()
    backend.wait_done()
print(json.dumps({"backend": backend.name, "reason": backend.reason, "status": engine.status,
                  "rings": len(rings), "last_error": backend.last_error}))
"""


def require(condition: bool, reason: str) -> None:
    """Skip when something the test needs is missing here; fail under CI."""
    if condition:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: this must be installed)")
    pytest.skip(reason)


def run_with_asoundrc(home: Path, asoundrc: str) -> tuple[dict, str]:
    """Run SESSION with `asoundrc` as ALSA's user config; its report and its stderr."""
    home.mkdir(exist_ok=True)
    (home / ".asoundrc").write_text(asoundrc)
    result = subprocess.run(
        [sys.executable, "-c", SESSION],
        input=ROUTINE,
        capture_output=True,
        env={**os.environ, "HOME": str(home)},
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout), result.stderr.decode()


def audible(pcm: bytes) -> list[int]:
    """The non-zero samples: ALSA may pad streams with silence, never with sound."""
    return [sample for sample in array("h", pcm) if sample]


def test_simpleaudio_hands_every_cue_to_the_device_in_order(tmp_path):
    capture = tmp_path / "capture"
    capture.mkdir()
    # A file device: each stream opened goes to out.raw, out.raw.0001, ... in order.
    report, stderr = run_with_asoundrc(
        tmp_path / "home",
        'pcm.!default { type file; slave.pcm "null"; '
        f'file "{capture}/out.raw"; format "raw"; truncate false }}\n',
    )
    require(report["backend"] == "simpleaudio", f"simpleaudio unavailable: {report['reason']}")
    assert report["status"] == "finished"
    assert report["last_error"] is None
    assert stderr == ""
    streams = sorted(capture.iterdir(), key=lambda path: (len(path.name), path.name))
    written = b"".join(path.read_bytes() for path in streams)
    cues = load_cues()[0]
    expected = b"".join(cues[cue].pcm for cue in EXPECTED_CUES)
    # Passed through unchanged (16-bit mono at the cues' rate), so compare sample for sample.
    assert audible(written) == audible(expected)


def test_without_a_sound_device_the_session_carries_on_with_the_bell_and_no_alsa_noise(
    tmp_path,
):
    require(shutil.which("aplay") is not None or sys.platform != "linux", "alsa-utils missing")
    # A default device that does not exist, which ALSA complains about on fd 2.
    report, stderr = run_with_asoundrc(
        tmp_path / "home", 'pcm.!default { type plug; slave.pcm "nosuchpcm" }\n'
    )
    # "simpleaudio is not installed: ..." or "simpleaudio 1.0.4 crashes ...: ..."
    require(not report["reason"].startswith("simpleaudio "), report["reason"])
    assert report == {
        "backend": "bell",
        "reason": "no sound device found: using the terminal bell",
        "status": "finished",
        "rings": len(EXPECTED_CUES),
        "last_error": None,
    }
    # ALSA's complaints would land on the screen Textual draws on fd 2.
    assert stderr == ""


# --- the voice ---------------------------------------------------------------------


@pytest.fixture
def counting_espeak(tmp_path) -> tuple[SpeechEngine, Path]:
    """espeak-ng behind a wrapper that notes each run in a log file."""
    real = shutil.which("espeak-ng")
    require(real is not None, "espeak-ng is not installed")
    log = tmp_path / "runs.log"
    wrapper = tmp_path / "espeak-ng"
    wrapper.write_text(f'#!/bin/sh\necho run >> "{log}"\nexec "{real}" "$@"\n')
    wrapper.chmod(0o755)
    return SpeechEngine("espeak-ng", str(wrapper)), log


def test_a_phrase_is_synthesised_once_and_then_read_from_the_cache(tmp_path, counting_espeak):
    engine, log = counting_espeak
    cache = tmp_path / "cache"
    routine = parse_routine(ROUTINE, "t.yaml")
    first = Voice(engine, cache)
    backend = RecordingBackend()
    CuePlayer(backend, routine, voice=first)  # asks for every phrase of the routine
    assert first.wait_idle()
    assert first.last_error is None
    phrases = routine_phrases(routine)
    assert phrases[:3] == ["Side bridge. Hold 8 seconds. Left side first.", "Side bridge", "Hold"]
    assert "Switch sides. Right side." in phrases and "Bridge. Hold 4 seconds." in phrases
    assert len(log.read_text().splitlines()) == len(phrases)
    assert len(list(cache.glob("*.wav"))) == len(phrases)

    # A later session (a new process, say) finds every phrase on disk: no synthesis.
    second = Voice(engine, cache)
    cue_player = CuePlayer(backend, routine, voice=second, volume=100)
    assert second.wait_idle()
    assert len(log.read_text().splitlines()) == len(phrases)
    spoken = {phrase: second.ready(phrase) for phrase in phrases}
    assert all(sound is not None and sound.seconds > 0.2 for sound in spoken.values())

    # During the session each announcement follows its cue, through the same backend.
    backend.played.clear()
    run_session(cue_player)
    said = heard({sound.pcm: name for name, sound in spoken.items() if sound}, backend.played)
    assert said[:2] == ["GET_READY", phrases[0]]
    assert said[said.index("SWITCH_SIDES") + 1] in ("Switch sides. Right side.", "Right side.")
    assert said.count("Bridge. Hold 4 seconds.") == 1


def test_a_say_text_from_the_routine_replaces_the_built_phrase():
    routine = parse_routine(
        b"title: T\nsteps:\n  - name: Bird-dog\n    reps: 10\n    hold: 5s\n    per_side: true\n"
        b"    say: Bird-dog, ten reps, hold five seconds; right arm, left leg\n",
        "t.yaml",
    )
    built = parse_routine(
        b"title: T\nsteps:\n  - name: Bird-dog\n    reps: 10\n    hold: 5s\n    sets: 2\n",
        "t.yaml",
    )
    prepare = routine.segments()[0]
    assert announcement(routine.steps[0], prepare) == (
        "Bird-dog, ten reps, hold five seconds; right arm, left leg"
    )
    assert announcement(built.steps[0], built.segments()[0]) == (
        "Bird-dog. 10 reps, hold 5 seconds. 2 sets."
    )


def test_a_failing_speech_engine_leaves_the_cues_playing(tmp_path):
    broken = tmp_path / "espeak-ng"
    broken.write_text("#!/bin/sh\necho 'no voice data' >&2\nexit 2\n")
    broken.chmod(0o755)
    voice = Voice(SpeechEngine("espeak-ng", str(broken)), tmp_path / "cache")
    backend = RecordingBackend()
    cue_player = CuePlayer(backend, parse_routine(ROUTINE, "t.yaml"), voice=voice)
    assert voice.wait_idle()
    assert "no voice data" in (voice.last_error or "")
    assert run_session(cue_player).status == "finished"
    assert voice.wait_idle()
    assert cue_names(backend.played) == EXPECTED_CUES
