"""The Flemish learning account (rules.md section 1, LA-1 .. LA-15) as pure functions.

The ledger of a student is a function of the facts recorded about her: the register's opening position,
study contracts and their study-programme lines, results and degrees. :func:`expected_movements` computes
the movements those facts call for; :func:`reconcile` compares them with the movements already written and
returns only the rows to append (new movements, or corrections that reverse what no longer holds). The
stored ledger is therefore append-only and idempotent: reconciling twice writes nothing the second time.

No Django, no clock: dates come in as arguments and the regulations object is passed in.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from config.regulations import DEFAULT_CODE, DeregistrationPolicy, RefundCutoffPolicy, Regulations, get_regulations

# Programme kinds whose diploma contracts use the learning account (LA-2).
ACCOUNT_PROGRAMME_KINDS = frozenset({"bachelor", "master"})
MANUAL_CAUSE_PREFIX = "manual:"


# --------------------------------------------------------------------------------------------- facts ----
@dataclass(frozen=True)
class YearFacts:
    code: str
    starts_on: date
    ends_on: date
    regs: Regulations
    s1_lessons_end_on: date | None = None  # lessons end of the semester-1 period (LA-8)


@dataclass(frozen=True)
class LineFacts:
    key: str
    unit_code: str
    credits: int
    semester: int  # 1 or 2; year-long units count as semester 1 (LA-6)
    added_on: date
    removed_on: date | None = None
    exempted: bool = False
    limit_date: date | None = None  # the period's deregistration deadline (EN-6; PXL "limit date")
    certificate_on: date | None = None  # publication date of the first result giving a credit certificate
    failed_exam_on: date | None = None  # publication date of the first failed exam (UH 3.6.2)
    examined_on: date | None = None  # first day of the exam period of the first exam taken (PXL Art. 23 §3)


@dataclass(frozen=True)
class ContractFacts:
    key: str
    year: str
    programme_code: str
    programme_kind: str
    kind: str  # diploma | credit | exam
    enrolled_on: date
    lines: tuple[LineFacts, ...] = ()
    deregistered_on: date | None = None
    deregistration_reason: str = ""  # withdrawal | programme_change
    generation_student: bool = False
    educational: bool = False


@dataclass(frozen=True)
class DegreeFacts:
    key: str
    programme_kind: str
    awarded_on: date


@dataclass(frozen=True)
class RegisterOpening:
    """The position imported from the government's register (LA-1: "brings an opening balance instead")."""

    balance: int
    as_of: date
    bonus_used: int = 0
    master_obtained: bool = False


@dataclass(frozen=True)
class AccountFacts:
    years: tuple[YearFacts, ...]
    contracts: tuple[ContractFacts, ...] = ()
    degrees: tuple[DegreeFacts, ...] = ()
    register: RegisterOpening | None = None


@dataclass(frozen=True)
class Movement:
    cause: str
    on: date
    kind: str
    credits: int
    year: str | None = None
    unit: str | None = None
    article: str = ""
    note: str = ""


# --------------------------------------------------------------------------------------- single rules ----
def uses_account(
    contract_kind: str, programme_kind: str, educational: bool = False, holds_degree: bool = False
) -> bool:
    """LA-2: which enrolments use the learning account.

    Diploma contracts for initial bachelor's and master's programmes do; every credit contract does, whatever
    the programme; exam contracts never do; associate, bridging, preparatory, advanced and postgraduate
    programmes do not; an educational bachelor/master does not when the student already holds a degree of
    that level.
    """
    if contract_kind == "exam":
        return False
    if contract_kind == "credit":
        return True
    if programme_kind not in ACCOUNT_PROGRAMME_KINDS:
        return False
    return not (educational and holds_degree)


def is_generation_student(contract_kind: str, programme_kind: str, year: str, first_year: str,
                          earlier: list[tuple[str, str, str]]) -> bool:
    """LA-8: a student enrolling for the first time with a diploma contract in a Flemish bachelor's programme;
    the status holds for that whole academic year.

    ``earlier`` lists the student's contracts of earlier years on record as (year, contract kind, programme
    kind). A first year in higher education spent on a credit or exam contract does not take the status away.
    When the records do not reach back to the student's first year in Flemish higher education, only that
    first year can be shown to qualify.
    """
    if contract_kind != "diploma" or programme_kind != "bachelor":
        return False
    if any(kind == "diploma" and pkind == "bachelor" for _, kind, pkind in earlier):
        return False
    if year == first_year:
        return True
    return bool(earlier) and min(y for y, _, _ in earlier) == first_year


def refund_cutoff(semester: int, year_starts_on: date, regs: Regulations) -> date:
    """LA-6: the first day on which removing a unit no longer gives its credits back.

    1 December (semester 1 and year-long units) of the calendar year in which the academic year starts,
    15 March (semester 2) of the next one. The day itself is too late ("before 1 December").
    """
    if semester == 2:
        month, day = regs.semester2_cutoff
        return date(year_starts_on.year + 1, month, day)
    month, day = regs.semester1_cutoff
    return date(year_starts_on.year, month, day)


def closed_refund_windows(as_of: date, year_starts_on: date, regs: Regulations) -> list[tuple[int, date]]:
    """LA-6/LA-7: the refund windows of a year that have closed by ``as_of``, as (semester, cut-off): the cut-off
    day itself is closed. The windows of the fixed-dates policy only (PXL decides by each period's limit date)."""
    if regs.refund_cutoff_policy != RefundCutoffPolicy.FIXED_DATES:
        return []
    return [(s, refund_cutoff(s, year_starts_on, regs)) for s in (1, 2)
            if as_of >= refund_cutoff(s, year_starts_on, regs)]


def removal_refunds(
    semester: int, removed_on: date, year_starts_on: date, contract_kind: str, regs: Regulations,
    limit_date: date | None = None,
) -> bool:
    """LA-6 and LA-9 (UH 3.3.4): does removing a course unit on ``removed_on`` give its credits back?

    ``removed_on`` is the date of the student's request, not the date staff process it. Removing a unit of a
    credit contract never changes the credits taken up (UH 3.3.4, second paragraph). Under PXL (Art. 31) the
    limit date of the unit's period decides; the limit date itself still counts ("not yet expired").
    """
    if contract_kind == "credit":
        return False
    if regs.refund_cutoff_policy == RefundCutoffPolicy.PERIOD_DEADLINE and limit_date is not None:
        return removed_on <= limit_date
    return removed_on < refund_cutoff(semester, year_starts_on, regs)


def share_up(credits: int, share) -> int:
    """A share of credits given back, rounded up: the reading that favours the student (LA-8 says "half")."""
    return math.ceil(credits * share)


def deregistration_refund(line: LineFacts, contract: ContractFacts, year: YearFacts) -> tuple[int, str]:
    """LA-7, LA-8, LA-9, LA-10: credits of one line that come back when the contract is deregistered.

    Returns (credits, article). Lines with a credit certificate are restored by LA-4 instead, so they get
    nothing here. Where several articles apply to a change of programme, the student gets the largest
    refund (the reading in the student's favour), except that UH 3.6.2 never refunds an exam taken and
    failed before the change.
    """
    d = contract.deregistered_on
    if d is None or line.exempted or line.certificate_on is not None:
        return 0, ""
    if contract.kind == "credit":
        return 0, "LA-9"
    regs = year.regs
    cut1 = refund_cutoff(1, year.starts_on, regs)
    cut2 = refund_cutoff(2, year.starts_on, regs)
    change = contract.deregistration_reason == "programme_change"

    if regs.deregistration_policy == DeregistrationPolicy.PXL:
        # PXL Art. 23 §3. Non-generation students: units whose limit date has not passed. Generation students
        # who reorient: all before 1 December, half until 15 March, for units not yet examined; the limit-date
        # rule stays available to them as well (pxl-rules.md §13.4, read in the student's favour).
        best, article = 0, ""
        if line.limit_date is not None and d <= line.limit_date:
            best, article = line.credits, "PXL 23§3"
        not_examined = line.examined_on is None or line.examined_on > d
        if contract.generation_student and change and not_examined:
            if d < cut1:
                gen = line.credits
            elif d < cut2:
                gen = share_up(line.credits, regs.generation_change_refund_share)
            else:
                gen = 0
            if gen > best:
                best, article = gen, "PXL 23§3 (generation student)"
        return best, article

    # UHasselt: LA-7 (UH 8.1 treats deregistration as a reduction of credits).
    if d < cut1:
        best, article = line.credits, "LA-7"
    elif d < cut2 and line.semester == 2:
        best, article = line.credits, "LA-7"
    else:
        best, article = 0, "LA-7"
    if change:
        if line.failed_exam_on is not None and line.failed_exam_on <= d:
            return 0, "LA-10"  # UH 3.6.2: never for an exam taken and failed
        # LA-10 / UH 3.6.2: units whose deregistration period has not yet expired.
        if line.limit_date is not None and d <= line.limit_date and line.credits > best:
            best, article = line.credits, "LA-10"
        # LA-8: generation student changing programme between 1 December and the end of S1 lessons.
        lessons_end = year.s1_lessons_end_on
        if (
            contract.generation_student
            and line.semester == 1
            and lessons_end is not None
            and cut1 <= d <= lessons_end
        ):
            half = share_up(line.credits, regs.generation_change_refund_share)
            if half > best:
                best, article = half, "LA-8"
    return best, article


def bonus_for(credits: int, bonus_used: int, regs: Regulations) -> int:
    """LA-5: extra credits on a pass, while the career-wide bonus of the first 60 acquired credits lasts.

    A student who has had 58 bonus credits and passes a 4-credit unit gets 2 extra (2x2 + 2 = 6 back).
    """
    remaining = max(0, regs.la_bonus_credits - bonus_used)
    return min(credits, remaining) * (regs.la_bonus_factor - 1)


def rebuild_credit(balance: int, regs: Regulations) -> int:
    """LA-12: growth of an account below 60 in one academic year: at most 10, never above 60 (44 -> 54 -> 60)."""
    if balance >= regs.la_rebuild_ceiling:
        return 0
    return min(regs.la_rebuild_per_year, regs.la_rebuild_ceiling - balance)


def is_first_master_degree(degree_kind: str, masters_before: int, register_master: bool) -> bool:
    """LA-11: only the first master's degree deducts 140; a second master's or any bachelor's deducts nothing."""
    return degree_kind == "master" and masters_before == 0 and not register_master


# ------------------------------------------------------------------------------------- whole ledger ----
@dataclass
class _Builder:
    movements: list[Movement] = field(default_factory=list)

    def add(self, **kwargs):
        if kwargs["credits"] != 0:
            self.movements.append(Movement(**kwargs))


def _holds_degree_before(degrees: tuple[DegreeFacts, ...], kinds: set[str], on: date) -> bool:
    return any(d.programme_kind in kinds and d.awarded_on <= on for d in degrees)


def expected_movements(facts: AccountFacts) -> list[Movement]:
    """LA-1 .. LA-12, LA-15: every movement the recorded facts call for, in date order.

    - LA-1: the register's position opens the account; without it, 140 on the first enrolment. Movements
      dated on or before the register's date are already in its balance and are not repeated.
    - LA-2/LA-3: enrolments deduct the credits of the lines taken up at enrolment; later additions deduct
      on their own date. Exempted lines never count.
    - LA-6/LA-9: removals refund before the cut-off; LA-7/8/10: deregistrations as :func:`deregistration_refund`.
    - LA-4/LA-5: a credit certificate restores the credits on its publication date, doubled for the first
      60 credits acquired in bachelor diploma contracts (career-wide, in date order).
    - LA-11: the first master's degree deducts 140.
    - LA-12: at the start of every academic year, an account below 60 grows by at most 10 if the initial
      master's was obtained before, or if the previous academic year passed without enrolment or degree.
    """
    years = {y.code: y for y in sorted(facts.years, key=lambda y: y.starts_on)}
    contracts = sorted(facts.contracts, key=lambda c: (c.enrolled_on, c.key))
    register = facts.register
    out = _Builder()

    # LA-1: opening
    if register is not None:
        opened_on = register.as_of
        out.add(cause="opening", on=opened_on, kind="opening", credits=register.balance, article="LA-1",
                note="register")
    elif contracts:
        opened_on = contracts[0].enrolled_on
        first_regs = years[contracts[0].year].regs
        out.add(cause="opening", on=opened_on, kind="opening", credits=first_regs.la_initial_credits,
                article="LA-1")
    else:
        return []

    def after_opening(on: date) -> bool:
        return register is None or on > register.as_of

    restitutions: list[tuple[date, str, LineFacts, ContractFacts]] = []
    for c in contracts:
        year = years[c.year]
        regs = year.regs
        level = {"bachelor": {"bachelor", "master"}, "master": {"master"}}.get(c.programme_kind, set())
        holds = _holds_degree_before(facts.degrees, level, c.enrolled_on)
        if not uses_account(c.kind, c.programme_kind, c.educational, holds):
            continue
        counted = [ln for ln in c.lines if not ln.exempted]
        at_enrolment = sum(ln.credits for ln in counted if ln.added_on <= c.enrolled_on)
        if after_opening(c.enrolled_on):
            out.add(cause=f"enrol:{c.key}", on=c.enrolled_on, kind="enrolment", credits=-at_enrolment,
                    year=c.year, article="LA-3")
        for ln in counted:
            if ln.added_on > c.enrolled_on and after_opening(ln.added_on):
                out.add(cause=f"add:{ln.key}", on=ln.added_on, kind="addition", credits=-ln.credits,
                        year=c.year, unit=ln.unit_code, article="LA-3")
            refunded = False
            if ln.removed_on is not None and (c.deregistered_on is None or ln.removed_on <= c.deregistered_on):
                if ln.certificate_on is None and removal_refunds(
                    ln.semester, ln.removed_on, year.starts_on, c.kind, regs, ln.limit_date
                ):
                    refunded = True
                    if after_opening(ln.removed_on):
                        out.add(cause=f"refund:{ln.key}", on=ln.removed_on, kind="refund", credits=ln.credits,
                                year=c.year, unit=ln.unit_code, article="LA-6")
            elif c.deregistered_on is not None:
                credits, article = deregistration_refund(ln, c, year)
                if credits:
                    refunded = True
                    if after_opening(c.deregistered_on):
                        out.add(cause=f"refund:{ln.key}", on=c.deregistered_on, kind="refund", credits=credits,
                                year=c.year, unit=ln.unit_code, article=article,
                                note=c.deregistration_reason)
            if not refunded and ln.certificate_on is not None:
                restitutions.append((ln.certificate_on, ln.unit_code, ln, c))

    # LA-4 / LA-5: restitutions in date order, the bonus running career-wide.
    bonus_used = register.bonus_used if register is not None else 0
    for on, _code, ln, c in sorted(restitutions, key=lambda r: (r[0], r[1], r[2].key)):
        regs = years[c.year].regs
        if not after_opening(on):
            continue  # already in the register's balance and bonus count
        bonus = 0
        if c.kind == "diploma" and c.programme_kind == "bachelor":
            bonus = bonus_for(ln.credits, bonus_used, regs)
            bonus_used += min(ln.credits, max(0, regs.la_bonus_credits - bonus_used))
        out.add(cause=f"restore:{ln.key}", on=on, kind="restitution", credits=ln.credits, year=c.year,
                unit=ln.unit_code, article="LA-4")
        out.add(cause=f"bonus:{ln.key}", on=on, kind="bonus", credits=bonus, year=c.year, unit=ln.unit_code,
                article="LA-5")

    # LA-11: the first master's degree.
    masters = 0
    master_on: date | None = register.as_of if register is not None and register.master_obtained else None
    # A register opening may arrive before any academic year is on record (LA-1): then the default preset.
    any_regs = next(iter(years.values())).regs if years else get_regulations(DEFAULT_CODE)
    for d in sorted(facts.degrees, key=lambda d: (d.awarded_on, d.key)):
        if is_first_master_degree(d.programme_kind, masters, register is not None and register.master_obtained):
            if after_opening(d.awarded_on):
                out.add(cause=f"degree:{d.key}", on=d.awarded_on, kind="degree",
                        credits=-any_regs.la_master_degree_deduction, article="LA-11")
            master_on = d.awarded_on
        if d.programme_kind == "master":
            masters += 1

    # LA-12: rebuild, one academic year at a time.
    ordered = list(years.values())
    contract_years = {c.year for c in contracts}
    for i, y in enumerate(ordered):
        if y.starts_on <= opened_on:
            continue
        master_trigger = master_on is not None and master_on < y.starts_on
        idle_trigger = False
        if i > 0:
            prev = ordered[i - 1]
            idle_trigger = (
                prev.starts_on > opened_on
                and prev.code not in contract_years
                and not any(prev.starts_on <= d.awarded_on <= prev.ends_on for d in facts.degrees)
            )
        if not (master_trigger or idle_trigger):
            continue
        # The balance before this year's own enrolments (which may be dated in the summer before it starts).
        balance = sum(m.credits for m in out.movements if m.on < y.starts_on and m.year != y.code)
        credit = rebuild_credit(balance, y.regs)
        out.add(cause=f"rebuild:{y.code}", on=y.starts_on, kind="rebuild", credits=credit, year=y.code,
                article="LA-12",
                note="after the initial master's degree" if master_trigger else "a year without enrolment")

    return sorted(out.movements, key=movement_order)


def movement_order(m) -> tuple:
    """Statements list movements by date; on one day the opening comes first and corrections last."""
    return (m.on, _KIND_ORDER.get(m.kind, 9), m.cause, getattr(m, "revision", 0))


_KIND_ORDER = {"opening": 0, "rebuild": 1, "enrolment": 2, "addition": 3, "refund": 4, "restitution": 5,
               "bonus": 6, "degree": 7, "correction": 8}


# ----------------------------------------------------------------------------------------- reconcile ----
@dataclass(frozen=True)
class StoredMovement:
    cause: str
    revision: int
    on: date
    kind: str
    credits: int


@dataclass(frozen=True)
class NewMovement:
    cause: str
    revision: int
    on: date
    kind: str
    credits: int
    year: str | None
    unit: str | None
    article: str
    note: str


def reconcile(expected: list[Movement], stored: list[StoredMovement]) -> list[NewMovement]:
    """LA-15: the rows to append so that the stored ledger says what the facts say. Nothing is edited.

    Per cause: nothing stored yet -> the movement itself. Stored but different -> a correction: when only the
    amount changed, one row with the difference on the same date; when the date changed (or the cause no
    longer holds), a row reversing what was stored, dated like it, and the expected movement on its own date.
    Staff corrections (``manual:`` causes, LA-13) are left alone. Reconciling the result again gives ``[]``.
    """
    by_cause: dict[str, list[StoredMovement]] = defaultdict(list)
    for s in stored:
        if not s.cause.startswith(MANUAL_CAUSE_PREFIX):
            by_cause[s.cause].append(s)
    wanted = {m.cause: m for m in expected}
    rows: list[NewMovement] = []
    for cause in sorted(set(wanted) | set(by_cause)):
        want = wanted.get(cause)
        have = sorted(by_cause.get(cause, []), key=lambda s: s.revision)
        net = sum(s.credits for s in have)
        revision = (have[-1].revision + 1) if have else 0
        if not have:
            if want is not None:
                rows.append(_new(want, revision, want.kind))
            continue
        per_day: dict[date, int] = defaultdict(int)
        for s in have:
            per_day[s.on] += s.credits
        days = {d for d, v in per_day.items() if v}
        if want is not None and days <= {want.on}:
            diff = want.credits - net
            if diff:
                rows.append(NewMovement(cause, revision, want.on, "correction", diff, want.year, want.unit,
                                        want.article, f"correction of {cause}"))
            continue
        for d in sorted(days):
            rows.append(NewMovement(cause, revision, d, "correction", -per_day[d], None, None, "LA-15",
                                    f"reversal of {cause}"))
            revision += 1
        if want is not None:
            rows.append(_new(want, revision, want.kind))
    return rows


def _new(m: Movement, revision: int, kind: str) -> NewMovement:
    return NewMovement(m.cause, revision, m.on, kind, m.credits, m.year, m.unit, m.article, m.note)


def balance_on(movements, as_of: date) -> int:
    """LA-15: the balance at the end of ``as_of`` is the sum of the movements dated up to that day."""
    return sum(m.credits for m in movements if m.on <= as_of)


def day_after(d: date) -> date:
    return d + timedelta(days=1)


# ------------------------------------------------------------------------------------- deadline sweeps ----
def refund_cutoffs_between(start: date, end: date, year_starts_on: date, regs: Regulations
                           ) -> list[tuple[int, date]]:
    """LA-6/LA-7: the refund cut-offs of a year (1 December, 15 March) that fall in [``start``, ``end``], as
    (semester, cut-off); none under a policy of per-period limit dates (PXL)."""
    if regs.refund_cutoff_policy != RefundCutoffPolicy.FIXED_DATES:
        return []
    return [(s, refund_cutoff(s, year_starts_on, regs)) for s in (1, 2)
            if start <= refund_cutoff(s, year_starts_on, regs) <= end]


def rebuild_due(as_of: date, year_starts_on: date) -> bool:
    """LA-12: the yearly rebuild of an academic year is due from its first day (the rebuild movement is dated
    that day, :func:`expected_movements`)."""
    return as_of >= year_starts_on
