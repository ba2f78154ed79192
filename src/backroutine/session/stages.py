"""The stage question after a session of a staged routine: move on, or go back.

After a completed session the patient is asked whether they meet the stage's criterion,
not more often than its `ask_every` says; only a yes moves them on. When their pain after
the session is worse (the pain rule of `routine.safety`), they are offered to go back a
stage instead. Every answer is kept in the log, which is where the current stage is read.
Used through `session.workflow`, so the app and plain mode ask the same thing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import msgspec

from backroutine.log.store import CompletionLog, SessionRecord, StageAnswer
from backroutine.routine.model import LoadedRoutine, Routine
from backroutine.routine.safety import go_back_offer, pain_worse
from backroutine.routine.stages import move_on_question, stage_count, stage_of, stage_said


class StageQuestion(msgspec.Struct, frozen=True):
    """A question to ask after session `session_id`: move on a stage, or go back one."""

    routine: Routine
    routine_path: str
    session_id: int
    kind: Literal["move_on", "go_back"]
    stage: int
    """The stage the session was done at."""

    @property
    def text(self) -> str:
        """The question, in the patient's words."""
        if self.kind == "go_back":
            return go_back_offer(stage_said(self.routine, self.stage - 1))
        return move_on_question(self.routine, self.stage)

    @property
    def stage_on_yes(self) -> int:
        """The stage a yes leads to."""
        return self.stage + 1 if self.kind == "move_on" else self.stage - 1

    def answer(self, log: CompletionLog, yes: bool, now: datetime) -> str:
        """Keep the answer in the log; what to tell the patient about their stage now."""
        after = self.stage_on_yes if yes else self.stage
        log.record_stage_answer(
            StageAnswer(
                routine_path=self.routine_path,
                asked_at=now,
                question=self.kind,
                answer=yes,
                stage_before=self.stage,
                stage_after=after,
                session_id=self.session_id,
            )
        )
        return f"From your next session: {stage_said(self.routine, after)}."


def stage_question(
    log: CompletionLog, loaded: LoadedRoutine, session_id: int, now: datetime
) -> StageQuestion | None:
    """What to ask after session `session_id` of `loaded`, or None (nothing is due).

    The go-back offer comes first: worse pain at stage 2 or above. Else the move-on question,
    at a stage with a criterion before the last one, once `ask_every` days have passed since
    the stage was last asked about or began (or after every session, for 0).
    """
    routine = loaded.routine
    session = log.session(session_id)
    if not routine.stages or session.status != "completed" or session.stage is None:
        return None
    path = session.routine_path
    stage = session.stage
    if log.current_stage(path) != stage:  # answered already, e.g. after a resumed session
        return None
    sessions = [record for record in log.sessions() if record.routine_path == path]
    earlier_afters = [record.pain_after for record in sessions if record.id != session_id]
    if stage > 1 and pain_worse(session.pain_before, session.pain_after, earlier_afters):
        return StageQuestion(routine, path, session_id, "go_back", stage)
    current = stage_of(routine, stage)
    if current is None or current.move_on is None or stage >= stage_count(routine):
        return None
    if current.ask_every and _days_since_asked(log, sessions, path, now) < current.ask_every:
        return None
    return StageQuestion(routine, path, session_id, "move_on", stage)


def _days_since_asked(
    log: CompletionLog, sessions: list[SessionRecord], path: str, now: datetime
) -> int:
    answers = log.stage_answers(path)
    since = answers[-1].asked_at if answers else min(record.started for record in sessions)
    return (now.date() - since.date()).days
