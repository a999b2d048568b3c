"""Entering, importing and correcting results (rules.md section 3: EX-2, EX-3, EX-4, EX-7, EX-10, EX-11; EN-9).

Pure functions over plain values: no ORM, no clock (Django is imported for ``gettext`` only, so that the
reasons can be translated, as in ``enrolment.rules``). Dates come in as arguments, the periods from
``Regulations.results`` (:class:`config.regulations.ResultRules`); a preset without them (PXL: its examination
regulations are not in the source) makes :func:`require_result_rules` refuse instead of inventing numbers.
The working-day arithmetic is ``config.calendar``'s, with the holidays passed in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from django.utils.translation import gettext as _

from config.calendar import add_working_days, is_working_day
from config.regulations import Regulations, ResultRules, round_half_up

from .deliberation import ABSENT, ABSENT_JUSTIFIED, FAIL, NUMERIC, PASS, Attempt

PASS_FAIL = "pass_fail"  # enrolment.models.ResultKind.PASS_FAIL
MAX_GRADE = 20
PASS_GRADE = 10  # EX-4 / UH 15.1.5 (Higher Education Code Art. II.225)

# What a cell may say, lower-cased, for the outcomes that are not a number (English and Dutch).
ABSENCE_WORDS = {"a": ABSENT, "absent": ABSENT, "afwezig": ABSENT,
                 "aj": ABSENT_JUSTIFIED, "ga": ABSENT_JUSTIFIED, "absent_justified": ABSENT_JUSTIFIED,
                 "gewettigd afwezig": ABSENT_JUSTIFIED}
PASS_FAIL_WORDS = {"pass": PASS, "passed": PASS, "geslaagd": PASS,
                   "fail": FAIL, "failed": FAIL, "niet geslaagd": FAIL, "niet-geslaagd": FAIL}
DISPLAY = {PASS: "pass", FAIL: "fail", ABSENT: "A", ABSENT_JUSTIFIED: "AJ"}
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")


class NoResultRules(LookupError):
    """The year's regulations hold no EX-2/EX-3/EX-10 numbers (PXL): the step is refused, never guessed."""


class InvalidResult(ValueError):
    """A cell that is not a result for the unit, with the reason in plain words."""


def require_result_rules(regs: Regulations) -> ResultRules:
    if regs.results is None:
        raise NoResultRules(_(
            "The %(label)s regulations contain no rules on registrations, retakes and material errors (their "
            "examination regulations are not part of the source text); configure them first."
        ) % {"label": regs.label})
    return regs.results


# ---------------------------------------------------------------------------------------------------------------
# EX-4: what a result is


@dataclass(frozen=True)
class ParsedResult:
    outcome: str
    grade: int | None = None

    @property
    def display(self) -> str:
        return str(self.grade) if self.outcome == NUMERIC else DISPLAY[self.outcome]

    def as_attempt(self, opportunity: int) -> Attempt:
        return Attempt(opportunity, self.outcome, self.grade)


def display(outcome: str, grade: int | None) -> str:
    return ParsedResult(outcome, grade).display


def parse_result(cell: str | int | float | None, result_kind: str) -> ParsedResult:
    """EX-4 (UH 15.1.2-3): a result cell for a unit graded ``numeric`` (a whole number 0-20) or ``pass_fail``.

    Both kinds accept ``A`` (unauthorised absence) and ``AJ`` or ``GA`` (justified absence, Dutch "gewettigd
    afwezig"); pass/fail units accept ``pass``/``fail`` and the Dutch ``geslaagd``/``niet geslaagd``. A number
    written with a decimal part of zero (``12.0``, a spreadsheet's way) is the whole number; ``9.5`` is refused,
    never rounded: only a computed final result is rounded (UH 15.1.6), a grade is given whole.
    """
    if cell is None or isinstance(cell, bool):
        raise InvalidResult(_("The result is empty."))
    if isinstance(cell, int | float):
        text = _number_text(cell)
        value: Fraction | None = Fraction(cell) if cell == cell and abs(cell) != float("inf") else None
    else:
        text = " ".join(str(cell).split())
        if not text:
            raise InvalidResult(_("The result is empty."))
        word = text.lower()
        if word in ABSENCE_WORDS:
            return ParsedResult(ABSENCE_WORDS[word])
        if word in PASS_FAIL_WORDS:
            if result_kind != PASS_FAIL:
                raise InvalidResult(_("'%(text)s': this unit is graded with a whole number from 0 to 20, not "
                                      "pass/fail.") % {"text": text})
            return ParsedResult(PASS_FAIL_WORDS[word])
        value = Fraction(text.replace(",", ".")) if _NUMBER.match(text) else None
    if value is None:
        if result_kind == PASS_FAIL:
            raise InvalidResult(_("'%(text)s' is not a result: use pass, fail, A or AJ.") % {"text": text})
        raise InvalidResult(_("'%(text)s' is not a result: use a whole number from 0 to 20, A or AJ.")
                            % {"text": text})
    if result_kind == PASS_FAIL:
        raise InvalidResult(_("%(text)s: this unit is graded pass or fail, not with a number.") % {"text": text})
    if value.denominator != 1:
        raise InvalidResult(_("%(text)s is not a whole number.") % {"text": text})
    if value > MAX_GRADE:
        raise InvalidResult(_("%(text)s is above %(max)d.") % {"text": text, "max": MAX_GRADE})
    if value < 0:
        raise InvalidResult(_("%(text)s is below 0.") % {"text": text})
    return ParsedResult(NUMERIC, int(value))


def _number_text(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def has_credit_certificate(result: Attempt | ParsedResult | None, pass_grade: int = PASS_GRADE) -> bool:
    """EX-4 (UH 15.1.5): a credit certificate needs at least 10/20 or "pass"."""
    if result is None:
        return False
    return result.outcome == PASS or (result.outcome == NUMERIC and (result.grade or 0) >= pass_grade)


# ---------------------------------------------------------------------------------------------------------------
# EX-2: registration for the second opportunity


def second_opportunity_window(year_ends_on: date, rr: ResultRules) -> tuple[date, date]:
    """EX-2 (UH 12.2.5): registration runs from 11 July to 8 August (both included) of the calendar year in
    which the academic year ends, the summer before its August/September exam period."""
    (om, od), (cm, cd) = rr.second_opportunity_opens, rr.second_opportunity_closes
    return date(year_ends_on.year, om, od), date(year_ends_on.year, cm, cd)


def second_opportunity_refusal(registered_on: date, window: tuple[date, date], unit_opportunities: int,
                               first_result: Attempt | None, tolerated: bool = False,
                               retake_granted: bool = False) -> str | None:
    """EX-2 (UH 12.2.5) and EX-1 (UH 12.2.2): why this registration for the second opportunity is not possible,
    or ``None`` when it is.

    Who may register: a unit with two opportunities (the study guide may give it one) for which the first
    opportunity gave no credit certificate: a fail, an ``A``, or a justified absence (``AJ`` is no result, so
    the student has not passed: the reading in the student's favour). A fail that was tolerated is retaken only
    on the written request of EX-3 (UH 12.2.6), so it needs a granted retake request.
    """
    opens, closes = window
    if unit_opportunities < 2:
        return _("This course unit has one exam opportunity a year (study guide, UH 12.2.2).")
    if registered_on < opens or registered_on > closes:
        return _("Registration for the second opportunity runs from %(opens)s to %(closes)s (UH 12.2.5); %(date)s "
                 "is outside it.") % {"opens": opens.isoformat(), "closes": closes.isoformat(),
                                      "date": registered_on.isoformat()}
    if first_result is None:
        return _("There is no result of the first opportunity yet: only a failed unit is registered (UH 12.2.5).")
    if has_credit_certificate(first_result):
        return _("The first opportunity gave a credit certificate (%(result)s): only a failed unit is registered "
                 "(UH 12.2.5).") % {"result": display(first_result.outcome, first_result.grade)}
    if tolerated and not retake_granted:
        return _("This fail was tolerated: retaking it needs a written request within the period of UH 12.2.6 "
                 "(EX-3) first.")
    return None


def second_opportunity_closed(as_of: date, year_ends_on: date, rr: ResultRules) -> bool:
    """EX-2 (UH 12.2.5): registration is over once its last day (8 August) has passed."""
    return as_of > second_opportunity_window(year_ends_on, rr)[1]


def absent_for_unregistered(unit_opportunities: int, first_result: Attempt | None, registered: bool,
                            tolerated: bool, has_second_result: bool) -> bool:
    """EX-2 (UH 12.2.5): after registration closed, a unit gets ``A`` for its second opportunity when it has two
    opportunities, its first gave no credit certificate (a fail, ``A`` or ``AJ``), it was not registered and has
    no second-opportunity result yet. A tolerated fail is not "failed" in this sense: it is retaken only on the
    request of EX-3 (UH 12.2.6), which registers it; without one the tolerance stands and there is no second
    opportunity to be absent from."""
    if unit_opportunities < 2 or first_result is None or has_credit_certificate(first_result):
        return False
    return not (registered or tolerated or has_second_result)


# ---------------------------------------------------------------------------------------------------------------
# EX-3: retaking a tolerated fail


def retake_request_deadline(announced_on: date, holidays: frozenset[date], rr: ResultRules) -> date:
    """EX-3 (UH 12.2.6): the last day for the written request to retake a tolerated fail: the 10th working day
    after the announcement that the student satisfied the tolerance rules (the announcement day not counted;
    weekends and Belgian public holidays are no working days)."""
    return add_working_days(announced_on, rr.retake_request_working_days, holidays)


def retake_request_in_time(announced_on: date, requested_on: date, holidays: frozenset[date],
                           rr: ResultRules) -> bool:
    """EX-3 (UH 12.2.6): a request made on or before the deadline is in time (so is one made before the
    announcement was formally published: the student's favour)."""
    return requested_on <= retake_request_deadline(announced_on, holidays, rr)


# ---------------------------------------------------------------------------------------------------------------
# EX-7: delivering results


def results_delivery_deadline(bureau_meets_on: date, holidays: frozenset[date], rr: ResultRules) -> date:
    """EX-7 (UH 15.2.1): the coordinating lecturer sends the results to the student administration no later
    than one working day before the bureau's meeting: the last working day before the meeting day."""
    day, n = bureau_meets_on, rr.delivery_working_days_before_bureau
    while n > 0:
        day -= timedelta(days=1)
        if is_working_day(day, holidays):
            n -= 1
    return day


# ---------------------------------------------------------------------------------------------------------------
# EX-10: material errors


def favour(outcome: str, grade: int | None) -> int:
    """How good a result is for the student, to tell which way a correction goes (EX-10): an unauthorised
    absence is the worst, a justified absence keeps every right, then fail, the grades 0-20, and pass."""
    if outcome == ABSENT:
        return 0
    if outcome == ABSENT_JUSTIFIED:
        return 1
    if outcome == FAIL:
        return 2
    if outcome == NUMERIC:
        return 3 + (grade or 0)
    return 3 + MAX_GRADE + 1  # pass


def error_to_students_disadvantage(recorded: tuple[str, int | None], corrected: tuple[str, int | None]) -> bool:
    """EX-10 (UH 15.5.3): the error was to the student's disadvantage when the corrected result is better for
    him than the recorded one."""
    return favour(*corrected) > favour(*recorded)


def material_error_report_deadline(decision_on: date, rr: ResultRules) -> date:
    """EX-10 (UH 15.5.3): reported within 10 calendar days starting the day after the decision of the bureau or
    committee: day 1 is the day after, the last day is the decision day + 10."""
    return decision_on + timedelta(days=rr.material_error_report_days)


def material_error_decision_deadline(reported_on: date, rr: ResultRules) -> date:
    """EX-10 (UH 15.5.4): the committee decides within 10 calendar days after the formal report."""
    return reported_on + timedelta(days=rr.material_error_decision_days)


def material_error_refusal(decision_on: date, reported_on: date, decided_on: date,
                           recorded: tuple[str, int | None], corrected: tuple[str, int | None],
                           rr: ResultRules) -> str | None:
    """EX-10 (UH 15.5.3-4): why this correction of a published result may not be made, or ``None``.

    An error to the student's disadvantage may be corrected at any time. Any other correction needs a report
    within 10 calendar days after the decision and a decision within 10 calendar days after the report. The
    decision date is the date of the bureau's or committee's meeting (the literal reading, and the one that
    favours the student when a correction would lower his result).
    """
    if decided_on < reported_on:
        return _("The decision (%(decided)s) cannot come before the report (%(reported)s).") % {
            "decided": decided_on.isoformat(), "reported": reported_on.isoformat()}
    if error_to_students_disadvantage(recorded, corrected):
        return None
    report_by = material_error_report_deadline(decision_on, rr)
    if reported_on > report_by:
        return _("The error was reported on %(reported)s, after %(limit)s (%(days)d calendar days after the decision "
                 "of %(decision)s, UH 15.5.3); only an error to the student's disadvantage may still be corrected.") % {
            "reported": reported_on.isoformat(), "limit": report_by.isoformat(),
            "days": rr.material_error_report_days, "decision": decision_on.isoformat()}
    decide_by = material_error_decision_deadline(reported_on, rr)
    if decided_on > decide_by:
        return _("The correction was decided on %(decided)s, after %(limit)s (%(days)d calendar days after the "
                 "report, UH 15.5.4); only an error to the student's disadvantage may still be corrected.") % {
            "decided": decided_on.isoformat(), "limit": decide_by.isoformat(), "days": rr.material_error_decision_days}
    return None


# ---------------------------------------------------------------------------------------------------------------
# EX-11: conflicts of interest


def examiner_excluded(student_id: int, tied_student_ids: frozenset[int] | set[int]) -> bool:
    """EX-11 (UH 13.1.2): an examiner does not assess a relative to the third degree or a person he lives with
    (a declared tie); the chair appoints a substitute, whose results the administration records."""
    return student_id in tied_student_ids


# ---------------------------------------------------------------------------------------------------------------
# EN-9: study success rate


@dataclass(frozen=True)
class UnitTaken:
    credits: int
    exempted: bool = False
    removed: bool = False
    final: Attempt | None = None  # EX-5: the highest result of the year


@dataclass(frozen=True)
class StudySuccess:
    credits_taken: int
    credits_acquired: int
    rate: Fraction | None
    percentage: int | None
    advice_meeting: bool


def study_success(units: list[UnitTaken], rr: ResultRules | None = None) -> StudySuccess:
    """EN-9 (UH glossary "study success rate", UH 21.3.2): credits acquired / credits taken in one academic year.

    Acquired are the credits of units with a credit certificate in their final result of the year (EX-4, EX-5;
    LA-4: a tolerated fail gives no certificate, UH 16.8.3, so it does not count). Taken are the credits of the
    units in the year's study programme, without exempted units (never taken, LA-2) and without units removed
    from it (no longer taken: the reading in the student's favour). The percentage rounds half up (EX-4). Below
    30 % the student is invited to a study-advice meeting (UH 21.3.2); with no threshold configured, never.
    """
    taken = [u for u in units if not u.exempted and not u.removed]
    credits_taken = sum(u.credits for u in taken)
    acquired = sum(u.credits for u in taken if has_credit_certificate(u.final))
    if not credits_taken:
        return StudySuccess(0, 0, None, None, False)
    rate = Fraction(acquired, credits_taken)
    percentage = round_half_up(rate * 100)
    advice = rr is not None and rate * 100 < rr.study_advice_below_percent
    return StudySuccess(credits_taken, acquired, rate, percentage, advice)
