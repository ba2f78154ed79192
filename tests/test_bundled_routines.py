"""The routines shipped with backroutine, and the format reference therapists write from.

The bundled routines are what a new patient sees first, so they must load, warn plainly,
and explain every exercise. The reference must not drift from the loader: its examples
are validated, its listings replayed and its error messages reproduced here.
"""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

import pytest

from backroutine.audio.voice import DEFAULT_RATE
from backroutine.base.paths import bundled_routines_dir, routine_files
from backroutine.cli.main import main as cli_main
from backroutine.routine import schema
from backroutine.routine.library import bundled_library
from backroutine.routine.loader import (
    MAX_FILE_BYTES,
    RoutineFileError,
    check_routine_file,
    load_routine,
    parse_routine,
)
from backroutine.routine.model import (
    DEFAULT_PREPARE_SECONDS,
    DEFAULT_RELAX_SECONDS,
    DEFAULT_SWITCH_SECONDS,
    MAX_REPS,
    MAX_SETS,
    Defaults,
    ExerciseStep,
    RestStep,
    Routine,
    Segment,
    SegmentKind,
)
from backroutine.routine.progression import has_progression, routine_for_week
from backroutine.routine.words import announcement

BUNDLED = routine_files(bundled_routines_dir())
REFERENCE = Path(__file__).parents[1] / "docs" / "routine-format.md"
AUTHOR = "backroutine (general guidance, not a prescription)"


def bundled(path: Path) -> Routine:
    return load_routine(path).routine


def morning() -> Routine:
    return bundled(bundled_routines_dir() / "morning-5-minutes.yaml")


def test_the_six_core_routines_are_bundled():
    assert {
        "lower-back-mobility",
        "core-stability",
        "sciatica-relief",
        "desk-break",
        "balance-stability",
        "morning-5-minutes",
    } <= {path.stem for path in BUNDLED}


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_bundled_routine_validates_without_a_warning(path: Path):
    _, warnings = check_routine_file(path)
    assert [str(warning) for warning in warnings] == []


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_bundled_routine_says_what_it_is_and_how_often(path: Path):
    routine = bundled(path)
    assert routine.title and routine.description and routine.tags
    assert routine.frequency is not None
    assert routine.author == AUTHOR


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_safety_notes_send_the_patient_to_a_clinician(path: Path):
    safety = " ".join(bundled(path).safety).lower()
    assert "not a substitute" in safety and "clinician" in safety
    for warning_sign in ("sharp pain", "numbness", "tingling", "weakness"):
        assert warning_sign in safety, warning_sign


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_every_exercise_has_tips_a_caution_a_reason_and_an_announcement(path: Path):
    for step in bundled(path).exercises:
        assert 2 <= len(step.tips) <= 4, step.name
        assert all(len(tip) >= 20 for tip in step.tips), step.name
        assert step.caution and step.why and step.say, step.name


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_per_side_exercises_announce_that_the_left_side_comes_first(path: Path):
    # The player always starts per-side exercises on the left; the voice must agree.
    for step in bundled(path).exercises:
        if step.per_side:
            assert "left" in step.say.lower(), step.name


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
@pytest.mark.parametrize("week", [1, 2, 4, 8, 52])
def test_doses_are_gentle_home_exercise_doses_in_every_week(path: Path, week: int):
    for step in routine_for_week(bundled(path), week).exercises:
        assert (step.sets or 1) <= 3, step.name
        assert (step.reps or 0) <= 15, step.name
        if step.hold is not None:
            assert step.hold <= 60, step.name
        if step.kind == "hold":  # a single stretch or plank shorter than this does little
            assert step.hold >= 15, step.name


def test_every_way_of_timing_appears_among_the_bundled_routines():
    routines = [bundled(path) for path in BUNDLED]
    exercises = [step for routine in routines for step in routine.exercises]
    assert {step.kind for step in exercises} == {"hold", "duration", "reps", "self-paced"}
    assert any(step.per_side for step in exercises)
    assert any(step.sets and step.sets > 1 for step in exercises)
    assert any(isinstance(step, RestStep) for routine in routines for step in routine.steps)
    assert any(routine.defaults != Defaults() for routine in routines)


@pytest.mark.parametrize("week", [1, 2, 3, 4, 52])
def test_morning_routine_takes_about_five_minutes_in_every_week(week: int):
    routine = routine_for_week(morning(), week)
    assert 240 <= routine.planned_seconds() <= 360


# --- clinical content: the review of issue 13 --------------------------------------


def library_exercises() -> list[ExerciseStep]:
    """Every exercise of the bundled library, as a step that takes it unchanged."""
    ids = bundled_library().exercises
    text = "title: All\nsteps:\n" + "".join(f"  - exercise: {key}\n" for key in ids)
    return parse_routine(text).exercises


def bundled_exercises() -> list[ExerciseStep]:
    """Every exercise a patient can meet without a therapist's file: routines and library."""
    in_routines = [step for path in BUNDLED for step in bundled(path).exercises]
    return in_routines + library_exercises()


def texts(step: ExerciseStep) -> str:
    """Everything the patient reads or hears about a step, as one text."""
    return " ".join([step.name, *step.tips, step.caution or "", step.why or "", step.say or ""])


def named(pattern: str) -> list[ExerciseStep]:
    """The bundled exercises whose name matches `pattern` (case-insensitive)."""
    found = [step for step in bundled_exercises() if re.search(pattern, step.name, re.I)]
    assert found, pattern  # a rule about exercises that no longer exist checks nothing
    return found


def same_name(name: str) -> str:
    """Names compared as a patient reads them: `Sit-to-stand` is `sit to stand`."""
    return re.sub(r"[\s-]+", " ", name).strip().casefold()


# Names a patient or a therapist might use for the same movement; one group, one name.
SYNONYMS = [
    {"Knee rolls", "Lower trunk rotation", "Trunk rotation", "Lumbar rotation"},
    {"Prone press-up", "Press-up", "Prone extension", "Cobra", "McKenzie extension"},
    {"Standing back extension", "Standing back bend", "Standing extension"},
    {"Single knee-to-chest", "Knee to chest", "Knee hug", "Single knee hug"},
    {"Double knee-to-chest", "Double knee hug", "Both knees to chest"},
    {"Cat-cow", "Cat-camel", "Cat stretch"},
    {"Child's pose", "Prayer stretch", "Child pose"},
    {"Bridge", "Glute bridge", "Hip bridge", "Pelvic bridge"},
    {"Bird-dog", "Quadruped arm and leg raise", "Opposite arm and leg raise"},
    {"Side plank", "Side bridge"},
    {"Partial curl-up", "Curl-up", "Crunch", "Partial crunch"},
    {"Lying march", "Supine march"},
    {"Single-leg stance", "Standing on one leg", "Single leg balance"},
    {"Heel raise", "Calf raise"},
    {"Sit-to-stand", "Chair stand", "Chair rise"},
    {"Seated nerve glide", "Nerve glide", "Sciatic nerve glide", "Nerve floss"},
    {"Hip flexor stretch", "Standing hip flexor stretch", "Kneeling hip flexor stretch"},
    {"Walk", "Easy walk", "Walk around", "Walking"},
    {"March on the spot", "Marching on the spot", "Marching"},
    {"Pelvic tilt", "Posterior pelvic tilt", "Pelvic rock"},
    {"Abdominal bracing", "Core bracing", "Abdominal brace"},
]


def test_every_bundled_exercise_step_has_a_caution():
    for step in bundled_exercises():
        assert step.caution and len(step.caution) >= 20, step.name


def test_no_two_bundled_exercises_share_a_movement_under_different_names():
    names = {same_name(step.name): step.name for step in bundled_exercises()}
    for group in SYNONYMS:
        used = sorted({names[key] for key in map(same_name, group) if key in names})
        assert len(used) <= 1, f"one movement under several names: {used}"
    # A step that takes a library exercise keeps the library's name for it.
    by_id = {step.exercise: step.name for step in library_exercises()}
    for step in bundled_exercises():
        assert step.name == by_id.get(step.exercise, step.name), step.name


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_every_bundled_routine_starts_gently_and_grows_week_by_week(path: Path):
    routine = bundled(path)
    assert has_progression(routine)
    first, later = routine_for_week(routine, 1), routine_for_week(routine, 6)
    assert first.planned_seconds() < later.planned_seconds()
    grows = False
    for easy, full in zip(first.exercises, later.exercises, strict=True):
        for field in ("hold", "duration", "reps", "sets"):
            start, end = getattr(easy, field) or 1, getattr(full, field) or 1
            assert start <= end, (easy.name, field)  # nothing is harder in the first week
            grows = grows or start < end
        if easy.reps != full.reps:  # NHS: start with about 5 reps, add 1 or 2 every few days
            assert easy.reps <= 6, easy.name
    assert grows


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_a_spoken_announcement_never_gives_a_number_the_weeks_change(path: Path):
    # `say` is read out as written, whatever the week: "ten reps" would be wrong in week 2.
    numbers = (
        r"\b(\d+|a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|"
        r"twenty|thirty|forty|fifty|sixty)\s+(\w+\s+)?(reps?|seconds?|minutes?|times|holds?|"
        r"rounds?|lifts?|sways?)\b"
    )
    for step in bundled(path).exercises:
        if step.progression is not None or bundled(path).progression is not None:
            assert not re.search(numbers, step.say or "", re.I), step.say


def test_no_hamstring_stretch_pulls_the_ankle_up_with_a_towel():
    # Pulling the foot up tensions the sciatic nerve: hold behind the thigh, ankle relaxed.
    towel = re.compile(r"\b(towel|strap|band|belt|rope)\b", re.I)
    foot_up = re.compile(
        r"\b(pull|draw|flex|bring)\w*\b[^.;]*\b(toes|foot|feet|ankle)\b[^.;]*\b(towards|up)\b",
        re.I,
    )
    for step in bundled_exercises():
        assert not towel.search(texts(step)), step.name
        assert not foot_up.search(texts(step)), step.name
    for step in named(r"hamstring"):
        tips = " ".join(step.tips).lower()
        assert "behind the thigh" in tips and "relaxed" in tips, step.name


def test_backward_bends_are_left_out_when_they_bring_on_leg_pain():
    for step in named(r"press-up|back extension|back bend|cobra"):
        caution = step.caution.lower()
        assert "leave it out" in caution and "leg pain" in caution, step.name


def test_deep_forward_bends_and_twists_warn_about_osteoporosis_and_fractures():
    for step in named(r"knee-to-chest|child's pose|curl-up|crunch|twist|knee rolls|rotation"):
        caution = step.caution.lower()
        assert "osteoporosis" in caution and "fracture" in caution, step.name


def test_holds_come_with_a_breathing_cue():
    # Holding the breath through a hold is a common mistake; every hold says so.
    held = [step for step in bundled_exercises() if step.hold is not None]
    held += named(r"^(bridge|bird-dog|side plank|hip flexor stretch)$")
    for step in held:
        assert re.search(r"\bbreath", " ".join([*step.tips, step.say or ""]), re.I), step.name


def test_bird_dog_offers_its_easier_versions_in_the_usual_order():
    for step in named(r"bird-dog"):
        text = texts(step).lower()
        assert "arm only" in text and "leg only" in text, step.name
        assert text.index("arm only") < text.index("leg only"), step.name


def test_curl_ups_are_done_as_mcgill_describes():
    for step in named(r"curl-up"):
        tips = " ".join(step.tips).lower()
        assert "one knee bent" in tips and "one unit" in tips, step.name
        assert "chin tucked" not in tips, step.name  # McGill: the head stays in line


def test_why_texts_offer_mechanisms_as_possibilities_not_facts():
    mechanism = re.compile(
        r"nerve|pelvis|disc|joint|posture|tight|shorten|irritat|strain|protect|spare|prevent", re.I
    )
    hedge = re.compile(r"\b(may|might|can|could|often|many|some|help|helps|usually)\b", re.I)
    for step in bundled_exercises():
        if mechanism.search(step.why):
            assert hedge.search(step.why), step.why


def test_nothing_bundled_offers_tens_ultrasound_or_back_belts():
    # NICE NG59: do not offer them for low back pain.
    banned = re.compile(r"\bTENS\b|ultrasound|\b(back|lumbar|support) (belt|brace|corset)|corset")
    routines = [bundled(path) for path in BUNDLED]
    words = [texts(step) for step in bundled_exercises()]
    words += [" ".join([r.title, r.description or "", *r.safety]) for r in routines]
    for text in words:
        assert not banned.search(text), text


def test_cautions_are_short_enough_to_be_spoken():
    # The voice reads each caution out when the exercise comes up.
    for step in bundled_exercises():
        assert len(step.caution.split()) <= 25, step.caution


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_the_voice_has_said_its_piece_before_the_exercise_starts(path: Path):
    # The name, what to do and the caution are heard during the get-ready countdown,
    # not over the first seconds of the exercise. Speech rates count a word as five
    # characters; espeak-ng at the default rate stays within 0.2 s of this estimate.
    routine = bundled(path)
    characters_a_second = DEFAULT_RATE * 5 / 60
    for segment in routine.segments():
        if segment.kind is SegmentKind.PREPARE:
            phrase = announcement(routine.steps[segment.step_index], segment)
            speaking = len(phrase) / characters_a_second
            assert speaking <= segment.seconds, (segment.name, round(speaking, 1), phrase)


def test_the_morning_routine_starts_upright_and_keeps_forward_bends_mid_range():
    # Snook et al. 1998: no full forward bending in the first minutes after getting up.
    first = morning().exercises[0]
    assert re.search(r"\b(stand|march|walk)", " ".join([first.name, *first.tips]), re.I)
    for step in morning().exercises:
        if re.search(r"knee-to-chest|child's pose|cat-cow", step.name, re.I):
            tips = " ".join(step.tips).lower()
            assert re.search(r"part of the way|middle of the range", tips), step.name


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_coming_up_from_childs_pose_takes_at_least_ten_seconds_through_kneeling(path: Path):
    routine = bundled(path)
    segments = routine.segments()
    work = [index for index, segment in enumerate(segments) if segment.kind.is_work]
    for index, next_index in pairwise([*work, len(segments)]):
        step = routine.steps[segments[index].step_index]
        if step.name != "Child's pose" or next_index == len(segments):
            continue  # the routine ends in the pose: there is all the time in the world
        assert "kneeling" in " ".join(step.tips).lower()
        if segments[next_index].name != step.name:
            # The rest and get-ready countdowns before the next exercise begins.
            pause = sum(segment.seconds or 0 for segment in segments[index + 1 : next_index])
            assert pause >= 10, path.stem


# --- docs/routine-format.md ---------------------------------------------------------

FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)
BLOCKS = [(match[1], match[2]) for match in FENCE.finditer(REFERENCE.read_text("utf-8"))]
YAML_EXAMPLES = [body for language, body in BLOCKS if language == "yaml"]


def example_id(body: str) -> str:
    return re.search(r"^title: (.*)$", body, re.MULTILINE)[1]


def test_reference_has_examples_to_copy():
    assert len(YAML_EXAMPLES) >= 5


@pytest.mark.parametrize("body", YAML_EXAMPLES, ids=example_id)
def test_every_yaml_example_in_the_reference_validates(body: str):
    assert parse_routine(body, "example.yaml").steps


def listing_line(segment: Segment) -> str:
    """One segment as the reference lists it: `Hold   5 s  Bird-dog (left, rep 1/2)`."""
    where = [segment.side] if segment.side else []
    if segment.set_count > 1:
        where.append(f"set {segment.set_number}/{segment.set_count}")
    if segment.rep_number is not None:
        where.append(f"rep {segment.rep_number}/{segment.rep_count}")
    seconds = f"{segment.seconds} s" if segment.seconds is not None else "—"
    detail = f" ({', '.join(where)})" if where else ""
    return f"{segment.kind.label:<13}{seconds:>6}  {segment.name}{detail}"


LISTINGS = [
    (routine_text, listing)
    for (language, routine_text), (_, listing) in pairwise(BLOCKS)
    if language == "yaml" and listing.startswith("Get ready")
]


@pytest.mark.parametrize(
    "routine_text, listing", LISTINGS, ids=[example_id(text) for text, _ in LISTINGS]
)
def test_segment_listings_in_the_reference_are_what_the_app_plays(routine_text, listing):
    segments = parse_routine(routine_text).segments()
    assert [listing_line(segment) for segment in segments] == listing.splitlines()


def test_reference_shows_both_a_paced_and_a_self_paced_expansion():
    assert len(LISTINGS) == 2


def test_reference_names_every_key_of_the_format():
    reference = REFERENCE.read_text("utf-8")
    keys = {
        *schema.Routine.model_fields,
        *schema.Defaults.model_fields,
        *schema.ExerciseStep.model_fields,
    }
    missing = sorted(key for key in keys if f"| `{key}` |" not in reference)
    assert not missing


def test_reference_states_the_limits_and_built_in_values_the_model_uses():
    reference = REFERENCE.read_text("utf-8")
    assert f"more than {MAX_REPS} `reps`" in reference
    assert f"more than {MAX_SETS} `sets`" in reference
    assert f"over {MAX_FILE_BYTES // 1024} KB" in reference
    assert "over 1 hour" in reference
    assert f"| `relax` | {DEFAULT_RELAX_SECONDS} s |" in reference
    assert f"| `switch` | {DEFAULT_SWITCH_SECONDS} s |" in reference
    assert f"| `prepare` | {DEFAULT_PREPARE_SECONDS} s |" in reference


def one_step(step: str, head: str = "title: T\n") -> str:
    """A routine file of one step, written the way the reference's table describes it."""
    return f"{head}steps:\n  - {step}"


DOCUMENTED_MISTAKES = [
    (one_step("name: Bridge\n    reps: 10\n    hodl: 5s\n"), "did you mean 'hold'?"),
    (one_step("name: A\n    hold: 5s\n", "title: T\ndefault:\n  rest: 30s\n"), "'defaults'?"),
    (one_step("name: Bridge\n"), "give the step one of hold"),
    (one_step("name: Plank\n    hold: 30s\n    duration: 1m\n"), "either hold or duration"),
    (one_step("name: Plank\n    hold: 30s\n    relax: 3s\n"), "relax is the pause"),
    (one_step("name: Plank\n    hold: 0\n"), "more than zero seconds"),
    (one_step("name: Walk\n    duration: 2h\n"), "over the 1 hour limit"),
    (one_step("name: Bridge\n    reps: 1000\n"), "over the limit of 100"),
    (one_step("name: Bridge\n    reps: 10\n    sets: 50\n"), "over the limit of 20"),
    (one_step("name: A\n    hold: 30 seconds please\n"), "is not a duration"),
    (one_step("name: A\n    hold: 5s\n", "title: T\nfrequency: sometimes\n"), "not a frequency"),
    (one_step("hold: 5s\n"), "has no name"),
    (one_step("rest: 30s\n    hold: 5s\n"), "a rest step has only rest"),
    (one_step("name: A\n    hold: 5s\n    hold: 10s\n"), "is given twice"),
    (
        one_step("name: A\n    hold: 5s\n", "title: T\ndefaults: &d\n  rest: 30s\n"),
        "cannot start with '&'",
    ),
    (one_step("name: A\n    hold: 5s\n    tips: Keep straight\n"), "write a list"),
    (one_step("name: A\n    hold: 5s\n", head=""), "needs title"),
    (one_step("name: A\n    reps: 12-8\n"), "goes down"),
    (one_step("name: A\n    reps: [6, 4, 0]\n    hold: 10s\n"), "set 3 of 3"),
    (one_step("name: A\n    reps: 10\n    tempo: 3-1\n"), "gives two numbers: write three"),
    (one_step("name: A\n    reps: 10\n    side: lefty\n"), "did you mean left?"),
    (one_step("name: A\n    hold: 5s\n    sides: alternate\n"), "changes side each rep"),
]


@pytest.mark.parametrize(
    "text, excerpt", DOCUMENTED_MISTAKES, ids=[excerpt for _, excerpt in DOCUMENTED_MISTAKES]
)
def test_error_messages_in_the_reference_are_the_loaders_own(text: str, excerpt: str):
    with pytest.raises(RoutineFileError) as caught:
        parse_routine(text, "my-routine.yaml")
    (problem,) = caught.value.problems
    assert excerpt in problem.message
    assert f"`{problem.message}`" in REFERENCE.read_text("utf-8")


TRANSCRIPTS = [
    (previous, body)
    for (_, previous), (language, body) in pairwise(BLOCKS)
    if language == "text" and body.startswith("$ ")
]


@pytest.mark.parametrize(
    "previous, transcript", TRANSCRIPTS, ids=[body.splitlines()[-1] for _, body in TRANSCRIPTS]
)
def test_validate_sessions_in_the_reference_replay_as_shown(
    previous, transcript, tmp_path, monkeypatch, capsys
):
    """`$ cat FILE` writes the file shown; otherwise `validate` checks the example above."""
    monkeypatch.chdir(tmp_path)
    commands = re.split(r"^\$ ", transcript, flags=re.MULTILINE)[1:]
    for command in commands:
        line, _, shown = command.partition("\n")
        program, *arguments = line.split()
        if program == "cat":
            Path(arguments[0]).write_text(shown, encoding="utf-8")
            continue
        assert (program, arguments[0]) == ("backroutine", "validate")
        name = arguments[1]
        if not Path(name).exists():
            Path(name).write_text(previous, encoding="utf-8")
        cli_main(["validate", name])
        output = capsys.readouterr()
        assert (output.out + output.err).splitlines() == shown.splitlines()
