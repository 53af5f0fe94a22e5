"""The rules of 随手拍 cases that need no database: which states are open, which stage a state
times, the default time limits per stage and urgency (CJ/T 315-2009 and the 数字城管 practice in
shared/domain/community.md), how a case reads to an Open311 client, and a reporter's reliability."""
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .choices import CaseStage, CaseState, Urgency

S = CaseState

# The state a case waits in during each timed stage.
STAGE_OF_STATE = {
    S.REPORTED: CaseStage.VERIFY, S.VERIFIED: CaseStage.REGISTER, S.REGISTERED: CaseStage.DISPATCH,
    S.DISPATCHED: CaseStage.ACCEPT, S.HANDLING: CaseStage.HANDLE, S.REPLIED: CaseStage.RECHECK,
    S.CHECKED: CaseStage.CLOSE,
}
STATE_OF_STAGE = {stage: state for state, stage in STAGE_OF_STATE.items()}

# Cases still to be worked on, cases done (结案, 评价), and cases that ended without being worked.
OPEN_STATES = frozenset({*STAGE_OF_STATE, S.PARKED})
DONE_STATES = frozenset({S.CLOSED, S.EVALUATED})
ENDED_STATES = frozenset({S.WITHDRAWN, S.INVALID, S.DUPLICATE})
# Before dispatch the reporter may still withdraw the case.
WITHDRAWABLE_STATES = frozenset({S.REPORTED, S.VERIFIED, S.REGISTERED})
# A case in one of these has been judged true: its reporter has earned the category's points.
VERIFIED_STATES = frozenset(set(CaseState) - {S.REPORTED, S.WITHDRAWN, S.INVALID, S.DUPLICATE})

WORKING_DAYS, WORKING_MINUTES, NATURAL_MINUTES = "working_days", "working_minutes", "natural_minutes"


@dataclass(frozen=True)
class StageLimit:
    amount: int
    unit: str


# Urgent cases run on the clock (自然时间); normal ones in working time.
DEFAULT_LIMITS: dict[tuple[str, str], StageLimit] = {
    (CaseStage.VERIFY, Urgency.URGENT): StageLimit(10, NATURAL_MINUTES),
    (CaseStage.VERIFY, Urgency.NORMAL): StageLimit(30, WORKING_MINUTES),
    (CaseStage.REGISTER, Urgency.URGENT): StageLimit(10, NATURAL_MINUTES),
    (CaseStage.REGISTER, Urgency.NORMAL): StageLimit(30, WORKING_MINUTES),
    (CaseStage.DISPATCH, Urgency.URGENT): StageLimit(10, NATURAL_MINUTES),
    (CaseStage.DISPATCH, Urgency.NORMAL): StageLimit(30, WORKING_MINUTES),
    (CaseStage.ACCEPT, Urgency.URGENT): StageLimit(30, NATURAL_MINUTES),
    (CaseStage.ACCEPT, Urgency.NORMAL): StageLimit(120, WORKING_MINUTES),
    (CaseStage.HANDLE, Urgency.URGENT): StageLimit(120, NATURAL_MINUTES),
    (CaseStage.HANDLE, Urgency.NORMAL): StageLimit(2, WORKING_DAYS),
    (CaseStage.RECHECK, Urgency.URGENT): StageLimit(60, NATURAL_MINUTES),
    (CaseStage.RECHECK, Urgency.NORMAL): StageLimit(60, WORKING_MINUTES),
    (CaseStage.CLOSE, Urgency.URGENT): StageLimit(60, NATURAL_MINUTES),
    (CaseStage.CLOSE, Urgency.NORMAL): StageLimit(1, WORKING_DAYS),
}


def stage_limit(stage: str, urgency: str, configured: dict[tuple[str | None, str, str], StageLimit],
                category_id: int | None) -> StageLimit:
    """The time limit of `stage` for a case of the category and urgency: the category's own, else
    the park's (category None), else the default above."""
    return (configured.get((category_id, stage, urgency)) or configured.get((None, stage, urgency))
            or DEFAULT_LIMITS[(stage, urgency)])


# The steps whose note is written for the reporter (why a report was found untrue, how the case was
# closed, which case it repeats, the reporter's own words); the others' notes are the staff's own
# business (a department's reason for returning a case, an extension's) and stay with the staff.
NOTES_FOR_REPORTER = frozenset({"submit", "reject", "mark_duplicate", "close", "withdraw", "evaluate"})


def note_for_reporter(transition: str, note: str) -> str:
    return note if transition in NOTES_FOR_REPORTER else ""


def open311_status(state: str) -> str:
    """GeoReport v2 knows two statuses: a case is "open" until it is closed or ended."""
    return "open" if state in OPEN_STATES else "closed"


def reliability(verified: int, false: int) -> Decimal | None:
    """The share of a reporter's judged reports that were true, in per cent with two decimals;
    None before any report was judged."""
    judged = verified + false
    if judged <= 0:
        return None
    return (Decimal(100) * verified / judged).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def case_number(day, sequence: int) -> str:
    """The number a case is known by: SSP, the day it was reported and its place that day."""
    return f"SSP{day:%Y%m%d}{sequence:04d}"


# The purpose the photos a reporter files with a case are attached under: these, and no other
# attachment of the case (a handler's evidence, a staff document), are published to Open311 clients.
REPORT_PHOTO = "上报照片"
