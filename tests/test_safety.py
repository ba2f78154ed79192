"""The safety rules on their own: triage tiers, the emergency number, the pain model."""

from __future__ import annotations

import pytest

from backroutine.base.emergency import EMERGENCY_NUMBERS, LOCAL_EMERGENCY_NUMBER, emergency_number
from backroutine.routine.safety import (
    ACCEPTABLE_ADVICE,
    PAIN_ADVICE,
    QUESTIONS,
    TREND_ADVICE,
    CheckInAnswers,
    Tier,
    check_in_advice,
    leg_reach_advice,
    review_pain,
    tier_advice,
)


@pytest.mark.parametrize(
    ("environ", "number"),
    [
        ({"LANG": "en_GB.UTF-8"}, "999"),
        ({"LANG": "en_US.UTF-8"}, "911"),
        ({"LANG": "fr_CA.UTF-8"}, "911"),
        ({"LANG": "en_AU.UTF-8"}, "000"),
        ({"LANG": "en_NZ.UTF-8"}, "111"),
        ({"LANG": "en_IE.UTF-8"}, "112 or 999"),
        ({"LANG": "de_DE.UTF-8"}, "112"),
        ({"LANG": "ca_ES.UTF-8@valencia"}, "112"),
        ({"LANG": "en_US.UTF-8", "LC_ALL": "sv_SE.UTF-8"}, "112"),
        ({"LANG": "en_US.UTF-8", "LC_TELEPHONE": "nl_NL.UTF-8"}, "112"),
        ({"LANG": "C.UTF-8"}, LOCAL_EMERGENCY_NUMBER),
        ({"LANG": "POSIX"}, LOCAL_EMERGENCY_NUMBER),
        ({"LANG": "en_ZZ.UTF-8"}, LOCAL_EMERGENCY_NUMBER),
        ({}, LOCAL_EMERGENCY_NUMBER),
    ],
)
def test_the_emergency_number_comes_from_the_locale_when_not_set(environ, number):
    assert emergency_number(None, environ) == number


def test_the_setting_wins_over_the_locale():
    assert emergency_number("112", {"LANG": "en_US.UTF-8"}) == "112"


def test_every_eu_country_calls_112():
    for country in ("FR", "DE", "IT", "ES", "PL", "SE", "AT", "GR", "PT", "NL"):
        assert EMERGENCY_NUMBERS[country] == "112"


def test_emergency_advice_without_a_number_names_the_local_one():
    assert "or call your local emergency number now" in tier_advice(
        Tier.EMERGENCY, LOCAL_EMERGENCY_NUMBER
    )
    assert "or call 999 now. Do not wait for an appointment." in tier_advice(Tier.EMERGENCY, "999")


@pytest.mark.parametrize("question", QUESTIONS, ids=[q.key for q in QUESTIONS])
def test_each_answer_leads_to_its_tiers_advice_and_only_the_urgent_ones_stop(question):
    answers = CheckInAnswers(answered_yes=(question.key,))
    assert answers.tier is question.tier
    assert answers.go_ahead is (question.tier is Tier.THERAPIST)
    [advice] = check_in_advice(answers, "911")
    assert advice.startswith(tier_advice(question.tier, "911"))
    assert question.text.lower() in advice


def test_the_most_urgent_tier_decides():
    answers = CheckInAnswers(answered_yes=("not_improving", "fever_unwell", "chest_pain"))
    assert answers.tier is Tier.EMERGENCY
    assert check_in_advice(answers, "999")[0].startswith("Go to the emergency department")


def test_every_question_is_about_something_new_since_the_last_session():
    from backroutine.routine.safety import TIER_HEADINGS

    assert all("since your last session" in heading.lower() for heading in TIER_HEADINGS.values())


# --- the pain-monitoring model, over its whole table ----------------------------------


@pytest.mark.parametrize(
    ("before", "after", "settled", "earlier", "reasons", "advice"),
    [
        # after the session: 0-2 safe, 3-5 acceptable if it settles, above 5 too much
        (None, None, None, (), (), ()),
        (2, 0, None, (), (), ()),
        (2, 2, None, (), (), ()),
        (2, 3, None, (), (), (ACCEPTABLE_ADVICE,)),
        (1, 5, None, (), (), (ACCEPTABLE_ADVICE,)),
        (5, 6, None, (), ("pain 6/10 after the session",), (PAIN_ADVICE,)),
        (2, 10, None, (), ("pain 10/10 after the session",), (PAIN_ADVICE,)),
        # the next morning
        (2, 4, True, (), (), (ACCEPTABLE_ADVICE,)),
        (2, 4, False, (), ("pain not settled by the next morning",), (PAIN_ADVICE,)),
        (None, None, False, (), ("pain not settled by the next morning",), (PAIN_ADVICE,)),
        (
            2,
            7,
            False,
            (),
            ("pain 7/10 after the session", "pain not settled by the next morning"),
            (PAIN_ADVICE,),
        ),
        # the trend over several sessions (three rising after-scores, ending above safe)
        (2, 5, None, (3, 4), ("pain after sessions rising",), (TREND_ADVICE,)),
        (2, 5, None, (3, None, 4), ("pain after sessions rising",), (TREND_ADVICE,)),
        (2, 2, None, (0, 1), (), ()),
        (2, 5, None, (4,), (), (ACCEPTABLE_ADVICE,)),
        (2, 5, None, (3, 5), (), (ACCEPTABLE_ADVICE,)),
        (2, 4, None, (5, 3), (), (ACCEPTABLE_ADVICE,)),
        (2, None, None, (3, 4), (), ()),
        (
            2,
            7,
            None,
            (4, 5),
            ("pain 7/10 after the session", "pain after sessions rising"),
            (PAIN_ADVICE, TREND_ADVICE),
        ),
        # before the session
        (7, None, None, (), (), ()),
        (8, None, None, (), ("pain 8/10 before the session",), "before"),
        (10, 2, None, (), ("pain 10/10 before the session",), "before"),
    ],
)
def test_the_pain_model(before, after, settled, earlier, reasons, advice):
    review = review_pain(before, after, settled, earlier)
    assert review.reasons == reasons
    assert review.flag == ("; ".join(reasons) or None)
    if advice == "before":
        assert len(review.advice) == 1
        assert review.advice[0].startswith(f"Your pain is {before} out of 10 now.")
    else:
        assert review.advice == advice


def test_high_pain_before_is_advice_at_the_check_in_not_a_stop():
    answers = CheckInAnswers(pain_now=9)
    assert answers.go_ahead
    [advice] = check_in_advice(answers, "999")
    assert "fewer reps, shorter holds and a smaller range" in advice


def test_not_settled_by_the_morning_is_advice_at_the_check_in():
    [advice] = check_in_advice(CheckInAnswers(settled=False), "999")
    assert "had not settled by the morning after your last session" in advice


@pytest.mark.parametrize(
    ("previous", "now", "words"),
    [
        ("below_knee", "thigh", "moved up towards your back"),
        ("foot", "buttock", "moved up towards your back"),
        ("thigh", "foot", "reaches further down"),
        ("buttock", "below_knee", "reaches further down"),
        ("thigh", "thigh", None),
        (None, "foot", None),
        ("foot", None, None),
    ],
)
def test_leg_pain_moving_up_is_good_and_spreading_down_is_not(previous, now, words):
    advice = leg_reach_advice(previous, now)
    assert (advice is None) if words is None else (words in advice)


def test_the_stop_note_stops_on_what_matters_not_on_any_tingling():
    from backroutine.cli.parser import build_parser
    from backroutine.routine.safety import CLINICIAN_NOTE, STOP_RULE

    assert "sharp pain that does not ease when you stop" in CLINICIAN_NOTE
    assert "new or spreading numbness, tingling or weakness in your legs" in CLINICIAN_NOTE
    assert "at once" not in CLINICIAN_NOTE
    # The command's description says it in the same words (it cannot import them: speed).
    assert STOP_RULE.lower() in " ".join(build_parser().description.lower().split())


def test_docs_safety_lists_every_question_and_piece_of_advice_in_the_apps_words():
    from pathlib import Path

    from backroutine.routine.safety import (
        CLINICIAN_NOTE,
        SETTLED_QUESTION,
        pain_before_advice,
        settled_advice,
    )

    page = " ".join((Path(__file__).parent.parent / "docs" / "safety.md").read_text().split())
    words = [question.text for question in QUESTIONS]
    words += [tier_advice(tier, "999") for tier in Tier]
    words += [
        PAIN_ADVICE,
        TREND_ADVICE,
        ACCEPTABLE_ADVICE,
        SETTLED_QUESTION,
        CLINICIAN_NOTE,
        pain_before_advice(8),
        settled_advice(False),
        leg_reach_advice("foot", "thigh"),
        leg_reach_advice("thigh", "foot"),
    ]
    missing = [text for text in words if text not in page]
    assert not missing


@pytest.mark.parametrize(
    ("stopped_minutes_ago", "progress", "asks"),
    [
        (59, True, False),
        (60, True, True),
        (61, True, True),
        (30, False, False),
        (90, False, True),  # a log from before version 2: its start counts
    ],
)
def test_a_resumed_session_is_checked_in_again_once_it_stopped_an_hour_ago(
    stopped_minutes_ago, progress, asks
):
    from datetime import datetime, timedelta, timezone

    from backroutine.log.store import SessionRecord
    from backroutine.session.checkin import checks_in_again

    now = datetime(2026, 3, 3, 12, 0, tzinfo=timezone.utc)
    stopped = now - timedelta(minutes=stopped_minutes_ago)
    session = SessionRecord(
        id=1,
        routine_title="R",
        routine_path="/r.yaml",
        routine_sha256="0",
        frequency=None,
        started=stopped - timedelta(minutes=10) if progress else stopped,
        time_zone="UTC",
        ended=None,
        status="in_progress",
        pain_before=None,
        pain_after=None,
        note=None,
        planned_seconds=60,
        active_seconds=10,
        segments_done=1,
        last_progress=stopped if progress else None,
    )
    assert checks_in_again(session, now) is asks
