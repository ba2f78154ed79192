"""What backroutine tells every patient, and the questions that stop a session."""

from __future__ import annotations

CLINICIAN_NOTE = (
    "backroutine is not a substitute for your clinician. Stop at once on sharp pain, "
    "numbness, tingling or weakness in your legs, and contact your clinician."
)

# Symptoms that mean "do not exercise today: call your clinician" (red flags).
RED_FLAGS = {
    "numbness": "New numbness or tingling in your legs, groin or buttocks",
    "weakness": "New weakness in a leg, or a foot that drags",
    "bladder": "Trouble controlling your bladder or bowels",
    "fever": "Fever, or feeling unwell with your back pain",
    "fall": "Back pain that started after a fall or an accident",
}


def red_flag_message(flags: list[str]) -> str:
    """Why the session does not start, in plain words."""
    named = " and ".join(flag.lower() for flag in flags[:2]) + (
        " and more" if len(flags) > 2 else ""
    )
    return (
        f"Please do not exercise today. {named[0].upper()}{named[1:]} can be a sign of a "
        "problem that needs a clinician, not exercise. Contact your clinician or GP today; for "
        "loss of bladder or bowel control, or sudden leg weakness, seek urgent care now."
    )


FLAG_PAIN_AFTER = 7
FLAG_PAIN_RISE = 2


def pain_flag(before: int | None, after: int | None) -> str | None:
    """Why these scores should be told to the therapist, or None.

    As clinics use it: pain of 7 or more after the session, or 2 or more points worse
    than before it.
    """
    if after is None:
        return None
    if after >= FLAG_PAIN_AFTER:
        return f"pain {after}/10 after the session"
    if before is not None and after - before >= FLAG_PAIN_RISE:
        return f"pain went up from {before} to {after}"
    return None
