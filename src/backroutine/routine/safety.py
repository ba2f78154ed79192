"""What backroutine asks before a session, what it advises, and how it reads pain scores.

The one place for the check-in's questions, their tiers and the words of every piece of
safety advice, so the app, plain mode, the history and the export all say the same
thing. The sources and reasoning are in docs/safety.md, for a clinician to check.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from itertools import pairwise

import msgspec

from backroutine.base.emergency import LOCAL_EMERGENCY_NUMBER

STOP_RULE = (
    "Stop on sharp pain that does not ease when you stop, or on new or spreading numbness, "
    "tingling or weakness in your legs"
)
"""When to stop an exercise. Not "any tingling": nerve glides may tingle a little, and
fear of every sensation keeps people from moving."""
STOP_KEY_NOTE = (
    "Sharp pain that does not ease, or new or spreading numbness, tingling or leg weakness: "
    "stop and press h."
)
"""The stop rule, short enough for the player's screen at 60 columns, with the key to press."""

STOP_AND_CONTACT = f"{STOP_RULE}, and contact your clinician."
"""What to do on a warning sign, said wherever the patient may meet one."""

CLINICIAN_NOTE = f"backroutine is not a substitute for your clinician. {STOP_AND_CONTACT}"

# A heat or cold pack (`heat:` / `cold:` steps): shown before its timer starts and kept on
# the screen while it runs. NHS and physiotherapy leaflets agree on these: no pack on skin
# that cannot feel it, always a layer between, and no more than 15-20 minutes at a time.
PACK_MAX_SECONDS = 20 * 60
"""Longer than this on the skin risks a burn or a cold injury: the validator warns."""
PACK_SAFETY = {
    "heat": (
        "Never on numb or broken skin. Wrap the pack in a towel: a layer between your skin "
        "and the pack. 15 to 20 minutes at most. Check your skin every few minutes, and take "
        "the pack off if it is very red, blotchy or sore."
    ),
    "cold": (
        "Never on numb or broken skin. Wrap the pack in a damp towel: never ice straight on "
        "the skin. 15 to 20 minutes at most. Check your skin every few minutes, and take the "
        "pack off if it turns white, blotchy or numb."
    ),
}

BACK_PAIN_NOW = "How much does your back hurt right now"
LEG_PAIN_NOW = "How much does your leg hurt right now"
LEG_REACH_QUESTION = "How far down your leg does the pain go?"
BACK_PAIN_AFTER = "How much does your back hurt now"
"""The check-in's and the check-out's pain questions; each front end adds how to answer."""


class Tier(str, Enum):
    """How urgent an answer is; the most urgent answered yes decides the advice."""

    EMERGENCY = "emergency"
    SAME_DAY = "same_day"
    THERAPIST = "therapist"


class Question(msgspec.Struct, frozen=True):
    """One yes/no check-in question."""

    key: str
    """Stable name, kept in the log."""
    text: str
    tier: Tier


# Every question is about something new since the last session (the heading asks it so),
# so a patient with an old, already-assessed problem is not stopped for ever.
QUESTIONS: tuple[Question, ...] = (
    Question(
        "saddle_numbness",
        "Numbness or tingling around your genitals, back passage, buttocks or inner thighs",
        Tier.EMERGENCY,
    ),
    Question(
        "bladder_bowel",
        "Difficulty starting to pee, or not feeling or not controlling when you pee or poo",
        Tier.EMERGENCY,
    ),
    Question(
        "sexual_function",
        "Problems getting an erection, or less feeling during sex",
        Tier.EMERGENCY,
    ),
    Question(
        "both_legs",
        "Weakness or numbness in both legs, or leg weakness or numbness that is getting worse",
        Tier.EMERGENCY,
    ),
    Question("chest_pain", "Chest pain now", Tier.EMERGENCY),
    Question(
        "serious_accident",
        "Back pain after a serious accident, such as a car crash or a bad fall",
        Tier.EMERGENCY,
    ),
    Question("fever_unwell", "A fever, or feeling very unwell", Tier.SAME_DAY),
    Question("weight_loss", "Losing weight without trying", Tier.SAME_DAY),
    Question(
        "cancer_pain", "Back pain that is new or worse, if you have ever had cancer", Tier.SAME_DAY
    ),
    Question(
        "night_pain", "Constant pain, or pain at night that lying down does not ease", Tier.SAME_DAY
    ),
    Question(
        "one_leg_weakness",
        "A foot that drags or slaps down (foot drop), or weakness in one leg",
        Tier.SAME_DAY,
    ),
    Question(
        "fall",
        "A fall, especially if you have thin bones (osteoporosis) or take "
        "steroid tablets long-term",
        Tier.SAME_DAY,
    ),
    Question("back_shape", "A lump, or a change in the shape of your back", Tier.SAME_DAY),
    Question(
        "not_improving",
        "Your back not getting better after a few weeks of exercise",
        Tier.THERAPIST,
    ),
    Question(
        "leg_spreading",
        "Pain, numbness or tingling in a leg slowly spreading further down",
        Tier.THERAPIST,
    ),
)

TIER_HEADINGS = {
    Tier.EMERGENCY: "Emergency signs. Since your last session, is any of these new?",
    Tier.SAME_DAY: "Since your last session, is any of these new?",
    Tier.THERAPIST: "For your therapist. Since your last session, have you noticed:",
}


STOPPING_TIERS = (Tier.EMERGENCY, Tier.SAME_DAY)


def questions(tier: Tier) -> tuple[Question, ...]:
    """The questions of one tier, in the order they are asked."""
    return tuple(question for question in QUESTIONS if question.tier is tier)


def tier_advice(tier: Tier, emergency_number: str) -> str:
    """What to do after a yes in `tier`, in plain words."""
    if tier is Tier.EMERGENCY:
        call = (
            "call your local emergency number"
            if emergency_number == LOCAL_EMERGENCY_NUMBER
            else f"call {emergency_number}"
        )
        return (
            f"Go to the emergency department or {call} now. Do not wait for an appointment. "
            "Do not exercise."
        )
    if tier is Tier.SAME_DAY:
        return "Call your GP or clinician today. No exercise today."
    return (
        "Tell your therapist about this at your next appointment, or sooner if it worries "
        "you. Today's session can go ahead if it feels all right."
    )


# --- the check-in ---------------------------------------------------------------------

LEG_REACH = {
    "buttock": "Buttock only",
    "thigh": "Thigh, above the knee",
    "below_knee": "Below the knee",
    "foot": "Into the foot or toes",
}
"""How far down the leg pain goes, from the back outwards (order matters)."""

SCIATICA_TAG = "sciatica"
SETTLED_QUESTION = "Was your pain back to its usual level by the morning after your last session?"


def asks_leg_pain(tags: Sequence[str]) -> bool:
    """Leg pain is asked apart from back pain for routines tagged for sciatica."""
    return SCIATICA_TAG in {tag.lower() for tag in tags}


class CheckInAnswers(msgspec.Struct, frozen=True):
    """What the patient said before a session."""

    pain_now: int | None = None
    answered_yes: tuple[str, ...] = ()
    """Keys of the questions answered yes."""
    settled: bool | None = None
    """Was the pain back to usual by the morning after the last session (None: not asked)."""
    leg_pain: int | None = None
    leg_reach: str | None = None
    """A key of `LEG_REACH`, or None."""

    @property
    def tier(self) -> Tier | None:
        """The most urgent tier answered yes, or None."""
        tiers = {question.tier for question in QUESTIONS if question.key in self.answered_yes}
        return next((tier for tier in Tier if tier in tiers), None)

    @property
    def go_ahead(self) -> bool:
        """Whether the session may start after these answers."""
        return self.tier not in STOPPING_TIERS


def triage_message(answered_yes: Sequence[str], emergency_number: str) -> str | None:
    """The advice for the answers (what was said, then what to do), or None for no yes."""
    tier = CheckInAnswers(answered_yes=tuple(answered_yes)).tier
    if tier is None:
        return None
    said = [q.text for q in QUESTIONS if q.key in answered_yes and q.tier is tier]
    return f"{tier_advice(tier, emergency_number)} You said: {'; '.join(said).lower()}."


SESSION_NOT_STARTED = "The session was not started."
"""Said after the advice of a check-in that stopped the session."""


def stopped_advice(answers: CheckInAnswers, emergency_number: str) -> str:
    """What a check-in that stopped the session leaves on the terminal as the app closes:
    its advice, then that the session was not started."""
    return "\n".join([*check_in_advice(answers, emergency_number), SESSION_NOT_STARTED])


def check_in_advice(
    answers: CheckInAnswers, emergency_number: str, *, previous_reach: str | None = None
) -> list[str]:
    """Every piece of advice the check-in gives for these answers, most urgent first."""
    advice = []
    triage = triage_message(answers.answered_yes, emergency_number)
    if triage:
        advice.append(triage)
    if answers.go_ahead:
        advice.extend(
            line
            for line in (
                pain_before_advice(answers.pain_now),
                settled_advice(answers.settled),
                leg_reach_advice(previous_reach, answers.leg_reach),
            )
            if line
        )
    return advice


# --- pain: the pain-monitoring model ------------------------------------------------

PAIN_SAFE_MAX = 2
"""0-2: safe."""
PAIN_ACCEPTABLE_MAX = 5
"""3-5: acceptable if it settles by the next morning; above: too much."""
PAIN_HIGH_BEFORE = 8
"""8-10 before a session: too sore to exercise as usual."""
TREND_SESSIONS = 3
"""A rising trend: the after-session scores of this many sessions in a row went up."""

PAIN_ZONES = (
    (0, PAIN_SAFE_MAX, "safe"),
    (PAIN_SAFE_MAX + 1, PAIN_ACCEPTABLE_MAX, "acceptable if settled by the next morning"),
    (PAIN_ACCEPTABLE_MAX + 1, 10, "too much: ease off next time"),
)
"""The pain-monitoring zones as printed on the handout's pain scale and the report's chart:
(lowest score, highest score, what it means)."""

PAIN_ADVICE = (
    "Some discomfort, up to about 5 out of 10, is fine if it settles by the next morning. "
    "Above 5, or still worse the next morning: next time do fewer reps, shorter holds and a "
    "smaller range. If it keeps happening, contact your therapist."
)
ACCEPTABLE_ADVICE = (
    "Some discomfort, up to about 5 out of 10, is fine if it settles by the next morning: "
    "your next check-in will ask."
)
TREND_ADVICE = (
    "Your pain after sessions has gone up several times in a row: do an easier version "
    "next time and tell your therapist."
)


def pain_before_advice(pain: int | None) -> str | None:
    """Advice for a high pain score before a session, or None."""
    if pain is None or pain < PAIN_HIGH_BEFORE:
        return None
    return (
        f"Your pain is {pain} out of 10 now. Take it gently today: do fewer reps, shorter holds "
        "and a smaller range, or only the movements that ease it. If pain this bad goes on "
        "for more than a few days, or you cannot manage it, contact your GP or clinician."
    )


def settled_advice(settled: bool | None) -> str | None:
    """Advice when the pain had not settled by the morning after the last session."""
    if settled is not False:
        return None
    return (
        "Your pain had not settled by the morning after your last session: today do fewer "
        "reps, shorter holds and a smaller range. If it keeps happening, contact your therapist."
    )


def leg_reach_advice(previous: str | None, now: str | None) -> str | None:
    """How the leg pain moved since the last check-in: up towards the back is good."""
    order = list(LEG_REACH)
    if previous not in order or now not in order or previous == now:
        return None
    if order.index(now) < order.index(previous):
        return "Your leg pain has moved up towards your back since last time: a good sign."
    return (
        "Your leg pain reaches further down than last time: tell your therapist, and stop "
        "any exercise that sends it further down."
    )


class PainReview(msgspec.Struct, frozen=True):
    """What the pain-monitoring model makes of one session's scores."""

    reasons: tuple[str, ...]
    """Why the session is flagged, in words; empty when it is not."""
    advice: tuple[str, ...]
    """What to do about it, in plain words."""

    @property
    def flag(self) -> str | None:
        """The reasons as one line, or None when the session is not flagged."""
        return "; ".join(self.reasons) or None


def review_pain(
    before: int | None,
    after: int | None,
    settled: bool | None = None,
    earlier_afters: Sequence[int | None] = (),
) -> PainReview:
    """The pain-monitoring model, applied to one session: the one rule everything shows.

    `settled` is the answer, at the next check-in, to whether the pain was back to usual by
    the morning after; `earlier_afters` are the after-session scores of the sessions before
    this one, oldest first, for the trend.
    """
    reasons: list[str] = []
    advice: list[str] = []
    if after is not None and after > PAIN_ACCEPTABLE_MAX:
        reasons.append(f"pain {after}/10 after the session")
    if settled is False:
        reasons.append("pain not settled by the next morning")
    if reasons:
        advice.append(PAIN_ADVICE)
    if rising([*earlier_afters, after]):
        reasons.append("pain after sessions rising")
        advice.append(TREND_ADVICE)
    if not reasons and after is not None and after > PAIN_SAFE_MAX:
        advice.append(ACCEPTABLE_ADVICE)
    high_before = pain_before_advice(before)
    if high_before:
        reasons.append(f"pain {before}/10 before the session")
        advice.append(high_before)
    return PainReview(tuple(reasons), tuple(advice))


def pain_flag(
    before: int | None,
    after: int | None,
    settled: bool | None = None,
    earlier_afters: Sequence[int | None] = (),
) -> str | None:
    """Why a session's pain should be acted on, in words, or None (see `review_pain`)."""
    return review_pain(before, after, settled, earlier_afters).flag


def pain_worse(
    before: int | None, after: int | None, earlier_afters: Sequence[int | None] = ()
) -> bool:
    """Whether the pain after a session is worse: higher than before it, or flagged by the
    pain rule for the session itself (too high after, or rising). Stages go back on it."""
    if after is None:
        return False
    if before is not None and after > before:
        return True
    return after > PAIN_ACCEPTABLE_MAX or rising([*earlier_afters, after])


def go_back_offer(easier_stage: str) -> str:
    """The offer to go back a stage after a session that made the pain worse."""
    return (
        f"Your pain is worse after this session. If your symptoms get worse, go back to the "
        f"stage before. Go back to {easier_stage} from your next session?"
    )


def rising(afters: Sequence[int | None]) -> bool:
    """Whether the latest `TREND_SESSIONS` scores went up each time, ending above safe."""
    if not afters or afters[-1] is None:
        return False
    recent = [score for score in afters if score is not None][-TREND_SESSIONS:]
    if len(recent) < TREND_SESSIONS:
        return False
    climbing = all(later > earlier for earlier, later in pairwise(recent))
    return climbing and recent[-1] > PAIN_SAFE_MAX
