"""The examination deadlines that the sweeps apply (rules.md section 9: EX-3, EX-9, EX-10, IR-1, IR-5) as pure
functions: when a window closes, whether a record is past its limit. No ORM, no "today": ``as_of`` and every
other date come in as arguments, the numbers from the regulations object. The limits themselves are computed by
the rule modules that the procedures already use (``results``, ``irregularity``); this module says, for one
moment, what the sweep is to mark.

The convention is the same everywhere: a limit's last day is still in time, so a record is late (or a window
closed) from the day after it (``as_of > last day``).
"""

from __future__ import annotations

from datetime import date

from config.regulations import CommitteeRules, IrregularityRules, ResultRules

from . import irregularity as irregularity_rules
from . import results as result_rules


def passed(as_of: date, last_day: date) -> bool:
    """A limit whose last day is ``last_day`` has passed on ``as_of`` (the last day itself is still in time)."""
    return as_of > last_day


# ---------------------------------------------------------------------------------------------------------------
# EX-3: the window for a written request to retake a tolerated fail


def working_days_min_span(n: int) -> int:
    """The fewest calendar days ``n`` working days after a day can end: counted from a Sunday, with no holiday,
    every week adds its weekend (10 working days end 12 days later at the earliest, 5 end 5 days later). A record
    younger than this cannot be past such a limit, so a sweep need not read it."""
    return n + 2 * ((n - 1) // 5) if n > 0 else 0


def retake_window_closed(announced_on: date, as_of: date, holidays: frozenset[date], rr: ResultRules) -> bool:
    """EX-3 (UH 12.2.6): the window for the written request to retake a tolerated fail has closed on ``as_of``:
    the 10th working day after the announcement has passed. From then on the tolerance is final (a request that
    arrives later is recorded as late, never granted; the committee's reasoned exception in the student's
    favour, UH 12.2.6 last sentence, stays its own decision)."""
    return passed(as_of, result_rules.retake_request_deadline(announced_on, holidays, rr))


# ---------------------------------------------------------------------------------------------------------------
# EX-10: material errors


def material_error_report_late(decision_on: date, reported_on: date, rr: ResultRules) -> bool:
    """EX-10 (UH 15.5.3): the report came after the 10 calendar days that start the day after the decision."""
    return passed(reported_on, result_rules.material_error_report_deadline(decision_on, rr))


def flag_late_material_error_report(decision_on: date, reported_on: date, as_of: date, rr: ResultRules,
                                    recorded: tuple[str, int | None] | None = None,
                                    corrected: tuple[str, int | None] | None = None) -> bool:
    """EX-10 (UH 15.5.3): whether the chair is told that a report came late.

    A report exists from its date, so nothing is flagged before ``reported_on``. An error to the student's
    disadvantage may be corrected at any time, so a report whose correction was decided in the student's favour
    (``recorded`` -> ``corrected``) is no late report. Before the decision nobody knows which way the error
    goes: the late report is flagged, and the flag tells the chair the one thing that remains possible (a
    correction in the student's favour); it refuses nothing.
    """
    if as_of < reported_on or not material_error_report_late(decision_on, reported_on, rr):
        return False
    if recorded is not None and corrected is not None:
        return not result_rules.error_to_students_disadvantage(recorded, corrected)
    return True


def material_error_decision_overdue(reported_on: date, decided_on: date | None, as_of: date,
                                    rr: ResultRules) -> bool:
    """EX-10 (UH 15.5.4): the committee did not decide within 10 calendar days after the report: still
    undecided after the last day, or decided after it (a sweep that did not run meanwhile still records it)."""
    last_day = result_rules.material_error_decision_deadline(reported_on, rr)
    if decided_on is not None:
        return decided_on > last_day and as_of >= decided_on
    return passed(as_of, last_day)


# ---------------------------------------------------------------------------------------------------------------
# IR-1: the irregularity report


def irregularity_report_flagged(discovered_on: date, reported_on: date, as_of: date, holidays: frozenset[date],
                                ir: IrregularityRules) -> bool:
    """IR-1 (UH 18.1.1): a report that reached the chair after the five working days is flagged (never refused,
    see :func:`examinations.rules.irregularity.report_late`), from the day it was reported."""
    return as_of >= reported_on and irregularity_rules.report_late(discovered_on, reported_on, holidays, ir)


# ---------------------------------------------------------------------------------------------------------------
# IR-5: the reasoned decision to the student


def sanction_notice_overdue(decided_on: date, referred_to_rector: bool, letter_sent_on: date | None, as_of: date,
                            ir: IrregularityRules) -> bool:
    """IR-5 (UH 18.3.2-3): the reasoned decision did not reach the student within five calendar days after the
    deliberation (ten for a very serious case decided by the rector): not sent after the last day, or sent after
    it (recorded by a sweep that did not run meanwhile)."""
    last_day = irregularity_rules.letter_deadline(decided_on, referred_to_rector, ir)
    if letter_sent_on is not None:
        return letter_sent_on > last_day and as_of >= letter_sent_on
    return passed(as_of, last_day)


# ---------------------------------------------------------------------------------------------------------------
# EX-9: keeping the exam scripts


def script_retention_until(year_ends_on: date, cr: CommitteeRules) -> date:
    """EX-9 (UH 15.4.4): the scripts of an academic year's exams are kept at least until 1 February of the
    following academic year. The following academic year starts in the calendar year in which this one ends, so
    its 1 February lies in the calendar year after that."""
    month, day = cr.script_retention_until
    return date(year_ends_on.year + 1, month, day)


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February: the day after 28 February, the later of the two readings
        return date(day.year + years, 3, 1)


def contested_script_retention_until(exam_ended_on: date, contested_on: date | None, year_ends_on: date,
                                     cr: CommitteeRules) -> date:
    """EX-9 (UH 15.4.4): the script of an exam about which the student lodged a formal complaint (an appeal) or
    about which the committee met again is kept five years.

    UH 15.4.4 does not say from when. The five years are counted from the later of the exam period's last day
    and the day the result was contested, and never end before the ordinary retention: the longest reading, the
    one that keeps the evidence of the student's case longest (her favour)."""
    start = max(exam_ended_on, contested_on or exam_ended_on)
    return max(_years_later(start, cr.script_retention_contested_years), script_retention_until(year_ends_on, cr))


def retention_ended(as_of: date, kept_until: date) -> bool:
    """EX-9: a script kept "until" a day is kept that whole day; it may be destroyed from the day after."""
    return passed(as_of, kept_until)
