"""The catalogue of hand-editing mistakes: each fixture gets exactly the message a clinician reads.

Each file in `tests/data/mistakes/` is one realistic slip (typed in a text editor, or
pasted from a word processor). Its entry below is everything `backroutine validate` says
about it, as `line:column: message`: the errors of a file that cannot be used, or the
warnings (`warning: ...`) of one that loads but may not mean what its therapist meant.
An empty list: the file is fine as written.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from backroutine.routine.loader import RoutineFileError, check_routine_file

MISTAKES = Path(__file__).parent / "data" / "mistakes"
TODAY = date(2026, 11, 30)  # dates the check of review_by

# Words of the YAML parser's that mean nothing to a clinician.
JARGON = (
    "mapping",
    "scalar",
    "indicator",
    "token",
    "yaml:",
    "stream",
    "block end",
    "context",
    "anchor",
    "alias",
    "node",
    "expected <",
    "could not find",
    "did not find",
    "violates",
)

CATALOGUE = {
    "heat-too-long": [
        "4:5: warning: step 1: a heat pack for 45 min is more than the 20 minutes it may stay on the skin: write 15 min or 20 min",
    ],
    "walk-minits": [
        "5:12: unknown key 'minits' in step 2: did you mean 'minutes'?",
    ],
    "walk-two-ways": [
        "4:11: step 1: a walk is by minutes, by steps or by a target: give one of minutes: 10, steps: 10 (with times: 4 to repeat) or target_steps: 3000",
        "5:11: step 2: times repeats a walk by steps: add steps: 10, or remove times",
        "6:36: unknown key 'owt' in step 3: did you mean 'out'?",
        "7:11: step 4 needs text: add text:",
    ],
    "at-sign": [
        "3:11: a text cannot start with '@': put the whole text in quotes",
    ],
    "backslash-in-quotes": [
        "6:21: inside double quotes a backslash starts a special character: put the text in single quotes instead, or write \\\\ for a backslash",
    ],
    "bom": [],
    "capital-key": [
        "4:5: unknown key 'Reps' in step 1: did you mean 'reps'?",
    ],
    "caution-as-list": [
        "7:7: caution: write one text here, not a list",
    ],
    "colon-in-caution": [
        '6:14: this text holds a colon followed by a space, which starts a new key: put the whole text in quotes, e.g. "Stop if: you feel it in your back"',
    ],
    "colon-in-tip": [
        "8:9: tip 2: the text holds a colon followed by a space (after 'Breathe out'), which starts a new key: put the whole text in quotes, e.g. \"Breathe out: lift your hips.\"",
    ],
    "crlf": [],
    "curly-quotes-colon": [
        "6:14: this text is in curly quotes (a word processor's), which do not count as quotes, and it holds ': ': put straight quotes \" \" around the whole text instead",
    ],
    "curly-quotes-no-colon": [],
    "curly-single-quotes-colon": [
        "7:9: tip 1: this text is in curly quotes (a word processor's), which do not count as quotes, and it holds ': ': put straight quotes \" \" around the whole text",
    ],
    "duplicate-key": [
        "6:5: 'reps' is given twice in step 1 (first on line 4): keep the one you mean, or if a new step starts here, begin it with '- '",
    ],
    "duplicate-step-names": [
        "9:5: warning: step 3 has the same name as step 1, 'Bridge': if it is another exercise, give it its own name; if it is done again on purpose, say so, e.g. 'Bridge (again)'",
    ],
    "duration-minutes-decimal": [
        "4:15: warning: duration: 10.00 is read as 10 seconds: if you mean 10 minutes, write 10m; for seconds, write 10s",
    ],
    "em-dash-bullet": [
        "6:3: this list item starts with an em dash '—' (a word processor puts them in): start it with a plain hyphen '-'",
    ],
    "empty-name": [
        "3:10: name: has no value: write it after 'name:'",
    ],
    "empty-reps": [
        "4:5: warning: reps: has no value, so it is left out: write the value after 'reps: ', or delete the line",
    ],
    "empty-rest": [
        "6:10: rest: has no value: write how long, e.g. 60s",
    ],
    "empty-sets": [
        "5:5: warning: sets: has no value, so it is left out: write the value after 'sets: ', or delete the line",
    ],
    "empty-steps-value": [
        "2:7: steps: has no value: write the list after it, one item per line starting with '- '",
    ],
    "empty-tip": [
        "8:8: tip 2: has no text: write it after the '- '",
    ],
    "empty-title": [
        "1:7: title: has no value: write it after 'title:'",
    ],
    "en-dash-bullet": [
        "3:3: this list item starts with an en dash '–' (a word processor puts them in): start it with a plain hyphen '-'",
    ],
    "en-dash-tip": [
        "7:7: tips: the item starts with an en dash '–' (a word processor puts them in): start each item with a plain hyphen '- '",
    ],
    "frequency-bad": [
        "2:12: frequency: 'every other day' is not a frequency: write daily, 2 per day, 3 per week, as needed or every 2 hours between 08:00 and 20:00",
    ],
    "hold-as-clock": [],
    "hold-decimal": [
        "4:11: hold: 2.5 is not a duration: for 2.5 minutes write 2m30s",
    ],
    "hold-each-side": [
        "4:11: hold: write the time of one side, 30s, and add per_side: true on its own line",
    ],
    "hold-minutes-dot": [
        "4:11: hold: 1.30 is not a duration: for 1 min 30 s write 1m30s",
    ],
    "hold-progression-too-long": [
        "6:7: warning: step 1: a hold of 10 min is over 3 minutes: check it is not meant in seconds",
    ],
    "hold-range-target": [
        "3:5: step 1: target: 40s is outside hold: 20-30s: give a target within the range",
    ],
    "hold-seconds-dot": [
        "4:11: hold: 0.45 is not a duration: for 45 s write 45s",
    ],
    "id-with-spaces": [
        "2:5: id: write lower-case letters, digits and '-', e.g. core-for-jane",
    ],
    "defaults-key-one-space-in": [
        "3:4: 'rest:' is indented 3 spaces, the keys beside it 2 spaces: line it up with them, 2 spaces in",
    ],
    "key-between-two-levels": [
        "7:6: 'tips:' is indented 5 spaces: the keys under 'progression:' are 6 spaces in, the keys beside 'progression:' 4 spaces: line it up with the ones it belongs with",
    ],
    "caution-under-the-tips": [
        "8:7: 'caution:' is indented further than 'tips:', so it is read as part of its list: line it up with 'tips:', 4 spaces in",
    ],
    "list-item-one-space-out": [
        "4:2: this list item is indented 1 space, the items beside it 2 spaces: line its '- ' up with theirs, 2 spaces in",
    ],
    "list-text-goes-on-too-far-out": [
        "5:3: 'or spreading numbness, tingling or weakn' is not lined up as a list item: if it is an item of its own, start it with '- ' like the items above; if it goes on with the text above, indent it 4 spaces, like that text",
    ],
    "text-goes-on-at-the-keys": [
        "7:5: 'lower back.' is not a key: if it goes on with the text above, indent it 6 spaces, further than that text's key; if it is a value, write its key before it",
    ],
    "description-line-out": [
        "4:2: this line of the text under 'description:' starts further out than its first line: indent every line of the text 2 spaces, like the first",
    ],
    "step-key-one-space-out": [
        "5:4: 'hold:' is indented 3 spaces, the keys beside it 4 spaces: line it up with them, 4 spaces in",
    ],
    "tip-indented-under-the-tip-above": [
        "8:9: this list item is indented further than the item above it, so it is read as part of that item's text: line its '- ' up with the item above, 6 spaces in",
    ],
    "duration-minutes-without-unit": [
        "4:15: warning: duration: 10 is read as 10 seconds: if you mean 10 minutes, write 10m; for seconds, write 10s",
    ],
    "heat-minutes-without-unit": [
        "4:11: warning: heat: 15 is read as 15 seconds: if you mean 15 minutes, write 15m; for seconds, write 15s",
    ],
    "rest-minutes-without-unit": [
        "6:11: warning: rest: 2 is read as 2 seconds: if you mean 2 minutes, write 2m; for seconds, write 2s",
    ],
    "relax-in-minutes": [
        "4:10: warning: defaults: a relax of 3 min between reps is over 1 min: check it is not meant in seconds",
    ],
    "pauses-in-minutes": [
        "7:13: warning: step 1: a switch of sides of 5 min is over 1 min: check it is not meant in seconds",
        "10:14: warning: step 2: a get-ready of 10 min is over 1 min: check it is not meant in seconds",
        "11:5: warning: step 3: a rest of 30 min is over 10 min: check it is not meant in seconds",
    ],
    "rest-step-dash-missing": [
        "8:5: warning: step 2 starts with rest: and then names an exercise, so the rest is read as the pause after each of its sets: if the rest is a step of its own, put '- ' before name:",
    ],
    "hold-unit-with-extras": [
        "4:11: hold: '30 sec.' is not a duration: write 30s",
        "6:11: hold: '~15s' is not a duration: write 15s",
        "9:11: hold: '1' 30\"' is not a duration: write 1m30s",
    ],
    "comma-decimal": [
        "4:11: hold: '1,5 min' is not a duration (a comma is not a decimal point here): write 1m30s",
        "6:15: duration: '2,5' is not a duration (a comma is not a decimal point here): for 2.5 minutes write 2m30s",
        "9:11: hold: '5,5s' is not a duration (a comma is not a decimal point here): use whole seconds, 5s or 6s",
    ],
    "hours-and-fractions": [
        "4:15: duration: 2 h is over the 1 hour limit: check the unit, s for seconds, m for minutes",
        "6:11: hold: '1½ min' is not a duration: write 1m30s",
    ],
    "reps-with-extras": [
        "4:11: reps: '10x' is not a number of reps: write reps: 10",
        "6:11: reps: write the reps of one side, reps: 10, and add per_side: true on its own line",
        "8:11: reps: write a number, e.g. reps: 3, not yes or no",
    ],
    "keys-in-other-words": [
        "2:1: unknown key 'warnings' in the routine: did you mean 'safety'?",
        "6:5: unknown key 'hold_seconds' in step 1: did you mean 'hold'?",
        "7:5: unknown key 'get_ready' in step 1: did you mean 'prepare'?",
    ],
    "leading-zeros": [],
    "reps-as-clock": [
        "4:11: reps: '1:30' is not a number of reps: write e.g. reps: 3",
    ],
    "reps-in-defaults": [
        "4:3: unknown key 'reps' in defaults: reps is given in each step: defaults holds only rest, relax, sets, prepare and switch",
    ],
    "step-keys-at-the-top": [
        "2:1: unknown key 'sets' in the routine: sets belongs to a step: indent it under the step's other keys, or under defaults: for every step",
        "3:1: unknown key 'caution' in the routine: caution belongs to a step: indent it under the step's other keys",
    ],
    "keys-with-letters-swapped": [
        "4:5: unknown key 'resp' in step 1: did you mean 'reps' or 'rest'?",
        "5:5: unknown key 'hlod' in step 1: did you mean 'hold'?",
    ],
    "pauses-of-zero": [
        "3:9: rest: the shortest rest is 1s: for none, leave rest: out (and out of defaults:, which every step takes it from)",
        "8:12: relax: the shortest pause between reps is 1s; without relax: it is 3 s",
    ],
    "step-dash-one-space-in": [
        "7:4: this list item is indented 3 spaces, the items beside it 2 spaces: line its '- ' up with theirs, 2 spaces in",
    ],
    "first-step-without-dash": [
        "3:5: 'name:' starts the first item of the list under 'steps:' without its '- ': begin the line with '- ' like the items below, 2 spaces in",
    ],
    "defaults-key-at-the-margin": [
        "4:1: 'relax:' is indented 0 spaces, the keys beside it 2 spaces: line it up with them, 2 spaces in",
    ],
    "tip-dash-left-out": [
        "8:9: warning: 'Breathe out as you lift your hips.' is read as more of the list item above it: if it is an item of its own, start it with '- '",
    ],
    "rest-step-dash-left-out": [
        "6:5: warning: rest: after a blank line is read as part of step 1, the pause after each of its sets: if it is a rest between exercises, put '- ' before rest:",
    ],
    "side-yes": [
        "6:11: side: write left, right or affected, not yes or no",
    ],
    "key-indented-too-far": [
        "5:7: 'hold:' is indented further than the line above it: line it up with the other keys, 4 spaces in",
    ],
    "key-indented-too-little": [
        "4:3: 'reps:' does not line up with the keys of the list item above it: indent it 4 spaces, like them, or if a new item starts here, begin it with '- '",
    ],
    "library-outside": [
        "2:10: library: the library must be in the routine's folder or below it: '..' is not allowed",
    ],
    "long-hold": [
        "2:1: warning: the routine takes 5 h 1 min, more than the 90 minutes a home routine takes: check the holds, reps and sets (step 1 alone takes 5 h 1 min)",
        "5:5: warning: step 1: a hold of 10 min is over 3 minutes: check it is not meant in seconds",
    ],
    "long-session": [
        "2:1: warning: the routine takes 1 h 45 min, more than the 90 minutes a home routine takes: check the holds, reps and sets (step 1 alone takes 1 h)",
        "6:5: warning: step 2: a hold of 45 min is over 3 minutes: check it is not meant in seconds",
    ],
    "missing-dash-second-key": [
        "8:5: step 2 already has name: (line 6): if a new step starts here, put '- ' before name: as the other steps have",
    ],
    "missing-dash": [
        "6:5: step 1 already has name: (line 3): if a new step starts here, put '- ' before name: as the other steps have",
    ],
    "missing-space-after-colon": [
        "4:10: put a space after the colon: reps: 10",
    ],
    "missing-space-after-dash": [
        "3:3: put a space after the '-' that starts a list item: - name: Bridge",
    ],
    "nbsp-after-colon": [
        "4:10: a non-breaking space after 'reps:' (a word processor puts them in): type an ordinary space instead",
    ],
    "nbsp-after-dash": [
        "3:4: a non-breaking space after '-' (a word processor puts them in): type an ordinary space instead",
    ],
    "nbsp-after-name": [
        "3:10: a non-breaking space after 'name:' (a word processor puts them in): type an ordinary space instead",
    ],
    "nbsp-inside-text": [],
    "negative-hold": [
        "4:11: hold: a duration must be more than zero seconds",
    ],
    "negative-reps": [
        "4:11: reps: reps must be at least 1",
    ],
    "no-colon-after-key": [
        "5:5: step 2: put a colon after 'name': name: Side plank",
    ],
    "no-name": [
        "3:5: step 1 has no name: add name: (or write a rest as - rest: 60s)",
    ],
    "no-steps": [
        "1:1: the routine needs steps: add steps:",
    ],
    "no-timing": [
        "3:5: step 1: give the step one of hold (e.g. hold: 30s), duration or reps",
    ],
    "no-title": [
        "1:1: the routine needs title: add title:",
    ],
    "past-review": [
        "2:12: warning: review_by: 2020-01-31 has passed: write the date of the next review",
    ],
    "per-side-with-space": [
        "5:5: unknown key 'per side' in step 1: did you mean 'per_side'?",
    ],
    "per-side-yes-please": [
        "5:15: per_side: write true or false",
    ],
    "quoted-start-of-tip": [
        "7:9: a text that starts with a quote must end with it: put the whole text in quotes, or leave the quotes out",
    ],
    "repetitions": [
        "4:5: unknown key 'repetitions' in step 1: did you mean 'reps'?",
    ],
    "reps-per-set-zero": [
        "4:11: reps: set 3 of 3: reps must be at least 1",
    ],
    "reps-per-side": [
        "4:11: reps: write the reps of one side, reps: 8, and add per_side: true on its own line",
    ],
    "block-misspelt-key": [
        "8:21: unknown exercise 'bird-dgo': did you mean 'bird-dog'?",
        "11:11: unknown key 'hodl' in step 2 of the block in step 1: did you mean 'hold'?",
    ],
    "range-outgrown": [
        "5:5: warning: step 1: the progression goes up to 15, past the top of reps: 8-12: the target stops at 12; raise the range or lower the progression's limit",
    ],
    "reps-range-down": [
        "4:11: reps: '12-8' goes down: write the lower number first, reps: 8-12",
    ],
    "reps-times-sets-spaced": [
        "4:11: reps: '3 x 10' gives two numbers: write reps: 10 and, on its own line, sets: 3",
    ],
    "reps-times-sets": [
        "4:11: reps: '10x3' gives two numbers: write reps: 10 and, on its own line, sets: 3",
    ],
    "reps-with-word": [],
    "rest-with-name-typo": [
        "7:5: unknown key 'hold' in step 2: a rest step has only rest (e.g. - rest: 60s); if this is an exercise, give it a name:",
    ],
    "review-by-bad-date": [
        "2:12: review_by: write a date such as 2026-06-30",
    ],
    "sets-in-words": [],
    "sets-word-unknown": [
        "5:11: sets: 'a few' is not a number of sets: write e.g. sets: 3",
    ],
    "star-in-tip": [
        "7:9: a value cannot start with '&' or '*': write the value out in full, and put a text that starts with '*' or '&' in quotes",
    ],
    "step-key-at-the-margin": [
        "3:5: step 1: give the step one of hold (e.g. hold: 30s), duration or reps",
        "4:1: unknown key 'hold' in the routine: hold belongs to a step: indent it under the step's other keys",
    ],
    "step-under-title": [
        "2:3: this list item is indented under 'title: Core for Jane', which already has its value: put the list under a key of its own, e.g. steps:",
    ],
    "steps-as-mapping": [
        "3:3: steps: write a list, one item per line starting with '- '",
    ],
    "tabs": [
        "4:1: this line is indented with a tab: indent with spaces instead",
    ],
    "template-id": [
        "2:5: warning: id: my-back-routine is the template's example: give the routine its own id, e.g. core-for-jane, or a second routine made from the template will replace it",
    ],
    "tips-as-text": [
        "6:11: tips: write a list, one item per line starting with '- '",
    ],
    "title-yes": [
        "1:8: title: write some text here, in quotes if it is a word such as yes, no, on or off",
    ],
    "too-many-reps": [
        "4:11: reps: 1000 reps is over the limit of 100",
    ],
    "too-many-sets": [
        "5:11: sets: 50 sets is over the limit of 20",
    ],
    "two-timings": [
        "3:5: step 1: give either hold or duration, not both: a hold is a stretch or plank, a duration an activity such as walking",
    ],
    "unclosed-quote": [
        '3:11: this text opens with " but never closes it: end the text with the same quote mark',
    ],
    "units-written-out": [],
    "unknown-exercise": [
        "3:15: unknown exercise 'bird-dgo': did you mean 'bird-dog'?",
    ],
    "unknown-unit": [
        "4:11: hold: '30 secnds' is not a duration: write e.g. 30s, 2m, 1m30s or 90",
    ],
    "utf-16": [
        "1:1: the file is saved as UTF-16 (Notepad calls it Unicode): save it with UTF-8 encoding",
    ],
    "side-lefty": [
        "5:11: side: 'lefty' is not a side: did you mean left? write left, right or affected",
    ],
    "tempo-two-numbers": [
        "5:12: tempo: '3-1' gives two numbers: write three numbers, the seconds lowering, holding and lifting, e.g. tempo: 3-1-1",
    ],
    "alternate-without-reps": [
        "3:5: step 1: sides: alternate changes side each rep: give reps, or write sides: both for one side, then the other",
    ],
    "version-one-ten": [],
    "version-text": [
        "2:10: version: write the version as a number such as 2 or 1.3",
    ],
    "windows-1252": [
        "3:11: the file is not UTF-8 text ('É' here is in the Windows-1252 encoding, as older Windows editors save): save it with UTF-8 encoding",
    ],
    "zero-reps": [
        "4:11: reps: reps must be at least 1",
    ],
}


def messages(path: Path) -> list[str]:
    """What validate says about a file: its errors, else its warnings."""
    try:
        _, warnings = check_routine_file(path, today=TODAY)
    except RoutineFileError as error:
        return [f"{p.line}:{p.column}: {p.message}" for p in error.problems]
    return [f"{w.line}:{w.column}: warning: {w.message}" for w in warnings]


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_each_mistake_gets_its_exact_message(name: str):
    assert messages(MISTAKES / f"{name}.yaml") == CATALOGUE[name]


def test_every_fixture_is_in_the_catalogue_and_there_are_at_least_forty_mistakes():
    fixtures = {path.stem for path in MISTAKES.glob("*.yaml")}
    assert fixtures == set(CATALOGUE)
    assert sum(1 for found in CATALOGUE.values() if found) >= 40


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_no_message_speaks_the_parsers_language(name: str):
    for message in messages(MISTAKES / f"{name}.yaml"):
        text = message.split(": ", 1)[1].lower()
        assert not [word for word in JARGON if word in text], message


def test_what_the_fine_fixtures_are_read_as():
    def steps(name: str):
        loaded, _ = check_routine_file(MISTAKES / f"{name}.yaml", today=TODAY)
        return loaded.routine.steps

    (words,) = steps("sets-in-words")
    assert (words.reps, words.sets) == (10, 3)
    (counted,) = steps("reps-with-word")
    assert (counted.reps, counted.sets) == (10, 2)
    (nbsp,) = steps("nbsp-inside-text")
    assert nbsp.tips == ("Note:\u00a0keep\u00a0breathing.",)  # inside a text it is harmless
    assert [step.hold or step.duration for step in steps("units-written-out")] == [5, 5, 30, 60]
    assert [step.hold for step in steps("hold-as-clock")] == [90, 45]
    zeros = steps("leading-zeros")  # YAML 1.1 reads 010 as octal 8: a person reads 10
    assert [(step.reps, step.sets, step.hold) for step in zeros] == [
        (10, 2, None),
        (None, None, 30),
    ]
    version = check_routine_file(MISTAKES / "version-one-ten.yaml")[0].routine.version
    assert version == "1.10"
    assert steps("crlf") == steps("bom")[:1] + steps("crlf")[1:]


def test_an_empty_value_leaves_the_librarys_value_in_place():
    # `reps:` left empty under a library exercise must not drop its reps (a 5 s hold instead).
    loaded, _ = check_routine_file(MISTAKES / "empty-reps.yaml", today=TODAY)
    (step,) = loaded.routine.steps
    assert (step.name, step.reps, step.hold) == ("Bird-dog", 8, 5)


def test_validate_prints_warnings_and_exits_zero_unless_strict(capsys):
    from backroutine.cli.main import main

    path = MISTAKES / "duration-minutes-decimal.yaml"
    assert main(["validate", str(path)]) == 0
    out, err = capsys.readouterr()
    assert f"{path}: ok (1 exercise, 15 s, 1 warning)" in out
    assert err == (
        f"{path}:4:15: warning: duration: 10.00 is read as 10 seconds: if you mean 10 minutes, "
        "write 10m; for seconds, write 10s\n"
    )
    assert main(["validate", "--strict", str(path)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        f"{path}:4:15: duration: 10.00 is read as 10 seconds: if you mean 10 minutes, "
        "write 10m; for seconds, write 10s",
        "0 of 1 routine files valid",
    ]
