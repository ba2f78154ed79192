"""What a check-in knows from the log, and what the log keeps of it: the session's side of
the safety rules in `backroutine.routine.safety`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from backroutine.log.store import CheckInRecord
from backroutine.routine.safety import CheckInAnswers, asks_leg_pain, check_in_advice

if TYPE_CHECKING:
    from backroutine.log.store import CompletionLog, SessionRecord


CHECK_IN_AGAIN_AFTER = timedelta(hours=1)
"""An unfinished session resumed after being stopped this long is checked in again."""


def checks_in_again(session: SessionRecord, now: datetime) -> bool:
    """Whether resuming `session` at `now` asks the check-in again: it stopped long ago."""
    stopped = session.last_progress or session.started
    return now - stopped >= CHECK_IN_AGAIN_AFTER


@dataclass(frozen=True)
class CheckInContext:
    """What the check-in needs to know beyond the routine: from the settings and the log."""

    emergency_number: str
    asks_leg_pain: bool = False
    settled_session_id: int | None = None
    """The last session, when it was on an earlier day: the next-morning question is about
    it. None: the question is not asked."""
    previous_reach: str | None = None
    """How far down the leg the pain went at the last check-in of this routine."""


def check_in_context(
    log: CompletionLog | None,
    *,
    tags: Sequence[str],
    routine_path: str,
    emergency_number: str,
    today: date,
    resuming: int | None = None,
) -> CheckInContext:
    """The context of a check-in for a routine at `routine_path`, on `today`.

    `resuming` is the id of the session about to be resumed: the next-morning question is
    about the session before it.
    """
    if log is None:
        return CheckInContext(emergency_number, asks_leg_pain(tags))
    earlier = [
        session
        for session in log.sessions()
        if session.id != resuming and session.started.date() < today
    ]
    reaches = [
        check_in.leg_reach
        for check_in in log.check_ins()
        if check_in.routine_path == routine_path and check_in.leg_reach
    ]
    return CheckInContext(
        emergency_number,
        asks_leg_pain(tags),
        settled_session_id=earlier[-1].id if earlier else None,
        previous_reach=reaches[-1] if reaches else None,
    )


def check_in_record(
    answers: CheckInAnswers | None,
    context: CheckInContext,
    *,
    routine_title: str,
    routine_path: str,
    at: datetime,
) -> CheckInRecord:
    """What the log keeps of a check-in; `answers` None: none was asked (--no-checkin)."""
    if answers is None:
        return CheckInRecord(
            routine_title, routine_path, at, asked=False, went_ahead=True, advice=(NOT_ASKED,)
        )
    tier = answers.tier
    return CheckInRecord(
        routine_title,
        routine_path,
        at,
        asked=True,
        went_ahead=answers.go_ahead,
        pain_now=answers.pain_now,
        leg_pain=answers.leg_pain,
        leg_reach=answers.leg_reach,
        settled=answers.settled,
        settled_session_id=context.settled_session_id if answers.settled is not None else None,
        answered_yes=answers.answered_yes,
        tier=tier.value if tier else None,
        advice=tuple(
            check_in_advice(
                answers, context.emergency_number, previous_reach=context.previous_reach
            )
        ),
    )


NOT_ASKED = "No check-in was asked (started with --no-checkin)."
