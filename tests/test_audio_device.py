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
from backroutine.audio.neural import NeuralVoiceError, voice_assets
from backroutine.audio.sound import Clip, Cue, load_cues
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
    assert phrases[:2] == ["Side bridge. Hold 8 seconds. Left side first.", "Hold"]
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


# --- a coach to follow with eyes closed: what is heard, and when ---------------------

PACED_REPS = b"""
title: Paced reps
steps:
  - name: Clamshell
    reps: 4
    hold: 5s
    relax: 3s
    sets: 2
    per_side: true
    rest: 10s
"""
STEP = 0.02
"""Seconds the fake clock moves between updates: how finely each stream is timed."""

# The player's path: the cue player follows the engine and plays through choose_backend()'s
# backend. On the fake clock ("fake"), the capture files new after each update are the
# streams opened at that moment; in real time ("real"), a thread notes when each appears.
COACHED = """
import json, sys, threading, time
from pathlib import Path
from backroutine.audio.backends import choose_backend
from backroutine.audio.cue_player import CuePlayer
from backroutine.audio.voice import Voice, find_speech_engine
from backroutine.routine.loader import parse_routine
from backroutine.session.engine import (
    CountdownTick, FakeClock, SegmentStarted, SessionEngine,
)

capture, cache, step, mode = Path(sys.argv[1]), Path(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
routine = parse_routine(sys.stdin.buffer.read(), "t.yaml")
backend = choose_backend()
engine_found = find_speech_engine()
neural = None
if sys.argv[5] == "neural" and engine_found:
    from backroutine.audio.neural import NeuralVoice, voice_assets
    neural = NeuralVoice(*voice_assets(), cache, engine_found.rate)
voice = Voice(engine_found, cache, neural) if engine_found else None
cues = CuePlayer(backend, routine, voice=voice, volume=100)
if voice is not None:
    if neural is not None:
        neural.wait(timeout=240)
    voice.wait_idle()  # as in any session after the first: the phrases are cached
clock = FakeClock() if mode == "fake" else time.monotonic
engine = SessionEngine(routine.segments(), clock)
cues.follow(engine)
moments = []
engine.subscribe(lambda event: moments.append(
    {"at": event.at, "kind": event.segment.kind.value} if isinstance(event, SegmentStarted)
    else {"at": event.at, "kind": "tick"} if isinstance(event, CountdownTick) else None))
streams, seen = [], set()

def note_streams():
    for path in sorted(capture.iterdir(), key=lambda path: (len(path.name), path.name)):
        if path.name not in seen:
            seen.add(path.name)
            streams.append({"at": clock(), "file": path.name})

def watch():
    while engine.status != "finished":
        note_streams()
        time.sleep(0.002)

if mode == "real":
    threading.Thread(target=watch, daemon=True).start()
engine.start()
while engine.status != "finished":
    if mode == "fake":
        backend.wait_done()
        note_streams()
        clock.advance(step)
    else:
        time.sleep(step)
    engine.update()
backend.wait_done()
note_streams()
print(json.dumps({"backend": backend.name, "reason": backend.reason, "voice": voice is not None,
                  "moments": [m for m in moments if m], "streams": streams,
                  "last_error": backend.last_error}))
"""


def cue_at_start(pcm: bytes, cues: dict[Cue, Clip]) -> Cue | None:
    """The cue a stream opens with (a cue and the words after it are one stream; a cue
    alone has lost its closing zero samples to the stripping of ALSA's padding), the
    longest that fits, as one cue may open like another."""
    opening = [cue for cue, sound in cues.items() if pcm.startswith(sound.pcm.rstrip(b"\0"))]
    return max(opening, key=lambda cue: cues[cue].seconds, default=None)


def coach(
    tmp_path: Path, routine: bytes, mode: str, voice: str = "espeak-ng"
) -> tuple[list[dict], list[tuple]]:
    """Play `routine` as the player would into ALSA's file device, on the fake clock or in
    real time (`mode`), in espeak-ng's voice or the `neural` one: the session's moments
    (segment starts and ticks), and each stream heard as (when it opened, the cue it opens
    with, when its speech starts, when it ends)."""
    capture, home = tmp_path / "capture", tmp_path / "home"
    capture.mkdir()
    home.mkdir()
    (home / ".asoundrc").write_text(
        'pcm.!default { type file; slave.pcm "null"; '
        f'file "{capture}/out.raw"; format "raw"; truncate false }}\n'
    )
    command = [sys.executable, "-c", COACHED, str(capture), str(tmp_path / "cache")]
    result = subprocess.run(
        [*command, str(STEP), mode, voice],
        input=routine,
        capture_output=True,
        env={**os.environ, "HOME": str(home)},
        timeout=300,
        check=True,
    )
    report = json.loads(result.stdout)
    require(report["backend"] == "simpleaudio", f"simpleaudio unavailable: {report['reason']}")
    require(report["voice"], "espeak-ng is not installed")
    assert report["last_error"] is None
    cues = load_cues()[0]
    heard = []
    for stream in report["streams"]:
        pcm = (capture / stream["file"]).read_bytes().rstrip(b"\0")  # ALSA pads with silence
        cue = cue_at_start(pcm, cues)
        speech_from = stream["at"] + (cues[cue].seconds if cue else 0.0)
        heard.append((stream["at"], cue, speech_from, stream["at"] + len(pcm) / 2 / 22050))
    return report["moments"], heard


def assert_followable_with_eyes_closed(
    moments: list[dict],
    heard: list[tuple],
    relax_opens: frozenset[Cue | None] = frozenset({Cue.RELAX}),
) -> None:
    """A sound within 150 ms of every hold and relax start, the hold's cue not the relax's
    (each relax opening with `relax_opens`: None for words said in place of the cue), each
    rep's count spoken, and no speech over a tick or a segment start."""
    starts = {kind: [m["at"] for m in moments if m["kind"] == kind] for kind in ("rep", "relax")}

    def opening(at: float) -> Cue | None:
        """The cue of the stream that starts within 150 ms of `at`."""
        near = [cue for when, cue, _, _ in heard if at <= when <= at + 0.15]
        assert near, f"nothing heard within 150 ms of {at:.2f} s"
        return near[0]

    hold_cues = {opening(at) for at in starts["rep"]}
    relax_cues = {opening(at) for at in starts["relax"]}
    assert hold_cues == {Cue.HOLD, Cue.LAST_REP}  # the last rep of a set is called
    assert relax_cues == relax_opens
    cues = load_cues()[0]
    assert all(cues[cue].pcm != cues[Cue.RELAX].pcm for cue in hold_cues)

    # Speech: the part of a stream after its cue. It never covers a tick or a segment start.
    spoken = [(begin, end) for _, _, begin, end in heard if end - begin > 0.1]
    assert len(spoken) >= len(starts["rep"])  # every rep's count, at least
    for moment in moments:
        covering = [(b, e) for b, e in spoken if b < moment["at"] < e]
        assert not covering, (moment, covering)


def test_a_paced_reps_session_is_heard_at_every_start_and_speech_never_covers_a_tick(
    tmp_path,
):
    moments, heard = coach(tmp_path, PACED_REPS, "fake")
    kinds = [moment["kind"] for moment in moments]
    assert kinds.count("rep") == 4 * 2 * 2 and kinds.count("relax") == 3 * 2 * 2
    assert_followable_with_eyes_closed(moments, heard)


@pytest.mark.slow
def test_in_the_neural_voice_relax_is_said_in_place_of_its_cue_and_never_over_a_tick(tmp_path):
    # A 3 s relax has 1 s to its first tick: the relax cue and the neural "Relax" do not fit
    # one after the other, so every relax opens with the word alone, ended before the tick.
    try:
        voice_assets()
    except NeuralVoiceError as error:
        require(False, str(error))
    moments, heard = coach(tmp_path, PACED_REPS, "fake", voice="neural")
    relaxes = [moment["at"] for moment in moments if moment["kind"] == "relax"]
    assert len(relaxes) == 3 * 2 * 2
    assert_followable_with_eyes_closed(moments, heard, relax_opens=frozenset({None}))
    for at in relaxes:  # the word itself, not silence: it lasts most of the second
        assert any(at <= begin <= at + 0.15 and end - begin > 0.5 for _, _, begin, end in heard)


@pytest.mark.slow
def test_in_real_time_too_a_sound_comes_within_150_ms_and_speech_never_covers_a_tick(
    tmp_path,
):
    # One side of one set (40 s): real time, with the machine's own scheduling delays.
    one_side = PACED_REPS.replace(b"sets: 2", b"sets: 1").replace(b"per_side: true", b"")
    moments, heard = coach(tmp_path, one_side, "real")
    assert [moment["kind"] for moment in moments].count("rep") == 4
    assert_followable_with_eyes_closed(moments, heard)
