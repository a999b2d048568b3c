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
