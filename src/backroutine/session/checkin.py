"""What a check-in knows from the log, and what the log keeps of it: the session's side of
the safety rules in `backroutine.routine.safety`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

import msgspec

from backroutine.base.emergency import emergency_number
from backroutine.log.store import CheckInRecord
from backroutine.routine.safety import CheckInAnswers, asks_leg_pain, check_in_advice

if TYPE_CHECKING:
    from backroutine.log.store import CompletionLog, SessionRecord
    from backroutine.routine.model import LoadedRoutine


CHECK_IN_AGAIN_AFTER = timedelta(hours=1)
"""An unfinished session resumed after being stopped this long is checked in again."""


def checks_in_again(session: SessionRecord, now: datetime) -> bool:
    """Whether resuming `session` at `now` asks the check-in again: it stopped long ago."""
    stopped = session.last_progress or session.started
    return now - stopped >= CHECK_IN_AGAIN_AFTER


class CheckInContext(msgspec.Struct, frozen=True):
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


class CheckInResult(msgspec.Struct, frozen=True):
    """What a check-in decided: whether the session goes ahead, and what the log keeps."""

    went_ahead: bool
    pain_now: int | None
    check_in_id: int | None
    """The check-in's row in the log (None: there is no log)."""


class CheckIn(msgspec.Struct, frozen=True):
    """A check-in about to be asked, the same for every front end: each shows `context`'s
    questions its own way and hands the answers to `answered`."""

    loaded: LoadedRoutine
    log: CompletionLog | None
    context: CheckInContext
    at: datetime

    def answered(self, answers: CheckInAnswers | None) -> CheckInResult:
        """Log the check-in (`answers` None: none was asked) and say whether to go ahead."""
        routine = self.loaded.routine
        record = check_in_record(
            answers,
            self.context,
            routine_title=routine.title,
            routine_path=str(self.loaded.source.resolve()),
            at=self.at,
        )
        check_in_id = None if self.log is None else self.log.record_check_in(record)
        pain_now = None if answers is None else answers.pain_now
        return CheckInResult(record.went_ahead, pain_now, check_in_id)


def begin_check_in(
    log: CompletionLog | None,
    loaded: LoadedRoutine,
    *,
    now: datetime,
    number: str | None = None,
    resuming: int | None = None,
) -> CheckIn:
    """The check-in before a session of `loaded` at `now` (before resuming session
    `resuming`); `number` is the emergency number, by default the patient's setting."""
    if number is None:
        from backroutine.base.settings import load_settings

        number = emergency_number(load_settings().settings.emergency_number)
    context = check_in_context(
        log,
        tags=loaded.routine.tags,
        routine_path=str(loaded.source.resolve()),
        emergency_number=number,
        today=now.date(),
        resuming=resuming,
    )
    return CheckIn(loaded, log, context, now)
