"""Cue sounds, backend choice and the event-to-cue mapping, without a sound device."""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
from array import array
from collections import defaultdict
from itertools import pairwise
from pathlib import Path

import pytest

from backroutine.audio.backends import AudioBackend, BellBackend, SilentBackend, choose_backend
from backroutine.audio.cue_player import QUIET_BEFORE_TICK, CuePlayer
from backroutine.audio.sound import Clip, Cue, at_volume, load_cues, read_wav
from backroutine.audio.voice import SpeechEngine, Voice, routine_phrases, spoken_phrases
from backroutine.base.paths import bundled_routines_dir, bundled_sounds_dir, routine_files
from backroutine.base.settings import Settings, changed, describe, load_settings, save_settings
from backroutine.routine.loader import load_routine, parse_routine
from backroutine.routine.model import Routine, SegmentKind
from backroutine.routine.words import NO_TIPS, announcement, tips_for
from backroutine.session.engine import CountdownTick, FakeClock, SegmentStarted, SessionEngine

ROOT = Path(__file__).parents[1]

# Per-side hold with a halfway cue, a standalone rest, a short hold: every cue once or more.
ROUTINE = b"""
title: Audio test
steps:
  - name: Side bridge
    hold: 8s
    per_side: true
    prepare: 4s
    switch: 4s
  - rest: 4s
  - name: Bridge
    hold: 4s
    prepare: 4s
"""
TICKS = [Cue.TICK] * 3
EXPECTED_CUES = [
    Cue.GET_READY, *TICKS,  # get ready, Side bridge (left)
    Cue.HOLD, Cue.HALFWAY, *TICKS,  # hold, left
    Cue.SWITCH_SIDES, *TICKS,
    Cue.HOLD, Cue.HALFWAY, *TICKS,  # hold, right
    Cue.DONE, Cue.REST, *TICKS,
    Cue.GET_READY, *TICKS,  # get ready, Bridge
    Cue.HOLD, *TICKS,  # hold 4 s: too short for a halfway cue
    Cue.DONE, Cue.ROUTINE_COMPLETE,
]  # fmt: skip


class RecordingBackend(AudioBackend):
    """Keeps what it was asked to play."""

    name = "recording"
    plays_samples = True

    def __init__(self) -> None:
        super().__init__("recording for a test")
        self.played: list[tuple[Clip, float]] = []

    def play(self, sound: Clip, volume: float = 1.0) -> None:
        self.played.append((sound, volume))


def run_session(cue_player: CuePlayer) -> SessionEngine:
    """Drive a real engine through the routine with a fake clock, half a second a step."""
    clock = FakeClock()
    engine = SessionEngine(cue_player.routine.segments(), clock, halfway_min_seconds=6)
    cue_player.follow(engine)
    engine.start()
    while engine.status != "finished":
        clock.advance(0.5)
        engine.update()
    return engine


def cue_names(played: list[tuple[Clip, float]]) -> list[Cue]:
    by_pcm = {sound.pcm: cue for cue, sound in load_cues()[0].items()}
    return [by_pcm[sound.pcm] for sound, _ in played]


# --- the cue files -------------------------------------------------------------------


def test_every_cue_is_shipped_as_short_16_bit_mono_without_clicks():
    cues, problems = load_cues()
    assert problems == []
    assert set(cues) == set(Cue)
    for cue, sound in cues.items():
        samples = array("h", sound.pcm)
        assert 0.05 < sound.seconds < 1.5, cue
        # Soft attack and release: the first and last samples are (near) silence.
        assert abs(samples[0]) < 50 and abs(samples[-1]) < 50, cue
        assert max(abs(s) for s in samples) < 32767 * 0.9, cue


def test_cues_are_equally_loud():
    levels = {}
    for cue, sound in load_cues()[0].items():
        samples = array("h", sound.pcm)
        rms = math.sqrt(sum(s * s for s in samples) / len(samples))
        levels[cue] = 20 * math.log10(rms / 32767)
    # The tick is short and capped by its peak, so allow it a little quieter.
    assert max(levels.values()) - min(levels.values()) < 3, levels


def test_the_script_in_the_repo_makes_the_shipped_cues(tmp_path):
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_sounds.py"), str(tmp_path)],
        check=True,
        capture_output=True,
    )
    for cue in Cue:
        made = array("h", read_wav(tmp_path / cue.filename).pcm)
        shipped = array("h", read_wav(bundled_sounds_dir() / cue.filename).pcm)
        assert len(made) == len(shipped), cue
        # Allow one step of rounding, as libm's sin may differ in the last bit elsewhere.
        assert max(abs(a - b) for a, b in zip(made, shipped, strict=True)) <= 1, cue


# --- the cue player ------------------------------------------------------------------


def test_a_session_plays_each_moments_cue_in_order():
    backend = RecordingBackend()
    engine = run_session(CuePlayer(backend, parse_routine(ROUTINE, "t.yaml"), volume=100))
    assert engine.status == "finished"
    assert cue_names(backend.played) == EXPECTED_CUES


def test_muted_plays_nothing_and_unmuting_brings_the_cues_back():
    backend = RecordingBackend()
    cue_player = CuePlayer(backend, parse_routine(ROUTINE, "t.yaml"))
    cue_player.muted = True
    run_session(cue_player)
    assert backend.played == []
    cue_player.muted = False
    run_session(cue_player)
    assert cue_names(backend.played) == EXPECTED_CUES


def test_volume_scales_the_samples():
    backend = RecordingBackend()
    cue_player = CuePlayer(backend, parse_routine(ROUTINE, "t.yaml"), volume=50)
    run_session(cue_player)
    assert {volume for _, volume in backend.played} == {0.25}
    tick = load_cues()[0][Cue.TICK]
    quieter = array("h", at_volume(tick, 0.25).pcm)
    assert max(map(abs, quieter)) == pytest.approx(max(map(abs, array("h", tick.pcm))) / 4, abs=1)


def test_a_corrupt_cue_file_is_reported_and_the_session_carries_on(tmp_path):
    for cue in Cue:
        shutil.copy(bundled_sounds_dir() / cue.filename, tmp_path)
    (tmp_path / Cue.TICK.filename).write_bytes(b"RIFF\x00\x00not really a wave file")
    backend = RecordingBackend()
    cue_player = CuePlayer(backend, parse_routine(ROUTINE, "t.yaml"), sounds_dir=tmp_path)
    engine = run_session(cue_player)
    assert engine.status == "finished"
    assert len(cue_player.problems) == 1 and "tick" in cue_player.problems[0]
    assert cue_names(backend.played) == [cue for cue in EXPECTED_CUES if cue is not Cue.TICK]


def test_the_bell_rings_once_per_cue_and_never_speaks():
    rings = []
    backend = BellBackend("testing", lambda: rings.append(1))
    cue_player = CuePlayer(backend, parse_routine(ROUTINE, "t.yaml"), voice=object())
    assert cue_player.voice is None  # a bell cannot say the exercise's name
    run_session(cue_player)
    assert len(rings) == len(EXPECTED_CUES)


# --- the voice's words ---------------------------------------------------------------

CAUTIOUS = b"""
title: Cautions
steps:
  - name: Bird-dog
    per_side: true
    reps: 2
    hold: 2s
    sets: 2
    rest: 3s
    prepare: 4s
    caution: Stop if your lower back sags or hurts.
  - name: Press-up
    reps: 2
    hold: 2s
    prepare: 4s
    say: Press-ups, hips down
    caution: Leave it out if bending back starts or increases leg pain.
  - name: Walk
    duration: 4s
    prepare: 4s
"""


class SpeakingVoice:
    """Stands in for `Voice`: every phrase is ready at once, as a sound that spells it."""

    def __init__(self) -> None:
        self.phrases: dict[bytes, str] = {}

    def ready(self, text: str) -> Clip:
        pcm = text.encode()
        pcm += b" " * (len(pcm) % 2)  # whole 16-bit samples
        self.phrases[pcm] = text
        return Clip(pcm)

    def request(self, text: str, then=None) -> None:
        if then is not None:
            then(self.ready(text))

    def prepare(self, phrases: list[str]) -> None:
        pass


def heard(phrases: dict[bytes, str], played: list[tuple[Clip, float]]) -> list[str]:
    """What the patient heard, in order: the names of the cues, and the `phrases` (by their
    samples) spoken; a cue and the words after it are played as one sound."""
    cues = {sound.pcm: cue.name for cue, sound in load_cues()[0].items()}
    names = []
    for sound, _ in played:
        pcm = sound.pcm
        cue = next((cue for cue in cues if pcm.startswith(cue)), None)
        if cue is not None:
            names.append(cues[cue])
            pcm = pcm[len(cue) :]
        if pcm:
            names.append(phrases[pcm])
    return names


def test_an_exercise_is_announced_with_its_caution():
    routine = parse_routine(CAUTIOUS, "t.yaml")
    bird_dog, press_up, walk = routine.steps
    prepare = {s.step_index: s for s in routine.segments() if s.kind is SegmentKind.PREPARE}
    assert announcement(bird_dog, prepare[0]) == (
        "Bird-dog. 2 reps, hold 2 seconds. 2 sets. Left side first. "
        "Stop if your lower back sags or hurts."
    )
    assert announcement(press_up, prepare[1]) == (
        "Press-ups, hips down. Leave it out if bending back starts or increases leg pain."
    )
    assert announcement(walk, prepare[2]) == "Walk. 4 seconds."


def test_a_caution_already_in_the_say_text_is_spoken_once():
    routine = parse_routine(
        b"title: T\nsteps:\n  - name: Plank\n    hold: 20s\n"
        b"    say: Plank. Come down as soon as your hips sag.\n"
        b"    caution: Come down as soon as your hips sag.\n",
        "t.yaml",
    )
    assert announcement(routine.steps[0], routine.segments()[0]) == (
        "Plank. Come down as soon as your hips sag."
    )


def test_a_session_speaks_each_caution_once_when_its_exercise_comes_up():
    backend, voice = RecordingBackend(), SpeakingVoice()
    routine = parse_routine(CAUTIOUS, "t.yaml")
    run_session(CuePlayer(backend, routine, voice=voice))
    spoken = heard(voice.phrases, backend.played)
    for step in routine.exercises:
        if step.caution is None:
            continue
        (said,) = [phrase for phrase in spoken if step.caution in phrase]
        # Right after the get-ready cue of its exercise: not at a switch, a set or a rest.
        assert spoken[spoken.index(said) - 1] == "GET_READY"
        assert said.startswith((step.say or step.name).rstrip("."))


def test_every_bundled_announcement_ends_before_its_exercise_starts(tmp_path):
    # Spoken for real: the caution must not run on over the first seconds of the exercise.
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        if os.environ.get("CI") == "true":
            pytest.fail("espeak-ng is not installed (CI=true: this must be installed)")
        pytest.skip("espeak-ng is not installed")
    voice = Voice(SpeechEngine("espeak-ng", espeak), tmp_path)
    for path in routine_files(bundled_routines_dir()):
        routine = load_routine(path).routine
        for segment in routine.segments():
            if segment.kind is SegmentKind.PREPARE:
                phrase = announcement(routine.steps[segment.step_index], segment)
                spoken = voice.synthesise(phrase).seconds
                assert spoken <= segment.seconds, (path.stem, segment.name, round(spoken, 1))


MADE_AHEAD = b"""
title: Sides and sets
steps:
  - name: Clamshell
    per_side: true
    reps: 3
    hold: 2s
    sets: 2
    rest: 5s
    prepare: 4s
    tips: [Keep your feet together.]
  - name: Sit to stand
    reps: 4
    prepare: 4s
"""


def test_the_tips_t_reads_during_a_rest_or_a_card_are_made_ahead_too():
    routine = parse_routine(
        b"backroutine: 2\ntitle: T\nsteps:\n  - {name: Plank, hold: 2s, prepare: 1s}\n"
        b"  - rest: 20s\n  - card: {title: Why, text: Moving helps.}\n"
        b"  - name: Bridge\n    hold: 2s\n    tips: [Squeeze your buttocks]\n"
        b"    caution: Stop if your back aches.\n"
    )
    made = set(routine_phrases(routine))
    # t during the rest and the card reads the bridge's tips, named: the voice had not made
    # that phrase, so it was always said by espeak-ng, never the neural voice.
    for segment in routine.segments():
        assert tips_for(routine, segment) in made
    # The bridge named in a sentence of its own: the tips' sentences are those said anywhere.
    assert "Next, Bridge. Squeeze your buttocks. Caution. Stop if your back aches." in made


def test_the_voice_makes_ahead_what_a_session_may_say_and_the_tips_last():
    routine = parse_routine(MADE_AHEAD, "t.yaml")
    phrases = routine_phrases(routine)
    tips = ["Keep your feet together.", NO_TIPS]  # read out only when asked for
    assert phrases[-2:] == tips and spoken_phrases(routine) == phrases[:-2]
    # A get-ready and a switch stretch to fit their first wording, and a set at your own
    # pace has no deadline: their shorter wordings are never said, so never made.
    never_said = {
        "Clamshell",
        "Sit to stand",
        "Right side.",
        "Press space when you have done four.",
    }
    assert never_said.isdisjoint(phrases)
    said: set[str] = set()
    for seconds_a_character in (0.01, 0.05, 0.1):  # a quick voice to a slow one
        voice = TimedVoice({phrase: len(phrase) * seconds_a_character for phrase in phrases})
        backend = RecordingBackend()
        cue_player = CuePlayer(backend, routine, voice=voice)
        clock = FakeClock()
        engine = SessionEngine(routine.segments(), clock, self_paced_beat=3.0)
        cue_player.follow(engine)
        engine.start()
        while engine.status != "finished":
            clock.advance(0.25)
            engine.update()
        said.update(heard(voice.phrases, backend.played))
    said -= {cue.name for cue in Cue}
    assert said <= set(phrases[:-2])  # every phrase said was made ahead...
    assert {"Rest.", "Rest, 5 seconds.", "Switch sides. Right side."} <= said  # ...short or long


# --- choosing a backend --------------------------------------------------------------


def no_simpleaudio(name: str):
    raise ImportError(f"No module named {name!r}")


def test_sound_off_is_silent_and_says_so():
    backend = choose_backend(sound=False, ring=print)
    assert isinstance(backend, SilentBackend)
    assert backend.reason == "sound is switched off"


def test_without_simpleaudio_or_a_player_the_bell_rings_and_says_why():
    rings = []
    backend = choose_backend(
        ring=lambda: rings.append(1), importer=no_simpleaudio, which=lambda name: None
    )
    assert backend.name == "bell"
    assert backend.reason == "simpleaudio is not installed: using the terminal bell"
    cue_player = CuePlayer(backend, parse_routine(ROUTINE, "t.yaml"))
    assert run_session(cue_player).status == "finished"
    assert len(rings) == len(EXPECTED_CUES)


def test_without_simpleaudio_or_a_bell_the_cues_are_silent():
    backend = choose_backend(importer=no_simpleaudio, which=lambda name: None)
    assert backend.name == "silent"
    assert backend.reason == "simpleaudio is not installed: cues are silent"


@pytest.mark.parametrize(
    ("installed", "python", "imported"),
    [
        ({"simpleaudio": "1.0.4"}, (3, 12), False),
        ({"simpleaudio": "1.0.4"}, (3, 13), False),
        ({"simpleaudio": "1.0.4"}, (3, 11), True),
        ({"simpleaudio-patched": "1.0.5"}, (3, 13), True),
    ],
)
def test_upstream_simpleaudio_is_never_imported_where_it_segfaults(installed, python, imported):
    imports = []

    def importer(name: str):
        imports.append(name)
        raise ImportError(name)  # stop here: only whether it was imported matters

    backend = choose_backend(
        ring=lambda: None,
        importer=importer,
        version_of=installed.get,
        which=lambda name: None,
        python_version=python,
    )
    assert (imports == ["simpleaudio"]) is imported
    if not imported:
        assert backend.reason.startswith("simpleaudio 1.0.4 crashes on Python 3.12 and later")
        assert "simpleaudio-patched" in backend.reason


def test_a_failing_platform_player_falls_back_to_the_bell(tmp_path):
    failing = tmp_path / "aplay"
    failing.write_text("#!/bin/sh\necho 'no soundcards found' >&2\nexit 1\n")
    failing.chmod(0o755)
    backend = choose_backend(
        ring=lambda: None,
        importer=no_simpleaudio,
        which=lambda name: str(failing) if name == "aplay" else None,
    )
    assert backend.name == "bell"


def test_a_working_platform_player_plays_every_cue(tmp_path):
    log = tmp_path / "played.txt"
    player = tmp_path / "paplay"
    player.write_text(f'#!/bin/sh\ncat "$1" >> {log}\n')
    player.chmod(0o755)
    backend = choose_backend(
        importer=no_simpleaudio, which=lambda name: str(player) if name == "paplay" else None
    )
    assert backend.reason == "simpleaudio is not installed: playing sounds with paplay"
    cue_player = CuePlayer(backend, parse_routine(ROUTINE, "t.yaml"), volume=100)
    run_session(cue_player)
    assert backend.wait_done()
    assert backend.last_error is None
    played = log.read_bytes()
    # Each WAV file handed to the player holds cue samples; all arrive, in order.
    position = 0
    for cue in EXPECTED_CUES:
        position = played.index(load_cues()[0][cue].pcm, position) + 1
    backend.close()


# --- settings ------------------------------------------------------------------------


def test_settings_round_trip_and_default_when_missing(tmp_path):
    path = tmp_path / "config" / "settings.json"
    assert load_settings(path).settings == Settings()
    chosen = Settings(sound=True, voice="espeak", volume=35, speech_rate=140)
    save_settings(chosen, path)
    assert load_settings(path) == type(load_settings(path))(chosen, [])


def test_a_settings_file_from_when_the_voice_was_on_or_off_keeps_its_meaning(tmp_path):
    path = tmp_path / "settings.json"
    for former, now in ((True, "on"), (False, "off")):
        path.write_text(json.dumps({"voice": former}))
        assert load_settings(path) == type(load_settings(path))(Settings(voice=now), [])


def test_the_voice_setting_names_a_voice_and_says_which_there_are():
    assert changed(Settings(), "voice", "Neural").voice == "neural"
    assert changed(Settings(), "voice", "espeak").voice == "espeak"
    assert "voice        on   (on, neural, espeak, off)" in describe(Settings())
    with pytest.raises(ValueError, match="voice is on, neural, espeak or off, not 'piper'"):
        changed(Settings(), "voice", "piper")


def test_bad_settings_are_reported_and_fall_back_to_defaults(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text('{"volume": 250, "voice": "no", "colour": "red", "sound": false}')
    loaded = load_settings(path)
    assert loaded.settings == Settings(sound=False)
    assert len(loaded.problems) == 3
    path.write_text("{not json")
    loaded = load_settings(path)
    assert loaded.settings == Settings()
    assert "unreadable" in loaded.problems[0]


# --- every transition heard, and speech that fits its time --------------------------

PACED = b"""
title: Paced
steps:
  - name: Clamshell
    reps: 3
    hold: 5s
    relax: 3s
    sets: 2
    per_side: true
    rest: 10s
  - name: Bridge
    reps: 10
"""


class TimedVoice:
    """Stands in for `Voice`: each phrase is ready at once, lasting `seconds[phrase]` (1 s
    unless told), as samples that name it; `None` for a phrase never synthesised."""

    def __init__(self, seconds: dict[str, float | None] | None = None) -> None:
        self.seconds = seconds or {}
        self.phrases: dict[bytes, str] = {}
        self._made: dict[str, Clip] = {}

    def ready(self, text: str) -> Clip | None:
        length = self.seconds.get(text, 1.0)
        if length is None:
            return None
        if text not in self._made:
            marker = len(self._made) + 1  # a sample value no cue starts with
            pcm = array("h", [marker] * round(length * 22050)).tobytes()
            self._made[text], self.phrases[pcm] = Clip(pcm), text
        return self._made[text]

    def request(self, text: str, then=None) -> None:
        pass

    def prepare(self, phrases: list[str]) -> None:
        pass


def played_at(cue_player: CuePlayer, backend: RecordingBackend, voice: TimedVoice):
    """Run a session with the fake clock; what was heard at each moment, in order."""
    clock = FakeClock()
    engine = SessionEngine(cue_player.routine.segments(), clock)
    cue_player.follow(engine)
    moments: list[tuple[float, str, SegmentKind | None]] = []

    def note(event) -> None:
        kind = event.segment.kind if isinstance(event, SegmentStarted) else None
        for n, name in enumerate(heard(voice.phrases, backend.played)):
            moments.append((event.at, name, kind if n == 0 else None))  # the kind: by its cue
        backend.played.clear()

    engine.subscribe(note)
    engine.start()
    while engine.status != "finished":
        clock.advance(0.25)
        engine.update()
        if engine.status == "waiting":
            engine.done()
    return moments, engine


def test_tones_alone_tell_hold_from_relax_from_rest():
    backend = RecordingBackend()
    moments, _ = played_at(
        CuePlayer(backend, parse_routine(PACED, "t.yaml")), backend, TimedVoice()
    )
    opening = defaultdict(set)
    for _, name, kind in moments:
        if kind is not None:
            opening[kind].add(name)
    assert opening[SegmentKind.REP] == {"HOLD", "LAST_REP"}
    assert opening[SegmentKind.RELAX] == {"RELAX"}
    assert opening[SegmentKind.REST] == {"REST"}
    assert opening[SegmentKind.SELF_PACED] == {"SET_START"}
    cues = load_cues()[0]
    sounds = [cues[Cue.HOLD].pcm, cues[Cue.LAST_REP].pcm, cues[Cue.RELAX].pcm, cues[Cue.REST].pcm]
    assert len(set(sounds)) == len(sounds)


def test_pause_and_resume_each_have_a_sound_and_pause_is_said():
    backend, voice = RecordingBackend(), TimedVoice()
    cue_player = CuePlayer(backend, parse_routine(PACED, "t.yaml"), voice=voice)
    clock = FakeClock()
    engine = SessionEngine(cue_player.routine.segments(), clock, resume_lead_in=3.0)
    cue_player.follow(engine)
    engine.start()
    backend.played.clear()
    engine.pause()
    assert heard(voice.phrases, backend.played) == ["PAUSE", "Paused"]
    backend.played.clear()
    clock.advance(60)
    engine.resume()
    assert heard(voice.phrases, backend.played)[0] == "RESUME"


def test_reps_are_counted_aloud_and_the_last_rep_and_set_are_called():
    backend, voice = RecordingBackend(), TimedVoice({})
    for word in ("One of three", "Two", "Last one", "Relax", "Last set. One of three"):
        voice.seconds[word] = 0.5
    moments, _ = played_at(
        CuePlayer(backend, parse_routine(PACED, "t.yaml"), voice=voice), backend, voice
    )
    said = [name for _, name, _ in moments if name in voice.seconds]
    first_side = ["One of three", "Relax", "Two", "Relax", "Last one"]
    assert said[:5] == first_side
    assert said.count("Last set. One of three") == 2  # each side of the last set


def test_words_that_would_run_over_a_tick_give_way_to_shorter_ones_or_to_silence():
    backend = RecordingBackend()
    # "One of three" (1.8 s) would run over the first tick 2 s into a 5 s rep: "One" fits.
    # "Relax" (0.9 s) would run over the tick 1 s into a 3 s relax, and has nothing shorter.
    voice = TimedVoice({"One of three": 1.8, "One": 0.4, "Relax": 0.9})
    moments, _ = played_at(
        CuePlayer(backend, parse_routine(PACED, "t.yaml"), voice=voice), backend, voice
    )
    said = [name for _, name, _ in moments]
    assert "One of three" not in said and "One" in said
    assert "Relax" not in said and "RELAX" in said


# "Relax", "Last one" and "Hold" as each voice says them at 160 words a minute, trimmed of
# silence (bench/spoken_fit.py measured them; tests/test_audio_neural.py uses the real ones).
RECORDED_SECONDS = {
    "neural": {"Relax": 0.72, "Last one": 0.75, "Hold": 0.45},
    "espeak-ng": {"Relax": 0.51, "Last one": 0.67, "Hold": 0.46},
}


def relaxes_heard(routine: Routine, voice) -> list[tuple[int, bool, float]]:
    """Each relax of a session of `routine` (the cue player following the engine on a fake
    clock): its seconds, whether "Relax" was said as it started, and the quiet between the
    end of what was played then and the next tick or segment start."""
    backend = RecordingBackend()
    cue_player = CuePlayer(backend, routine, voice=voice)
    clock = FakeClock()
    engine = SessionEngine(routine.segments(), clock)
    cue_player.follow(engine)
    moments: list[tuple[float, SegmentKind | None, int, list[Clip]]] = []

    def note(event) -> None:
        if isinstance(event, (SegmentStarted, CountdownTick)):
            started = isinstance(event, SegmentStarted)
            kind = event.segment.kind if started else None
            seconds = (event.segment.seconds or 0) if started else 0
            moments.append((event.at, kind, seconds, [sound for sound, _ in backend.played]))
        backend.played.clear()

    engine.subscribe(note)
    engine.start()
    while engine.status != "finished":
        clock.advance(0.05)
        engine.update()
        if engine.status == "waiting":
            engine.done()
    relax = voice.ready("Relax").pcm
    relaxes = []
    for (at, kind, seconds, streams), following in pairwise(moments):
        if kind is SegmentKind.RELAX:
            ends = at + max(sound.seconds for sound in streams)
            said = any(sound.pcm.endswith(relax) for sound in streams)
            relaxes.append((seconds, said, following[0] - ends))
    return relaxes


@pytest.mark.parametrize("voice_name", RECORDED_SECONDS)
def test_relax_is_said_at_every_relax_of_two_seconds_or_more_and_ends_before_the_tick(
    voice_name,
):
    # A 2 s relax has 1 s to its first tick: the relax cue (0.28 s) and the neural "Relax"
    # (0.72 s) do not fit one after the other, so the word is said in place of the cue.
    routine = load_routine(bundled_routines_dir() / "balance-stability.yaml").routine
    voice = TimedVoice(RECORDED_SECONDS[voice_name])
    relaxes = relaxes_heard(routine, voice)
    assert len(relaxes) == 13 and {seconds for seconds, _, _ in relaxes} == {2}
    for seconds, said, quiet in relaxes:
        assert said, f"a {seconds} s relax went without its word"
        assert quiet >= QUIET_BEFORE_TICK - 1e-9  # never over the tick


def test_a_long_announcement_stretches_its_get_ready_to_end_before_the_3_2_1():
    backend = RecordingBackend()
    routine = parse_routine(PACED, "t.yaml")
    announcement_ = announcement(routine.steps[0], routine.segments()[0])
    voice = TimedVoice({announcement_: 6.0})
    moments, _ = played_at(CuePlayer(backend, routine, voice=voice), backend, voice)
    get_ready = load_cues()[0][Cue.GET_READY].seconds
    assert moments[:2] == [(0.0, "GET_READY", SegmentKind.PREPARE), (0.0, announcement_, None)]
    speech_ends = get_ready + 6.0
    first_tick = next(at for at, name, _ in moments if name == "TICK")
    assert speech_ends + QUIET_BEFORE_TICK <= first_tick < speech_ends + 1.5
    first_hold = next(at for at, _, kind in moments if kind is SegmentKind.REP)
    assert first_hold == first_tick + 3


def test_without_an_engine_to_stretch_an_announcement_is_cut_to_the_name():
    backend = RecordingBackend()
    routine = parse_routine(PACED, "t.yaml")
    full = announcement(routine.steps[0], routine.segments()[0])
    voice = TimedVoice({full: 6.0, "Clamshell": 0.8})
    cue_player = CuePlayer(backend, routine, voice=voice)
    cue_player.on_event(SegmentStarted(0.0, 0, routine.segments()[0]))
    assert heard(voice.phrases, backend.played) == ["GET_READY", "Clamshell"]


def test_a_beat_counts_each_rep_of_a_set_at_your_own_pace_aloud():
    backend, voice = RecordingBackend(), TimedVoice({})
    routine = parse_routine(b"title: T\nsteps:\n  - {name: Sit to stand, reps: 4, prepare: 3s}\n")
    cue_player = CuePlayer(backend, routine, voice=voice)
    clock = FakeClock()
    engine = SessionEngine(routine.segments(), clock, self_paced_beat=3.0)
    cue_player.follow(engine)
    engine.start()
    while engine.status != "finished":  # no key pressed: the beat ends the set
        clock.advance(0.25)
        engine.update()
    said = heard(voice.phrases, backend.played)
    counted = said[said.index("SET_START") :]
    assert counted == [
        "SET_START", "One of four", "BEAT", "Two", "BEAT", "Three", "BEAT", "Last one", "DONE",
        "ROUTINE_COMPLETE",
    ]  # fmt: skip
    assert "Two" in routine_phrases(routine)  # synthesised ahead, as every phrase is


def test_ready_pressed_during_the_announcement_waits_for_it_before_the_3_2_1():
    backend = RecordingBackend()
    routine = parse_routine(PACED, "t.yaml")
    full = announcement(routine.steps[0], routine.segments()[0])
    voice = TimedVoice({full: 6.0})
    cue_player = CuePlayer(backend, routine, voice=voice)
    clock = FakeClock()
    engine = SessionEngine(routine.segments(), clock, wait_before_exercise=True)
    cue_player.follow(engine)
    engine.start()
    clock.advance(1.0)
    engine.ready()  # at once: 5.5 s of the announcement are still to come
    ticks = []
    while engine.current.kind is SegmentKind.PREPARE:
        clock.advance(0.25)
        ticks += [event.at for event in engine.update() if isinstance(event, CountdownTick)]
    speech_ends = load_cues()[0][Cue.GET_READY].seconds + 6.0
    assert ticks[0] >= speech_ends + QUIET_BEFORE_TICK


def test_speech_is_trimmed_to_what_is_heard_and_joined_across_rates():
    silence, voice = bytes(2 * 2205), array("h", [0, 3000, -3000] * 700).tobytes()
    spoken = Clip(silence + voice + silence * 3)
    trimmed = spoken.trimmed()
    assert trimmed.seconds == pytest.approx(len(voice) / 2 / 22050 + 0.02, abs=0.001)
    assert Clip(silence).trimmed().seconds == 0
    slower = Clip(array("h", [0, 1000] * 800).tobytes(), 16000).resampled(22050)
    assert slower.rate == 22050 and slower.seconds == pytest.approx(0.1, abs=0.001)
