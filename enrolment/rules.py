"""Enrolment checks (rules.md section 2 and LA-14) and the guards of the student administration's actions, as
pure functions.

Each check returns a :class:`Finding` in words a staff member understands. A blocking finding stops the
enrolment unless a recorded exception decision covers it (``exception_allowed``); EN-1 can never be waived.
Each guard (``*_refusal``) returns the reason why an action cannot be done, or ``None``: the services call it
before they write, and their previews call the same function, so a preview never shows what confirming would
refuse.

Messages are translated when the rule runs (the language of the staff member's request); the rules read no
clock and no database: "today" is an argument.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from django.utils.translation import gettext as _

from config.regulations import InsufficientBalancePolicy, Regulations
from students.rules import uses_account


@dataclass(frozen=True)
class UnitChoice:
    code: str
    credits: int
    stage: int = 1
    package: int | None = None
    exempted: bool = False


@dataclass(frozen=True)
class EnrolmentRequest:
    contract_kind: str
    programme_code: str
    programme_kind: str
    units: tuple[UnitChoice, ...]
    enrolled_on: date
    educational: bool = False


@dataclass(frozen=True)
class StudentSituation:
    balance: int  # learning account at the enrolment date (LA-15)
    holds_bachelor: bool = False
    holds_master: bool = False
    earlier_bachelor_enrolment: bool = False  # any earlier contract in a bachelor's programme here (EN-2)
    credits_this_year: int = 0  # credits already taken up this academic year, all contracts (EN-3)
    units_this_year: frozenset[str] = frozenset()  # units already in a contract this year (EN-1)
    contract_kinds_in_programme: frozenset[str] = frozenset()  # this programme, this year (EN-1, UH 3.7)
    first_year_units: frozenset[str] = frozenset()  # the standard first-year programme (EN-2)
    degree_programmes: frozenset[str] = frozenset()  # codes of the programmes whose degree she holds (UH 2.6)


@dataclass(frozen=True)
class Exceptions:
    """Exception decisions on record for this student and year, by rule."""

    la14_max_credits: int | None = None  # None: no LA-14 decision
    en2: bool = False
    en3_max_credits: int | None = None


@dataclass(frozen=True)
class Finding:
    rule: str
    article: str
    ok: bool
    message: str
    blocking: bool = False
    exception_allowed: bool = False
    waived_by_exception: bool = False


@dataclass(frozen=True)
class CheckOutcome:
    findings: tuple[Finding, ...] = field(default_factory=tuple)

    @property
    def allowed(self) -> bool:
        return not any(f.blocking for f in self.findings)

    @property
    def blocking(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.blocking)


def contract_kind_text(kind: str) -> str:
    texts = {"diploma": _("diploma contract"), "credit": _("credit contract"), "exam": _("exam contract")}
    return texts.get(kind, kind)


def account_credits(request: EnrolmentRequest) -> int:
    return sum(u.credits for u in request.units if not u.exempted)


def check_learning_account(
    request: EnrolmentRequest, situation: StudentSituation, regs: Regulations, exc: Exceptions
) -> Finding:
    """LA-14 (UH 1.3): a balance <= 0 refuses any enrolment, whatever the contract (UH 1.3.1); a positive but
    insufficient balance caps the enrolment at the balance (UH 1.3.2).

    UH 1.3.3: an initial master's may not be refused to a student without a master's degree, nor an
    educational master's to a student who holds one. The text says so for a balance <= 0; we apply it to an
    insufficient positive balance too, since capping that student would treat her worse than one at 0 (the
    reading that favours the student). An exception is a decision of the vice rector (1.3.1) or the director
    (1.3.2) on record.
    """
    holds = situation.holds_master if request.programme_kind == "master" else (
        situation.holds_bachelor or situation.holds_master
    )
    uses = uses_account(request.contract_kind, request.programme_kind, request.educational, holds)
    needed = account_credits(request) if uses else 0
    balance = situation.balance
    protected = regs.master_never_refused and request.programme_kind == "master" and (
        (request.contract_kind == "diploma" and not situation.holds_master)
        or (request.educational and situation.holds_master)
    )
    if balance > 0 and needed <= balance:
        if not uses:
            return Finding("LA-14", "UH 1.3", True, _("This enrolment does not use the learning account (LA-2)."))
        return Finding("LA-14", "UH 1.3", True,
                       _("The learning account has %(balance)d credits; this enrolment uses %(needed)d.")
                       % {"balance": balance, "needed": needed})
    if protected:
        return Finding("LA-14", "UH 1.3.3", True,
                       _("The learning account has %(balance)d credits, but this master's programme may not be "
                         "refused (UH 1.3.3).") % {"balance": balance})
    allowed = exc.la14_max_credits
    if allowed is not None and needed <= allowed:
        return Finding("LA-14", "UH 1.3", True,
                       _("The learning account has %(balance)d credits; an exception decision allows %(allowed)d "
                         "credits.") % {"balance": balance, "allowed": allowed},
                       waived_by_exception=True)
    if balance <= 0:
        return Finding("LA-14", "UH 1.3.1", False,
                       _("The learning account has %(balance)d credits: enrolment is refused, whatever the contract, "
                         "unless the vice rector decides an exception (UH 1.3.1).") % {"balance": balance},
                       blocking=True,
                       exception_allowed=True)
    if regs.insufficient_balance_policy == InsufficientBalancePolicy.SURCHARGE:
        return Finding("LA-14", "LA-14", True,
                       _("The learning account has %(balance)d credits; this enrolment uses %(needed)d. The student "
                         "pays a double fee for the %(missing)d missing credits.")
                       % {"balance": balance, "needed": needed, "missing": needed - balance})
    return Finding("LA-14", "UH 1.3.2", False,
                   _("The learning account has %(balance)d credits left; this enrolment needs %(needed)d. Enrolment "
                     "is possible for at most %(balance)d credits, unless the director decides an exception "
                     "(UH 1.3.2).") % {"balance": balance, "needed": needed},
                   blocking=True, exception_allowed=True)


def check_one_contract_per_unit(request: EnrolmentRequest, situation: StudentSituation) -> Finding:
    """EN-1 (UH 3.1, 3.7): one contract per course unit per year; no diploma and exam contract in one programme."""
    twice = sorted(u.code for u in request.units if u.code in situation.units_this_year)
    if twice:
        return Finding("EN-1", "UH 3.7.1", False,
                       _("Already in another contract this academic year: %(units)s.") % {"units": ", ".join(twice)},
                       blocking=True)
    kinds = situation.contract_kinds_in_programme
    if request.contract_kind in kinds:
        return Finding("EN-1", "UH 3.7", False,
                       _("The student already has a %(contract)s for %(programme)s this academic year: add units to "
                         "it instead.") % {"contract": contract_kind_text(request.contract_kind),
                                           "programme": request.programme_code}, blocking=True)
    if {request.contract_kind} | kinds >= {"diploma", "exam"}:
        return Finding("EN-1", "UH 3.7.2", False,
                       _("A diploma contract and an exam contract cannot be combined in %(programme)s in one "
                         "academic year.") % {"programme": request.programme_code}, blocking=True)
    return Finding("EN-1", "UH 3.7", True, _("No course unit is taken twice this academic year."))


def check_first_bachelor_programme(
    request: EnrolmentRequest, situation: StudentSituation, regs: Regulations, exc: Exceptions
) -> Finding:
    """EN-2 (UH 2.2): a first enrolment in a bachelor's programme takes the whole standard first-year programme,
    unless individualised, in special circumstances (a recorded decision) or already holding a degree."""
    applies = (
        regs.first_bachelor_full_programme
        and request.contract_kind == "diploma"
        and request.programme_kind == "bachelor"
        and not situation.earlier_bachelor_enrolment
        and not (situation.holds_bachelor or situation.holds_master)
    )
    if not applies:
        return Finding("EN-2", "UH 2.2", True, _("The first-year programme rule does not apply."))
    missing = sorted(situation.first_year_units - {u.code for u in request.units})
    if not missing:
        return Finding("EN-2", "UH 2.2", True, _("The full first-year standard programme is taken."))
    if exc.en2:
        return Finding("EN-2", "UH 2.2", True, _("An individualised programme was decided (exception on record)."),
                       waived_by_exception=True)
    return Finding("EN-2", "UH 2.2", False,
                   _("A first enrolment in a bachelor's programme takes the full first-year programme; missing: "
                     "%(units)s.") % {"units": ", ".join(missing)}, blocking=True, exception_allowed=True)


def check_max_credits(
    request: EnrolmentRequest, situation: StudentSituation, regs: Regulations, exc: Exceptions
) -> Finding:
    """EN-3 (UH 4.3.2): at most 72 credits per academic year over all contracts; more by a bureau decision.

    Exempted units are not counted: an exemption reduces the credits taken up (UH 3.2.1), the reading that
    favours the student.
    """
    total = situation.credits_this_year + sum(u.credits for u in request.units if not u.exempted)
    limit = regs.max_credits_per_year
    if total <= limit:
        return Finding("EN-3", "UH 4.3", True, _("%(total)d credits this academic year (at most %(limit)d).")
                       % {"total": total, "limit": limit})
    if exc.en3_max_credits is not None and total <= exc.en3_max_credits:
        return Finding("EN-3", "UH 4.3", True,
                       _("%(total)d credits this academic year; a bureau decision allows %(allowed)d.")
                       % {"total": total, "allowed": exc.en3_max_credits},
                       waived_by_exception=True)
    return Finding("EN-3", "UH 4.3.2", False,
                   _("%(total)d credits this academic year is more than the %(limit)d allowed over all contracts "
                     "(UH 4.3.2); more needs a decision of the examination committee's bureau.")
                   % {"total": total, "limit": limit},
                   blocking=True, exception_allowed=True)


def check_second_enrolment(request: EnrolmentRequest, situation: StudentSituation, regs: Regulations
                           ) -> Finding | None:
    """UH 2.6.1 (PXL Art. 47 §2; Higher Education Code Art. II.244): enrolling again in a bachelor's or master's
    programme whose degree the student already holds is allowed only for at least 30 credits of course units;
    not for an educational master's that the holder takes again for another subject didactics.

    rules.md has no rule for it; the regulations do, and they do not refuse the second enrolment outright. The
    reading in the student's favour: only the degree of this very programme counts (not another programme of the
    same level); only a diploma or exam contract is an enrolment in the programme (a credit contract takes course
    units, not the programme); the credits counted are those taken up, not exempted. No exception decision is
    provided for. ``None`` when the student holds no degree of this programme (nothing to say).
    """
    applies = (
        request.programme_kind in ("bachelor", "master")
        and request.contract_kind in ("diploma", "exam")
        and request.programme_code in situation.degree_programmes
    )
    if not applies:
        return None
    if request.educational:
        return Finding("UH 2.6", "UH 2.6.1", True,
                       _("The student holds the degree of %(programme)s; the minimum of credits does not apply to "
                         "an educational master's taken again (UH 2.6.1).") % {"programme": request.programme_code})
    taken = account_credits(request)
    minimum = regs.second_enrolment_min_credits
    if taken >= minimum:
        return Finding("UH 2.6", "UH 2.6.1", True,
                       _("The student already holds the degree of %(programme)s: a second enrolment takes at least "
                         "%(minimum)d credits; this one takes %(taken)d.")
                       % {"programme": request.programme_code, "minimum": minimum, "taken": taken})
    return Finding("UH 2.6", "UH 2.6.1", False,
                   _("The student already holds the degree of %(programme)s. Enrolling in it again is possible only "
                     "to take course units of at least %(minimum)d credits (UH 2.6.1); this enrolment takes "
                     "%(taken)d.")
                   % {"programme": request.programme_code, "minimum": minimum, "taken": taken}, blocking=True)


def enrolment_checks(
    request: EnrolmentRequest, situation: StudentSituation, regs: Regulations, exc: Exceptions = Exceptions()
) -> CheckOutcome:
    """All enrolment checks, in the order staff read them."""
    findings = (
        check_one_contract_per_unit(request, situation),
        check_second_enrolment(request, situation, regs),
        check_learning_account(request, situation, regs, exc),
        check_first_bachelor_programme(request, situation, regs, exc),
        check_max_credits(request, situation, regs, exc),
    )
    return CheckOutcome(tuple(f for f in findings if f is not None))


def addition_checks(
    request: EnrolmentRequest, situation: StudentSituation, regs: Regulations, exc: Exceptions = Exceptions()
) -> CheckOutcome:
    """Adding units to an existing contract (LA-3): EN-1 for the units, LA-14 for their credits, EN-3."""
    en1 = check_one_contract_per_unit(request, situation.__class__(
        **{**situation.__dict__, "contract_kinds_in_programme": frozenset()}))
    return CheckOutcome((en1, check_learning_account(request, situation, regs, exc),
                         check_max_credits(request, situation, regs, exc)))


def programme_request_deadline(enrolled_on: date, regs: Regulations) -> date:
    """EN-5 (UH 4.1.1): the day from which a contract without study programme is deregistered
    (two months after enrolment; PXL Art. 23 §2: 30 calendar days)."""
    if regs.programme_request_deadline_months:
        month = enrolled_on.month - 1 + regs.programme_request_deadline_months
        year = enrolled_on.year + month // 12
        month = month % 12 + 1
        # Clamp to the month's last day (31 October + 2 months = 31 December; 31 December + 2 = 28/29 February).
        for day in (enrolled_on.day, 30, 29, 28):
            try:
                return date(year, month, day)
            except ValueError:
                continue
    return enrolled_on + timedelta(days=regs.programme_request_deadline_days or 0)


# ------------------------------------------------------------------------------------- action guards ----
@dataclass(frozen=True)
class ContractState:
    """A study contract as the guards see it: plain values."""

    programme_code: str
    kind: str
    enrolled_on: date
    year_code: str
    year_ends_on: date
    deregistered_on: date | None = None


@dataclass(frozen=True)
class LineState:
    """A line of a study programme as the removal guard sees it."""

    unit_code: str
    added_on: date
    removed_on: date | None = None
    has_results: bool = False


def iso(d: date) -> str:
    return d.isoformat()


def contract_refusal(contract: ContractState) -> str | None:
    """A deregistered contract (withdrawal, UH 8.1, or change of programme, UH 3.6) takes no more changes."""
    if contract.deregistered_on is not None:
        return _("This contract was deregistered on %(date)s; it can no longer be changed.") % {
            "date": iso(contract.deregistered_on)}
    return None


def future_request_refusal(requested_on: date | None, today: date | None) -> str | None:
    """LA-6 / UH 3.4: the effective date is the date of the student's request, which cannot lie in the future: a
    request is recorded once it was made."""
    if requested_on is not None and today is not None and requested_on > today:
        return _("The date of the student's request (%(date)s) is after today (%(today)s): record a request once "
                 "it has been made.") % {"date": iso(requested_on), "today": iso(today)}
    return None


def addition_refusal(contract: ContractState, added_on: date | None = None, unit_code: str = "",
                     unit_programme_code: str = "", already_taken: bool = False) -> str | None:
    """Adding a course unit during the year (LA-3): not to a deregistered contract; a diploma contract takes units
    of its own programme only (UH 3.1); a unit once in the study programme comes back only with the examination
    committee's approval (UH 2.1.5); the date lies between the enrolment and the end of the academic year.

    Without ``added_on`` and ``unit_code`` only the contract itself is checked (the form before it is filled in).
    """
    refusal = contract_refusal(contract)
    if refusal:
        return refusal
    if unit_code:
        if contract.kind == "diploma" and unit_programme_code != contract.programme_code:
            return _("%(unit)s is not part of %(programme)s: a diploma contract takes units of its own programme "
                     "only.") % {"unit": unit_code, "programme": contract.programme_code}
        if already_taken:
            return _("%(unit)s was already in this study programme; re-enrolling after a removal needs the "
                     "examination committee's approval (UH 2.1.5).") % {"unit": unit_code}
    if added_on is not None and not contract.enrolled_on <= added_on <= contract.year_ends_on:
        return _("The date must fall between the enrolment (%(start)s) and the end of the academic year "
                 "(%(end)s).") % {"start": iso(contract.enrolled_on), "end": iso(contract.year_ends_on)}
    return None


def removal_refusal(contract: ContractState, line: LineState, requested_on: date | None = None,
                    today: date | None = None) -> str | None:
    """Removing a course unit at the student's request (UH 3.4, LA-6): not twice, not from a deregistered
    contract, not once the unit has a result; the request date lies between the day the unit was added and the
    end of the academic year, and not after ``today``.

    Without ``requested_on`` only the line and its contract are checked (the form before it is filled in).
    """
    if line.removed_on is not None:
        return _("%(unit)s was already removed on %(date)s.") % {"unit": line.unit_code, "date": iso(line.removed_on)}
    if contract.deregistered_on is not None:
        return _("The whole contract was deregistered on %(date)s; its units can no longer be removed one by "
                 "one.") % {"date": iso(contract.deregistered_on)}
    if line.has_results:
        return _("%(unit)s already has a result; it cannot be removed.") % {"unit": line.unit_code}
    if requested_on is not None and not line.added_on <= requested_on <= contract.year_ends_on:
        return _("The request date must fall between the day the unit was added (%(start)s) and the end of the "
                 "academic year (%(end)s).") % {"start": iso(line.added_on), "end": iso(contract.year_ends_on)}
    return future_request_refusal(requested_on, today)


def deregistration_refusal(contract: ContractState, on: date | None = None, today: date | None = None
                           ) -> str | None:
    """Withdrawal (UH 8.1) or change of programme (UH 3.6): once per contract, dated between the enrolment and
    the end of the academic year, on the date of the student's request, which is not after ``today``."""
    refusal = contract_refusal(contract)
    if refusal:
        return refusal
    if on is not None and not contract.enrolled_on <= on <= contract.year_ends_on:
        return _("The date must fall between the enrolment (%(start)s) and the end of the academic year "
                 "(%(end)s).") % {"start": iso(contract.enrolled_on), "end": iso(contract.year_ends_on)}
    return future_request_refusal(on, today)


def programme_change_refusal(contract: ContractState, new_programme_code: str, on: date | None = None,
                             today: date | None = None) -> str | None:
    """UH 3.6: a change of programme ends this contract and starts a diploma contract in another programme."""
    if new_programme_code and new_programme_code == contract.programme_code:
        return _("Choose another programme than %(programme)s.") % {"programme": contract.programme_code}
    return deregistration_refusal(contract, on, today)


def enrolment_refusal(unit_count: int, year_code: str, year_starts_on: date, year_ends_on: date,
                      enrolled_on: date) -> str | None:
    """A new contract takes at least one course unit (UH 4.1) and is dated in its academic year, or in the year
    before it (enrolment opens before the academic year starts)."""
    if unit_count < 1:
        return _("Choose at least one course unit.")
    earliest = year_starts_on.replace(year=year_starts_on.year - 1)
    if not earliest <= enrolled_on <= year_ends_on:
        return _("The enrolment date must fall in %(year)s or in the year before it (from %(start)s to "
                 "%(end)s).") % {"year": year_code, "start": iso(earliest), "end": iso(year_ends_on)}
    return None


# ------------------------------------------------------------------------------------- deadline sweeps ----
def en5_deregistration_day(enrolled_on: date, year_starts_on: date, year_ends_on: date, regs: Regulations
                           ) -> date | None:
    """EN-5 (UH 4.1.1): the day on which a contract that still has no study programme is deregistered, or
    ``None`` when the regulations set no term or the day falls after the academic year.

    The day is two months after the enrolment (:func:`programme_request_deadline`; PXL Art. 27 §2: 30 calendar
    days). UH 4.1.1 also gives the student until 1 October to request the programme, so nobody is deregistered
    for a missing programme before that request is late: the day is never before ``regs.programme_request_by``,
    nor before the academic year starts (PXL Art. 27 §2 extends the term of summer enrolments to the start of
    the year; we read UH the same way). Both floors are readings in the student's favour.
    """
    if not (regs.programme_request_deadline_months or regs.programme_request_deadline_days):
        return None
    floor = year_starts_on
    if regs.programme_request_by:
        floor = max(floor, date(year_starts_on.year, *regs.programme_request_by))
    day = max(programme_request_deadline(enrolled_on, regs), floor)
    return day if day <= year_ends_on else None


class En5(StrEnum):
    """What EN-5 asks of a contract on a given day (:func:`en5_decision`)."""

    NOT_DUE = "not_due"  # the day has not come (or there is none)
    HAS_PROGRAMME = "has_programme"  # a study programme was there on the day
    DEREGISTER = "deregister"  # no study programme on the day, and none since
    LATE_PROGRAMME = "late_programme"  # none on the day, but one was added after it


def en5_decision(deregistration_day: date | None, first_line_added_on: date | None, as_of: date) -> En5:
    """EN-5 (UH 4.1.1): a contract whose study programme has no line added on or before the deregistration day
    is deregistered on that day, whatever later day the sweep runs.

    A line added on the day itself counts (the student asked within the two months, read in her favour). A
    contract that had lines and lost them all by removal did request a programme, so it is not in EN-5's scope
    (``first_line_added_on`` counts removed lines too). A programme added after the day but before the sweep
    reached the contract (a late sweep) is ``LATE_PROGRAMME``: the student studies under it, and ending that
    contract is a decision for staff, not for a sweep.
    """
    if deregistration_day is None:
        return En5.NOT_DUE
    if first_line_added_on is not None and first_line_added_on <= deregistration_day:
        return En5.HAS_PROGRAMME
    if as_of < deregistration_day:
        return En5.NOT_DUE
    return En5.DEREGISTER if first_line_added_on is None else En5.LATE_PROGRAMME


@dataclass(frozen=True)
class PeriodDates:
    """An education period of the academic calendar as EN-6 sees it."""

    code: str
    starts_on: date
    lessons_end_on: date
    deregistration_deadline: date


def year_long_periods(periods: list[PeriodDates]) -> list[PeriodDates]:
    """UH 3.4.2: the periods of units "spread over all education periods in an academic year": those that start
    no later than every other period of the year and whose lessons end no earlier. A calendar with one period
    has no year-long units (nothing to tell them apart from)."""
    if len(periods) < 2:
        return []
    first = min(p.starts_on for p in periods)
    last = max(p.lessons_end_on for p in periods)
    return [p for p in periods if p.starts_on <= first and p.lessons_end_on >= last]


def year_long_deregistration_deadline(periods: list[PeriodDates], year_starts_on: date, regs: Regulations
                                      ) -> date | None:
    """EN-6 (UH 3.4.2): the last day of deregistration from year-long units ("until 15 December").

    The dates come from the academic calendar (the year-long periods' deregistration deadlines; the latest when
    there are several, the reading in the student's favour); a calendar without a year-long period falls back on
    the regulations' date in the calendar year the academic year starts. ``None`` when neither has one.
    """
    long = year_long_periods(periods)
    if long:
        return max(p.deregistration_deadline for p in long)
    if regs.year_long_unit_deregistration:
        return date(year_starts_on.year, *regs.year_long_unit_deregistration)
    return None


def year_long_deregistration_closed(as_of: date, deadline: date | None) -> bool:
    """EN-6: deregistration "until 15 December" includes that day; it is closed from the day after."""
    return deadline is not None and as_of > deadline


def removal_deadline_refusal(unit_code: str, period_code: str, periods: list[PeriodDates],
                             requested_on: date | None) -> str | None:
    """EN-6 (UH 3.4.2): no deregistration from a course unit after its education period's deregistration date
    (the day itself still counts). That date is "halfway through the education period", fixed per period in the
    academic calendar; for a unit spread over the whole year it is 15 December (the year-long period's date).

    A unit whose period is not in the year's calendar is left alone (nothing to measure against). UH 3.4.1's
    later date for first-year units of quartile 1 needs quartiles in the calendar; with semesters it does not
    arise, and the semester's date is the earlier of the two only where quartiles exist.
    """
    if requested_on is None:
        return None
    period = next((p for p in periods if p.code == period_code), None)
    if period is None or requested_on <= period.deregistration_deadline:
        return None
    if period in year_long_periods(periods):
        return _("%(unit)s runs over the whole academic year: deregistration from it was possible until "
                 "%(date)s (UH 3.4.2).") % {"unit": unit_code, "date": iso(period.deregistration_deadline)}
    return _("Deregistration from %(unit)s was possible until %(date)s, halfway through its education period "
             "%(period)s (UH 3.4.2).") % {"unit": unit_code, "date": iso(period.deregistration_deadline),
                                          "period": period.code}


def academic_year_day(month_day: tuple[int, int], year_starts_on: date) -> date:
    """The date of a (month, day) inside the academic year that starts on ``year_starts_on``: in the calendar
    year the academic year starts when it falls on or after its first day, in the next one otherwise."""
    month, day = month_day
    this_year = date(year_starts_on.year, month, day)
    return this_year if this_year >= year_starts_on else date(year_starts_on.year + 1, month, day)


def special_circumstances_dates(year_starts_on: date, regs: Regulations) -> list[date]:
    """EN-10 (UH 4.6.3): the application dates of the academic year (15 October, 1 December, 1 March, 1 July),
    in date order."""
    return sorted(academic_year_day(md, year_starts_on) for md in regs.special_circumstances_dates)


def special_circumstances_reminders_due(as_of: date, year_starts_on: date, regs: Regulations) -> list[date]:
    """EN-10: the application dates whose reminder is due on ``as_of``: from ``reminder_days`` before the date up
    to the date itself ("no later than"). A sweep that wakes up after a date sends nothing for it: a reminder of
    a date gone by would only mislead."""
    days = timedelta(days=regs.special_circumstances_reminder_days)
    return [d for d in special_circumstances_dates(year_starts_on, regs) if d - days <= as_of <= d]
