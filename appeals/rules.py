"""Internal appeals (rules.md section 7; UH 19-20) as pure functions: dates come in, no clock, no ORM.

The holidays are a plain set of dates; the shell passes ``config.calendar.holidays_around(day)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

from config.calendar import next_working_day_from

APPEAL_DAYS = 7  # AP-2 / UH 19.3.2: seven calendar days


def lodge_by(notified_on: date, holidays: frozenset[date], days: int = APPEAL_DAYS) -> date:
    """AP-2 (UH 19.3.2): the last day to lodge an internal appeal.

    The seven calendar days start the day after the proclamation (exam decisions) or the notification (other
    study-progress decisions): day 1 is ``notified_on`` + 1, the last day ``notified_on`` + 7. When that
    seventh day is a Saturday, Sunday or Belgian statutory public holiday, the period runs to the next working
    day. The text says "the next working day on which the postal services are open"; we take every weekday
    that is not a public holiday as such a day, which never shortens the window.
    """
    return next_working_day_from(notified_on + timedelta(days=days), holidays)


DECISION_DAYS = 20  # AP-7 / UH 19.4.3-5: twenty calendar days


def decide_by(received_on: date, days: int = DECISION_DAYS) -> date:
    """AP-7 (UH 19.4.3-5): the last day for the appeals committee's decision (or the notice of
    inadmissibility): twenty calendar days from the day after receipt, so day 20 is ``received_on`` + 20.
    The article gives no weekend extension for the committee's own deadline."""
    return received_on + timedelta(days=days)


def in_time(postmarked_on: date, last_day: date) -> bool:
    """AP-3 (UH 19.3.3): the postmark is the appeal's date; it is in time on or before the last day of AP-2."""
    return postmarked_on <= last_day


# ---------------------------------------------------------------------------------------------------------------
# The appeal's file as a state machine (UH 19.3-19.4). The values equal appeals.models.AppealStatus.

RECEIVED, ADMISSIBLE, INADMISSIBLE = "received", "admissible", "inadmissible"
HEARING_PLANNED, HEARD, DECIDED = "hearing_planned", "heard", "decided"
STATES = (RECEIVED, ADMISSIBLE, INADMISSIBLE, HEARING_PLANNED, HEARD, DECIDED)


def state_words() -> dict[str, str]:
    """The states in words, translated when asked (``gettext``)."""
    return {RECEIVED: _("received"), ADMISSIBLE: _("checked and admissible"),
            INADMISSIBLE: _("checked and inadmissible"), HEARING_PLANNED: _("with a hearing planned"),
            HEARD: _("heard"), DECIDED: _("decided")}


class IllegalAppealTransition(ValueError):
    """An appeal status change that TRANSITIONS does not allow."""


#: UH 19.3-19.4 in order: received by the secretary -> admissibility checked (AP-3) -> with the committee (a
#: hearing planned, heard; UH 19.4.2) -> decided (AP-7). The committee decides on admissibility and merits
#: (UH 19.4.2): the secretary's checklist may be corrected by a new check before the committee takes the file
#: up (admissible <-> inadmissible), and the committee may hear the student on an appeal the checklist found
#: inadmissible (in the student's favour: the checklist prepares, it does not decide). A hearing may be planned
#: again (the student asked for another date, or was not duly invited), and after a hearing a further one may be
#: planned. A decided appeal is final; a second appeal on the same decision is a new, inadmissible appeal
#: (UH 19.3.4).
TRANSITIONS: dict[str, frozenset[str]] = {
    RECEIVED: frozenset({ADMISSIBLE, INADMISSIBLE}),
    ADMISSIBLE: frozenset({INADMISSIBLE, HEARING_PLANNED, DECIDED}),
    INADMISSIBLE: frozenset({ADMISSIBLE, HEARING_PLANNED, DECIDED}),
    HEARING_PLANNED: frozenset({HEARING_PLANNED, HEARD}),
    HEARD: frozenset({HEARING_PLANNED, DECIDED}),
    DECIDED: frozenset(),
}


def next_appeal_state(current: str, target: str) -> str:
    """UH 19.3-19.4: ``target`` if an appeal may move there from ``current``, else
    :class:`IllegalAppealTransition` (a hearing before the admissibility check, anything after the decision)."""
    if target not in TRANSITIONS.get(current, frozenset()):
        words = state_words()
        raise IllegalAppealTransition(_("An appeal that is %(current)s cannot become %(target)s.") % {
            "current": words.get(current, current), "target": words.get(target, target)})
    return target


# ---------------------------------------------------------------------------------------------------------------
# AP-3 / AP-4: the admissibility checklist

NAME, ADDRESS, SIGNATURE, DECISION_IDENTIFIED = "name", "address", "signature", "decision_identified"
ARGUMENTS, IN_TIME, NOT_APPEALED_BEFORE = "arguments", "in_time", "not_appealed_before"
#: UH 19.3.4, in the order of the article: what the registered letter must contain, on pain of inadmissibility,
#: then the date (UH 19.3.2, AP-2) and the earlier appeal (UH 19.3.4, last paragraph).
POINTS = (NAME, ADDRESS, SIGNATURE, DECISION_IDENTIFIED, ARGUMENTS, IN_TIME, NOT_APPEALED_BEFORE)
#: The points the shell computes from the recorded facts; the others the secretary reads in the letter.
COMPUTED_POINTS = frozenset({IN_TIME, NOT_APPEALED_BEFORE})

OUTCOME_ADMISSIBLE, OUTCOME_INADMISSIBLE, OUTCOME_PENDING = "admissible", "inadmissible", "pending"


def admissibility_outcome(points: dict[str, bool | None], *, conservatory: bool,
                          arguments_received: bool) -> str:
    """AP-3 (UH 19.3.4) and AP-4 (UH 19.3.5): the outcome of the checklist.

    Admissible when every point of :data:`POINTS` holds, inadmissible when one fails. A conservatory appeal
    (AP-4) whose arguments have not come yet stays ``pending`` whatever the other points say: the article lets the
    student complete the appeal once he has had the inspection and explanation, and deciding before that would
    cut that short (the reading in the student's favour). A point not answered (``None``) also leaves the
    outcome pending.
    """
    missing = [p for p in POINTS if p not in points]
    if missing:
        raise ValueError(f"the checklist lacks {', '.join(missing)}")
    if conservatory and not arguments_received:
        return OUTCOME_PENDING
    if any(points[p] is None for p in POINTS):
        return OUTCOME_PENDING
    return OUTCOME_ADMISSIBLE if all(points[p] for p in POINTS) else OUTCOME_INADMISSIBLE


def earlier_decided_appeals(postmarked_on: date, others: list[tuple[str, date | None]]) -> list[str]:
    """AP-3 (UH 19.3.1, 19.3.4 last paragraph): the other appeals against the same study-progress decision that
    make this one inadmissible, as ``(reference, decided_on)`` pairs in, references out.

    Only an appeal "in which a decision has already been made as to its admissibility or merits" before this one
    was lodged ("prior to its submission") counts: one still pending, or decided on the day of this appeal's
    postmark or later, does not; and the secretary's checklist is no such decision (the committee decides on
    admissibility, UH 19.4.2) — each reading in the student's favour.
    """
    return sorted(ref for ref, decided_on in others if decided_on is not None and decided_on < postmarked_on)


def days_left(due: date, today: date) -> int:
    """How many calendar days remain until ``due`` (0 on the day itself, negative once past)."""
    return (due - today).days


# --- Ombudspersons (rules.md section 8, OM-1 .. OM-3; UH 21, 10.5, 14.1.4, 18.2.1) -------------------------------
# Plain values in, plain values out: user and programme ids, dates, status words. The shell loads the facts.

OMBUDS_PRINCIPAL, OMBUDS_DEPUTY, OMBUDS_CENTRAL = "principal", "deputy", "central"
#: Who handles a file when nobody else can: UH 21.2.4 "a person designated by the dean".
OMBUDS_DEAN = "dean"


@dataclass(frozen=True)
class ProgrammeOmbuds:
    """The ombudspersons of one programme on a day: the principal(s) and their deputy or deputies."""

    principals: frozenset[int] = frozenset()
    deputies: frozenset[int] = frozenset()


@dataclass(frozen=True)
class CoverageWarning:
    """OM-1: a gap in the appointments, shown to the student administration; never blocks anything.

    ``kind``: ``no_principal``, ``no_deputy``, ``deputy_is_principal`` (per programme) or ``no_central``
    (``programme_id`` None)."""

    kind: str
    programme_id: int | None = None


def om1_coverage_warnings(programmes: Mapping[int, ProgrammeOmbuds],
                          central: frozenset[int]) -> list[CoverageWarning]:
    """OM-1 (UH 21.1.1-2): at least one ombudsperson per programme, a deputy for each, and a central
    ombudsperson appointed by the rector.

    The article appoints "a deputy for each ombudsperson"; we ask for at least one deputy per programme who is
    not also its principal (a deputy who is the principal cannot take over when she stands aside, UH 21.2.4).
    These are warnings: an appointment is never refused because another one is missing.
    """
    warnings = []
    for programme_id, people in programmes.items():
        if not people.principals:
            warnings.append(CoverageWarning("no_principal", programme_id))
        if not people.deputies - people.principals:
            warnings.append(CoverageWarning("no_deputy", programme_id))
        if people.deputies & people.principals:
            warnings.append(CoverageWarning("deputy_is_principal", programme_id))
    if not central:
        warnings.append(CoverageWarning("no_central"))
    return warnings


def om2_standing_aside(declared: Iterable[int], tied: Iterable[int], other_party: int | None = None) -> frozenset[int]:
    """OM-2 (UH 21.2.4): the ombudspersons who do not act on a file.

    ``declared``: those who recorded that they stand aside (involved, or related to a party); ``tied``: those
    with a declared family (third degree) or cohabitation tie with the student (EC-4's declaration counts here
    without a second declaration); ``other_party``: the staff member the student's dispute is with, who is
    involved by definition.
    """
    aside = set(declared) | set(tied)
    if other_party is not None:
        aside.add(other_party)
    return frozenset(aside)


@dataclass(frozen=True)
class Handling:
    """Who handles a file and in which capacity: ``{user_id: "principal" | "deputy" | "central"}``.

    ``level`` is the highest capacity that acts (``principal``, ``deputy``, ``central``), or ``dean`` when
    nobody can: the dean designates someone (UH 21.2.4)."""

    handlers: Mapping[int, str]
    level: str

    def handles(self, user_id: int) -> bool:
        return user_id in self.handlers


def om2_who_handles(programmes: Mapping[int, ProgrammeOmbuds], central: frozenset[int],
                    standing_aside: frozenset[int], central_first: bool = False) -> Handling:
    """OM-2 (UH 21.2.4-5): who handles a file (appeal, irregularity or mediation case).

    Per programme of the file: its principal ombudsperson(s), unless she stands aside; then its deputy (or
    deputies); a file of several programmes (an appeal of a student in two programmes) is handled by the
    ombudsperson of each, so no programme loses sight of it. When no programme ombudsperson can act (all stand
    aside, or none is appointed), the central ombudsperson takes it; when she stands aside too, nobody here
    does and the dean designates someone. A case the student brought to the central ombudsperson (UH 21.2.5,
    ``central_first``) is hers, and falls back to the programme's ombudspersons only when she stands aside.
    """
    def programme_level() -> dict[int, str]:
        found: dict[int, str] = {}
        for people in programmes.values():
            acting = people.principals - standing_aside
            capacity = OMBUDS_PRINCIPAL
            if not acting:
                acting, capacity = people.deputies - standing_aside, OMBUDS_DEPUTY
            for user_id in acting:
                if found.get(user_id) != OMBUDS_PRINCIPAL:
                    found[user_id] = capacity
        return found

    central_acting = {user_id: OMBUDS_CENTRAL for user_id in central - standing_aside}
    order = (central_acting, programme_level()) if central_first else (programme_level(), central_acting)
    for found in order:
        if found:
            level = (OMBUDS_PRINCIPAL if OMBUDS_PRINCIPAL in found.values() else
                     OMBUDS_DEPUTY if OMBUDS_DEPUTY in found.values() else OMBUDS_CENTRAL)
            return Handling(found, level)
    return Handling({}, OMBUDS_DEAN)


@dataclass(frozen=True)
class ContractFact:
    """A study contract of a student: its programme and the dates of its academic year."""

    programme_id: int
    academic_year_id: int
    year_starts_on: date
    year_ends_on: date


def om2_appeal_programmes(notified_on: date, contracts: Sequence[ContractFact],
                          contested_programme_ids: Iterable[int | None] = (),
                          contested_year_ids: Iterable[int | None] = ()) -> frozenset[int]:
    """UH 21.2.3 / 21.2 "the ombudsperson for the programme": the programmes whose ombudspersons see an appeal.

    The appeal's academic year is the year of the contested decision (when the appeal names a recorded one:
    a proclaimed decision, an irregularity file) and the year whose dates hold the day of the proclamation or
    notification; the programmes are those of the student's contracts in those years, plus the programmes the
    contested decision itself belongs to (``None`` values are ignored). Where that
    leaves doubt we show the file rather than hide it (in the student's favour: an ombudsperson who sees the
    file can help): a notification between two academic years counts the latest year that started before it;
    a student without any contract in those years counts every programme she ever had a contract in.
    """
    years = {c.academic_year_id for c in contracts if c.year_starts_on <= notified_on <= c.year_ends_on}
    years |= {y for y in contested_year_ids if y is not None}
    found = {c.programme_id for c in contracts if c.academic_year_id in years}
    if not found:
        started = [c for c in contracts if c.year_starts_on <= notified_on]
        if started:
            latest = max(c.year_starts_on for c in started)
            found = {c.programme_id for c in started if c.year_starts_on == latest}
        else:
            found = {c.programme_id for c in contracts}
    return frozenset(found | {p for p in contested_programme_ids if p is not None})


# Mediation cases (OM-2, UH 21.2.1-3): a state machine as data.
MEDIATION_OPEN, MEDIATION_MEDIATING, MEDIATION_CLOSED = "open", "mediating", "closed"
MEDIATION_TRANSITIONS: Mapping[str, frozenset[str]] = {
    "": frozenset({MEDIATION_OPEN}),
    MEDIATION_OPEN: frozenset({MEDIATION_MEDIATING, MEDIATION_CLOSED}),
    MEDIATION_MEDIATING: frozenset({MEDIATION_CLOSED}),
    # A dispute that flares up again is reopened, never a new case: the notes stay together.
    MEDIATION_CLOSED: frozenset({MEDIATION_MEDIATING}),
}
MEDIATION_OUTCOMES = frozenset({"resolved", "not_resolved", "referred"})


class MediationMoveRefused(ValueError):
    """A move of a mediation case the rules do not allow; the message is in plain words."""


def om2_next_mediation_state(current: str, target: str) -> str:
    """OM-2 (UH 21.2.1): a mediation case is opened, mediated, closed with an outcome, and may be reopened.
    Returns ``target`` or raises :class:`MediationMoveRefused`."""
    if target not in MEDIATION_TRANSITIONS.get(current, frozenset()):
        raise MediationMoveRefused(
            _("A mediation case that is %(current)s cannot be moved to %(target)s.")
            % {"current": current or _("new"), "target": target})
    return target


def om2_close_problems(opened_on: date, closed_on: date | None, outcome: str, today: date) -> list[str]:
    """OM-2: closing a case needs its outcome (resolved, not resolved, referred) and a closing day between the
    opening and today. Returns the problems in plain words (empty: it may close)."""
    problems = []
    if outcome not in MEDIATION_OUTCOMES:
        problems.append(_("Choose the outcome: resolved, not resolved or referred."))
    if closed_on is None:
        problems.append(_("Give the day the case was closed."))
    elif closed_on < opened_on:
        problems.append(_("A case cannot close (%(closed)s) before it was opened (%(opened)s).")
                        % {"closed": closed_on.isoformat(), "opened": opened_on.isoformat()})
    elif closed_on > today:
        problems.append(_("The closing day %(closed)s lies after today.") % {"closed": closed_on.isoformat()})
    return problems


OMBUDS_ORAL_EXAM_NOTICE_DAYS = 7  # OM-3 / UH 14.1.4: the request reaches the chair 7 calendar days before


def om3_oral_exam_request_in_time(requested_on: date, exam_on: date,
                                  days: int = OMBUDS_ORAL_EXAM_NOTICE_DAYS) -> bool:
    """OM-3 (UH 12.5.1): a student may ask that an ombudsperson attend an oral exam, by a request to the chair
    of the examination committee "no later than seven calendar days prior to the exam": on or before
    ``exam_on`` - 7. The text sets no later limit in working days, so weekends count as any day."""
    return requested_on <= exam_on - timedelta(days=days)


# --- The appeals committee (rules.md section 7: AP-5 .. AP-8; UH 19.1, 19.4) ------------------------------------
# Plain values in, plain values out: seats, presences, ballots, dates and times, the regulations' numbers
# (config.regulations.AppealsCommitteeRules). Findings are plain words; the services refuse with them.

from datetime import UTC, datetime  # noqa: E402

from config.regulations import AppealsCommitteeRules  # noqa: E402

POOL_CHAIR, POOL_MEMBER, POOL_SECRETARY = "chair", "member", "secretary"
#: AP-5 / UH 19.1.2: the chair and the pool's members vote; the secretary does not.
POOL_VOTING_ROLES = frozenset({POOL_CHAIR, POOL_MEMBER})


@dataclass(frozen=True)
class CommitteeFinding:
    """A finding about the appeals committee in plain words; ``blocking`` False for a note that warns only."""

    text: str
    blocking: bool = True

    def __str__(self):
        return self.text


@dataclass(frozen=True)
class PoolSeat:
    """A seat in the appeals committee's pool (AP-5) for a term: ``until`` None runs until further notice."""

    seat_id: int
    person_id: int
    name: str
    role: str
    since: date
    until: date | None = None
    external: bool = False
    born_on: date | None = None

    @property
    def votes(self) -> bool:
        return self.role in POOL_VOTING_ROLES

    def active_on(self, day: date) -> bool:
        return self.since <= day and (self.until is None or day <= self.until)

    def overlaps(self, other: PoolSeat) -> bool:
        return (self.since <= (other.until or date.max)) and (other.since <= (self.until or date.max))


def _cday(day: date) -> str:
    return day.isoformat()


def ap5_pool_problems(seats: Iterable[PoolSeat], on: date, rules: AppealsCommitteeRules) -> list[CommitteeFinding]:
    """AP-5 (UH 19.1.1-2): the pool of the internal appeals committee.

    Blocking, at any day of the terms on record: a term that ends before it starts; one person in two seats at
    once; two chairs at once; a chair who is not an external legal expert; more voting members than the pool's
    18. We read "a pool of 18 voting members ... and one external legal expert who will chair the committee"
    as rules.md AP-5 does: 18 members besides the chair (the chair votes too, and holds the casting vote).

    Warnings, about the day ``on``: no chair (the oldest sitting member then deputises at every session), no
    secretary or more than one, too few voting members for a quorum, and voting members whose date of birth is
    not recorded (the oldest sitting member deputises for the chair, UH 19.1.2).
    """
    seats = list(seats)
    problems: list[CommitteeFinding] = []
    for s in seats:
        if s.until is not None and s.until < s.since:
            problems.append(CommitteeFinding(_("The term of %(name)s ends on %(until)s, before it starts on %(since)s.")
                                             % {"name": s.name, "until": _cday(s.until), "since": _cday(s.since)}))
    valid = [s for s in seats if s.until is None or s.until >= s.since]
    for i, a in enumerate(valid):
        for b in valid[i + 1:]:
            if not a.overlaps(b):
                continue
            start = _cday(max(a.since, b.since))
            if a.person_id == b.person_id:
                problems.append(CommitteeFinding(
                    _("%(name)s would hold two seats in the pool at once (from %(date)s): one person, one seat "
                      "(UH 19.1.2).") % {"name": a.name, "date": start}))
            elif a.role == POOL_CHAIR and b.role == POOL_CHAIR:
                problems.append(CommitteeFinding(
                    _("%(a)s and %(b)s would both chair the committee from %(date)s; it has one chair (UH 19.1.2).")
                    % {"a": a.name, "b": b.name, "date": start}))
    for s in valid:
        if s.role == POOL_CHAIR and not s.external:
            problems.append(CommitteeFinding(
                _("%(name)s chairs the committee but is not recorded as an external legal expert: the chair is one "
                  "(UH 19.1.2).") % {"name": s.name}))
    members = [s for s in valid if s.role == POOL_MEMBER]
    worst_day, worst = None, 0
    for day in sorted({s.since for s in members}):
        n = sum(1 for s in members if s.active_on(day))
        if n > worst:
            worst_day, worst = day, n
    if worst > rules.max_voting_members:
        problems.append(CommitteeFinding(
            _("On %(date)s the pool would have %(n)d voting members besides the chair; it has at most %(max)d "
              "(UH 19.1.2).") % {"date": _cday(worst_day), "n": worst, "max": rules.max_voting_members}))

    active = [s for s in valid if s.active_on(on)]
    if not any(s.role == POOL_CHAIR for s in active):
        problems.append(CommitteeFinding(
            _("On %(date)s the committee has no chair: the oldest sitting member deputises at every session "
              "(UH 19.1.2).") % {"date": _cday(on)}, blocking=False))
    secretaries = [s for s in active if s.role == POOL_SECRETARY]
    if not secretaries:
        problems.append(CommitteeFinding(
            _("On %(date)s the committee has no secretary to keep its files (UH 19.1.2, 19.4.1).")
            % {"date": _cday(on)}, blocking=False))
    elif len(secretaries) > 1:
        problems.append(CommitteeFinding(
            _("On %(date)s the committee has %(n)d secretaries; the regulations name one (UH 19.1.2).")
            % {"date": _cday(on), "n": len(secretaries)}, blocking=False))
    voting = [s for s in active if s.role == POOL_MEMBER]
    if len(voting) < rules.quorum_voting_members:
        problems.append(CommitteeFinding(
            _("On %(date)s the pool has %(n)d voting members besides the chair; a session needs at least %(min)d "
              "(UH 19.1.2).") % {"date": _cday(on), "n": len(voting), "min": rules.quorum_voting_members},
            blocking=False))
    unknown = sorted(s.name for s in active if s.votes and s.born_on is None)
    if unknown:
        problems.append(CommitteeFinding(
            _("The date of birth of %(names)s is not recorded: the oldest sitting member deputises for an absent "
              "chair (UH 19.1.2).") % {"names": ", ".join(unknown)}, blocking=False))
    return problems


def ap5_new_seat_problems(existing: Iterable[PoolSeat], new: PoolSeat,
                          rules: AppealsCommitteeRules) -> list[CommitteeFinding]:
    """AP-5 (UH 19.1.2): what a new seat (or a changed term) would break: the blocking problems of the pool with
    it that the pool without it does not have. An incomplete pool (no chair yet) never blocks a seat."""
    existing = [s for s in existing if s.seat_id != new.seat_id]
    on = new.since
    before = {p.text for p in ap5_pool_problems(existing, on, rules) if p.blocking}
    return [p for p in ap5_pool_problems([*existing, new], on, rules) if p.blocking and p.text not in before]


EXAM_COMMITTEE, TIE = "exam_committee", "tie"


@dataclass(frozen=True)
class Involvement:
    """A pool member the records show involved in an appeal (AP-5): the chair may exclude her."""

    seat_id: int
    kind: str
    text: str


def ap5_involvements(seats: Iterable[PoolSeat], exam_committee_people: Mapping[int, str],
                     tied_people: Iterable[int]) -> list[Involvement]:
    """AP-5 (UH 19.1.2): "the chair may exclude himself or members from handling an appeal if they are involved".

    The records show two kinds of involvement: a seat on the examination committee that took the contested
    decision (``exam_committee_people``: person id -> the programme code) and a declared family or
    cohabitation tie with the student (EC-4, ``tied_people``). The chair decides; this only points them out.
    """
    tied = set(tied_people)
    found = []
    for s in seats:
        if s.person_id in exam_committee_people:
            found.append(Involvement(s.seat_id, EXAM_COMMITTEE, _(
                "%(name)s sat on the examination committee of %(programme)s that took the contested decision.")
                % {"name": s.name, "programme": exam_committee_people[s.person_id]}))
        if s.person_id in tied:
            found.append(Involvement(s.seat_id, TIE, _("%(name)s declared a family or cohabitation tie with the "
                                                       "student (EC-4).") % {"name": s.name}))
    return found


def ap5_sitting(seats: Iterable[PoolSeat], on: date, excluded_seat_ids: Iterable[int]) -> list[PoolSeat]:
    """AP-5 (UH 19.1.2): who sits on an appeal on a day: the seats active that day, less those the chair
    excluded from it. The secretary sits without a vote."""
    excluded = set(excluded_seat_ids)
    return [s for s in seats if s.active_on(on) and s.seat_id not in excluded]


@dataclass(frozen=True)
class SessionCheck:
    """Who presides a session of the appeals committee, whether it is a deputy, and the quorum (AP-5)."""

    presiding: PoolSeat | None
    deputy: bool
    voting_present: int
    needed: int
    problems: tuple[CommitteeFinding, ...] = ()

    @property
    def holds(self) -> bool:
        return self.presiding is not None and self.voting_present >= self.needed and not any(
            p.blocking for p in self.problems)

    @property
    def text(self) -> str:
        if self.presiding is None:
            return _("Nobody can preside: no quorum (UH 19.1.2).")
        who = (_("%(name)s presides as deputy chair, the oldest sitting member present")
               if self.deputy else _("%(name)s presides")) % {"name": self.presiding.name}
        return _("%(who)s; %(n)d voting members present besides, at least %(min)d needed (UH 19.1.2).") % {
            "who": who, "n": self.voting_present, "min": self.needed}


def ap5_session_check(present: Iterable[PoolSeat], rules: AppealsCommitteeRules) -> SessionCheck:
    """AP-5 (UH 19.1.2): "If the chair is not available, the oldest sitting committee member will act as deputy
    chair"; the committee "may only validly deliberate and take decisions if at least two voting members and
    the chair or his/her deputy are present".

    ``present``: the sitting members (not excluded) present at the session. The chair presides when present;
    otherwise the oldest present voting member deputises. The article does not say what happens on an equal
    date of birth; we take the longest-serving of them (earliest seat), then the name, and say so on the page.
    A present voting member whose date of birth is unknown makes the deputy unknown: that blocks.
    The deputy is not counted among the "two voting members".
    """
    present = [s for s in present if s.votes]
    problems: list[CommitteeFinding] = []
    chair = next((s for s in present if s.role == POOL_CHAIR), None)
    deputy = False
    if chair is None and present:
        unknown = sorted(s.name for s in present if s.born_on is None)
        if unknown:
            problems.append(CommitteeFinding(
                _("The chair is absent and the date of birth of %(names)s is not recorded: the oldest sitting member "
                  "deputises (UH 19.1.2), so record it first.") % {"names": ", ".join(unknown)}))
        else:
            chair = min(present, key=lambda s: (s.born_on, s.since, s.name))
            deputy = True
            same = [s.name for s in present if s.born_on == chair.born_on and s is not chair]
            if same:
                problems.append(CommitteeFinding(
                    _("%(a)s and %(b)s share the oldest date of birth; %(a)s, the longest-serving, deputises.")
                    % {"a": chair.name, "b": ", ".join(same)}, blocking=False))
    others = sum(1 for s in present if s is not chair)
    if chair is None and not problems:
        problems.append(CommitteeFinding(_("No chair and no voting member is present (UH 19.1.2).")))
    elif others < rules.quorum_voting_members:
        problems.append(CommitteeFinding(
            _("%(n)d voting members are present besides the one presiding; the committee deliberates validly with at "
              "least %(min)d (UH 19.1.2).") % {"n": others, "min": rules.quorum_voting_members}))
    return SessionCheck(chair, deputy, others, rules.quorum_voting_members, tuple(problems))


# --- AP-6: the hearing


def _ctime(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def ap6_invitation_problem(sent_at: datetime, hearing_at: datetime, rules: AppealsCommitteeRules) -> str | None:
    """AP-6 (UH 19.4.2): "The student will be invited by email at least 24 hours before the session at which
    he/she will be heard." The invitation sent at ``sent_at`` for a hearing at ``hearing_at`` (both in the
    institution's time zone): exactly 24 hours is in time, a minute less is not. Returns the refusal with the
    times named, or None."""
    hours = timedelta(hours=rules.invitation_hours)
    if hearing_at.tzinfo is not None:
        # Elapsed time, not the clock on the wall: across a change to or from summer time 24 hours stay 24 hours.
        zone = hearing_at.tzinfo
        latest = (hearing_at.astimezone(UTC) - hours).astimezone(zone)
        earliest = (sent_at.astimezone(UTC) + hours).astimezone(zone)
    else:
        latest, earliest = hearing_at - hours, sent_at + hours
    if sent_at <= latest:
        return None
    return _("An invitation sent now (%(sent)s) comes less than %(hours)d hours before the hearing on %(hearing)s "
             "(UH 19.4.2): it should have been sent by %(latest)s. Plan the hearing on or after %(earliest)s.") % {
        "sent": _ctime(sent_at), "hours": rules.invitation_hours, "hearing": _ctime(hearing_at),
        "latest": _ctime(latest), "earliest": _ctime(earliest)}


def ap6_representation_problems(student_present: bool, representative: str, lawyer: bool,
                                written_authority: bool) -> list[str]:
    """AP-6 (UH 19.4.2): "The student may be assisted or replaced by a person of his/her choice. If the student
    him-/herself is not present at the hearing and is replaced by a representative, this representative must be
    authorised in writing by the student, unless the representative is a lawyer." Someone who assists a student
    who is present needs no authority."""
    representative = representative.strip()
    if not representative:
        if lawyer or written_authority:
            return [_("Name the person who assisted or represented the student.")]
        return []
    if not student_present and not lawyer and not written_authority:
        return [_("%(name)s replaced the student without written authority: a representative who is not a lawyer "
                  "needs the student's written authority (UH 19.4.2). Record the authority, or record the student "
                  "as not represented.") % {"name": representative}]
    return []


def ap6_absence_finding(hear_student: bool, duly_invited: bool, student_present: bool,
                        represented: bool) -> CommitteeFinding | None:
    """AP-6 (UH 19.4.2): "If the student has been duly invited, but does not appear for the hearing, the
    committee may validly deliberate in the absence of the student." Not duly invited and absent, the committee
    hears him another day (blocking); duly invited and absent, a note that it may proceed."""
    if not hear_student or student_present or represented:
        return None
    if duly_invited:
        return CommitteeFinding(_("The student, duly invited, did not appear: the committee may deliberate in his "
                                  "or her absence (UH 19.4.2)."), blocking=False)
    return CommitteeFinding(_("The student was not duly invited and did not appear: plan a new hearing with an "
                              "invitation at least 24 hours before it (UH 19.4.2)."))


# --- AP-7: the vote and the outcome

VOTE_FOR, VOTE_AGAINST, VOTE_ABSTAIN = "for", "against", "abstain"
INADMISSIBLE_OUTCOME, UNFOUNDED, NEW_DECISION = "inadmissible", "unfounded", "new_decision"


@dataclass(frozen=True)
class VoteResult:
    """The count of a motion: ``carried`` None while a tie awaits the chair's casting vote."""

    votes_for: int
    votes_against: int
    abstentions: int
    carried: bool | None
    by_casting_vote: bool = False

    @property
    def text(self) -> str:
        counts = _("%(for)d for, %(against)d against, %(abstain)d abstaining") % {
            "for": self.votes_for, "against": self.votes_against, "abstain": self.abstentions}
        if self.carried is None:
            return _("%(counts)s: a tie; the chair holds the casting vote (UH 19.4.4).") % {"counts": counts}
        if self.by_casting_vote:
            word = _("carried by the chair's casting vote") if self.carried else _(
                "rejected by the chair's casting vote")
        else:
            word = _("carried") if self.carried else _("rejected")
        return f"{counts}: {word}"


def ap7_vote_result(ballots: Mapping[int, str], presiding_id: int | None,
                    casting_vote: str | None = None) -> VoteResult:
    """AP-7 (UH 19.4.4): "The appeals committee will decide by a simple majority of votes. In the event of a
    tied vote, the chair will hold the casting vote."

    ``ballots``: seat id -> for / against / abstain, of the sitting voting members present. A simple majority
    of the votes cast: more for than against carries, more against rejects; abstentions are not votes cast. On a
    tie the vote of the one presiding (the chair, or the deputy who stands in for him) decides; when he abstained
    or did not vote, ``casting_vote`` (for / against) is the casting vote he gives, and without it the motion
    awaits it (``carried`` None). A casting vote other than his own vote cast does not count.
    """
    votes = list(ballots.values())
    unknown = [v for v in votes if v not in (VOTE_FOR, VOTE_AGAINST, VOTE_ABSTAIN)]
    if unknown:
        raise ValueError(f"unknown votes: {unknown}")
    n_for, n_against = votes.count(VOTE_FOR), votes.count(VOTE_AGAINST)
    n_abstain = votes.count(VOTE_ABSTAIN)
    if n_for != n_against:
        return VoteResult(n_for, n_against, n_abstain, n_for > n_against)
    own = ballots.get(presiding_id) if presiding_id is not None else None
    casting = own if own in (VOTE_FOR, VOTE_AGAINST) else casting_vote
    if casting not in (VOTE_FOR, VOTE_AGAINST):
        return VoteResult(n_for, n_against, n_abstain, None)
    return VoteResult(n_for, n_against, n_abstain, casting == VOTE_FOR, by_casting_vote=True)


def ap7_motion_problems(outcome: str, reasons: str, *, result_changes: int, new_decision_text: str,
                        recorded_decision: bool) -> list[str]:
    """AP-7 (UH 19.4.4): the outcome put to the vote. A rejection is "duly justified", on the grounds that the
    appeal is inadmissible or unfounded; otherwise the appeal body takes "a new study progress decision". The
    new decision says what it is: new results (only for an exam decision on record, ``recorded_decision``:
    they replace the contested proclamation through the results' own procedure) or the decision in words."""
    problems = []
    if outcome not in (INADMISSIBLE_OUTCOME, UNFOUNDED, NEW_DECISION):
        problems.append(_("Choose the outcome: inadmissible, unfounded, or a new study-progress decision."))
    if not reasons.strip():
        problems.append(_("State the reasons: the decision is duly justified (UH 19.4.4)."))
    if outcome == NEW_DECISION:
        if result_changes and not recorded_decision:
            problems.append(_("New results replace a proclaimed exam decision on record; this appeal names none. "
                              "Describe the new decision in words."))
        if not result_changes and not new_decision_text.strip():
            problems.append(_("Say what the new study-progress decision is: new results, or the decision in "
                              "words (UH 19.4.4)."))
    elif result_changes or new_decision_text.strip():
        problems.append(_("Only a new study-progress decision changes results or states a new decision."))
    return problems


def ap7_new_progress_decision(old: Mapping, proposal: Mapping, distinctions: Sequence[str]) -> dict:
    """AP-7 (UH 19.4.4): the new study-progress decision that replaces the contested one, from the deliberation
    proposal recomputed after the appeal's new results.

    ``old``: the contested decision (``programme_passed``, ``distinction``, ``packages`` with ``package`` and
    ``passed``); ``proposal``: the student's entry of the deliberation proposal; ``distinctions``: the names of the
    degrees of distinction, highest first (DL-8). The text is silent on what becomes of what the examination
    committee granted beyond the rules (a package or the programme declared passed, a higher distinction, DL-7,
    DL-8); we keep it: an internal appeal brought by the student never leaves her worse off than the decision she
    contested. ``deviates`` says the result differs from the proposal for that reason.
    """
    old_passed = {p.get("package") for p in old.get("packages") or () if p.get("passed")}
    packages = [{**p, "passed": bool(p.get("passed")) or p.get("package") in old_passed,
                 "proposed": bool(p.get("passed"))} for p in proposal.get("packages") or ()]
    programme_passed = bool(proposal.get("programme_passed")) or bool(old.get("programme_passed"))
    rank = {name: i for i, name in enumerate(distinctions)}

    def better(a: str | None, b: str | None) -> str:
        options = [d for d in (a, b) if d]
        return min(options, key=lambda d: rank.get(d, len(rank))) if options else ""

    distinction = better(proposal.get("distinction"), old.get("distinction")) if programme_passed else ""
    percentages = [p.get("weighted_percentage") for p in proposal.get("packages") or ()]
    deviates = (programme_passed != bool(proposal.get("programme_passed"))
                or (distinction or "") != (proposal.get("distinction") or "")
                or any(p["passed"] != p["proposed"] for p in packages))
    return {"programme_passed": programme_passed, "distinction": distinction, "packages": packages,
            "weighted_percentage": percentages[0] if len(percentages) == 1 else None, "deviates": deviates}


# --- AP-7 / AP-8: deadlines and the route to the Council for Disputes


def ap8_later_date_problems(notified_on: date, later_date: date, decide_by: date) -> list[str]:
    """AP-8 (UH 19.4.7): the committee may inform the student "by electronic means, before the expiry of its
    decision-making period, of the later date on which it will make a decision". The notice reaches the student
    on or before the last day of the period (``decide_by``) and names a day after it."""
    problems = []
    if notified_on > decide_by:
        problems.append(_("The notice of a later decision date must reach the student before the decision period "
                          "expires on %(due)s (UH 19.4.7); %(on)s is too late.")
                        % {"due": _cday(decide_by), "on": _cday(notified_on)})
    if later_date <= decide_by:
        problems.append(_("The later decision date (%(later)s) must come after the end of the decision period "
                          "(%(due)s) (UH 19.4.7).") % {"later": _cday(later_date), "due": _cday(decide_by)})
    return problems


def ap8_council_deadline(notified_on: date, holidays: frozenset[date], rules: AppealsCommitteeRules,
                         equivalence: bool = False) -> date:
    """AP-8 (UH 19.4.6, 19.4.8): the last day to appeal to the Council for Disputes concerning Study Progress
    Decisions: "no later than the seventh day after the day of notification" of the internal decision (30 days,
    from the day after the notification, for a foreign-diploma equivalence decision, UH 19.2 h). When that day
    is a Saturday, Sunday or public holiday, the period runs to the next working day (as AP-2).

    For equivalence the article also says "no later than the thirty-first day after the day of notification";
    we read the period of 30 days from the day after the notification (day 30 = notification + 30), as UH 19.4.8
    names "the thirtieth day of the period" as its last day.
    """
    days = rules.council_equivalence_days if equivalence else rules.council_days
    return next_working_day_from(notified_on + timedelta(days=days), holidays)


def ap8_council_deadline_without_decision(decide_by: date, later_date: date | None, holidays: frozenset[date],
                                          rules: AppealsCommitteeRules, equivalence: bool = False) -> date:
    """AP-8 (UH 19.4.7-8): without a timely internal decision, the student appeals to the Council within seven
    calendar days after the expiry of the decision period (``decide_by``); when the committee announced a later
    decision date before the expiry, the seven days start the day after that date. The weekend and holiday
    extension of UH 19.4.8 applies. The article names seven days here for every decision; for an equivalence
    decision we give the 30 days of UH 19.4.6 (the reading in the student's favour)."""
    days = rules.council_equivalence_days if equivalence else rules.council_days
    return next_working_day_from((later_date or decide_by) + timedelta(days=days), holidays)


@dataclass(frozen=True)
class CommitteeDeadline:
    """A limit of the appeal's handling: what, which rule and article, the day, when it was met, its state."""

    rule: str
    article: str
    what: str
    due: date
    done_on: date | None
    state: str  # open / met / late / overdue / closed


def _deadline_state(due: date, done_on: date | None, today: date) -> str:
    if done_on is not None:
        return "met" if done_on <= due else "late"
    return "overdue" if today > due else "open"


def ap7_deadlines(*, decide_by: date, later_date: date | None, later_notice_on: date | None,
                  notified_on: date | None, council_by: date | None, today: date,
                  council_without_decision_by: date | None = None) -> list[CommitteeDeadline]:
    """AP-7 / AP-8 (UH 19.4.3-8): the appeal's limits and whether they are met: the decision notified within 20
    calendar days from the day after receipt (or by the later date announced in time), and once notified, the
    student's window for the Council (``open`` until its last day, then ``closed``; the office does not act on
    it). While no decision is notified after the (later) date has passed, the student's window for the Council
    without a timely decision (``council_without_decision_by``, UH 19.4.7) is shown instead."""
    if later_date is None:
        out = [CommitteeDeadline("AP-7", "UH 19.4.3-5", _("Decision notified to the student"), decide_by,
                                 notified_on, _deadline_state(decide_by, notified_on, today))]
    else:
        out = [CommitteeDeadline("AP-8", "UH 19.4.7", _("Notice of a later decision date"), decide_by,
                                 later_notice_on, _deadline_state(decide_by, later_notice_on, today)),
               CommitteeDeadline("AP-8", "UH 19.4.7", _("Decision notified by the announced date"), later_date,
                                 notified_on, _deadline_state(later_date, notified_on, today))]
    if council_by is not None:
        out.append(CommitteeDeadline("AP-8", "UH 19.4.6", _("Appeal to the Council for Disputes"), council_by, None,
                                     "open" if today <= council_by else "closed"))
    elif notified_on is None and council_without_decision_by is not None and today > (later_date or decide_by):
        out.append(CommitteeDeadline("AP-8", "UH 19.4.7", _("Appeal to the Council without a timely decision"),
                                     council_without_decision_by, None,
                                     "open" if today <= council_without_decision_by else "closed"))
    return out


# --- The deadline sweeps of rules.md section 9: AP-2, AP-6, AP-7 / AP-8 -----------------------------------------
# Dates and moments in, plain values out; the sweeps in ``appeals.services.sweeps`` load the facts and apply them.

NEARING, OVERDUE = "nearing", "overdue"


def ap2_window_closed(notified_on: date, as_of: date, holidays: frozenset[date], days: int = APPEAL_DAYS) -> bool:
    """AP-2 (UH 19.3.2): the appeal window opened by a proclamation or notification on ``notified_on`` is closed on
    ``as_of`` once its last day (:func:`lodge_by`, with the weekend and holiday extension) has passed; on the last
    day itself it is still open."""
    return as_of > lodge_by(notified_on, holidays, days)


def ap2_late(postmarked_on: date, last_day: date) -> bool:
    """AP-2 / AP-3 (UH 19.3.2-3): an appeal whose postmark comes after the window's last day is late. It is
    registered all the same and marked; the committee decides on its admissibility (UH 19.4.2)."""
    return not in_time(postmarked_on, last_day)


def ap7_decision_due(decide_by: date, later_date: date | None, later_announced_on: date | None) -> date:
    """AP-7 / AP-8 (UH 19.4.3-7): the day by which the decision must reach the student: the 20-day ``decide_by``,
    or the later date the committee announced to the student before that period expired (``later_announced_on``:
    the day the announcement actually went out). An announcement that went out after ``decide_by`` does not move
    the date: the article asks for it "before the expiry of its decision-making period"."""
    if later_date is not None and later_announced_on is not None and later_announced_on <= decide_by:
        return later_date
    return decide_by


def ap7_decision_stage(due: date, notified_on: date | None, as_of: date, warning_days: int) -> str | None:
    """AP-7 (UH 19.4.3-5): where an appeal stands on ``as_of`` against the day ``due`` by which its decision must be
    notified: ``None`` once the decision reached the student on or before ``due`` (or while ``due`` is more than
    ``warning_days`` away), :data:`NEARING` from ``warning_days`` before ``due`` up to and including ``due``, and
    :data:`OVERDUE` from the day after ``due`` without a decision notified by then (a decision notified late is
    still overdue: the deadline was missed). A sweep that catches up after ``due`` sees only ``overdue``."""
    if notified_on is not None and notified_on <= due:
        return None
    if as_of > due:
        return OVERDUE
    if as_of >= due - timedelta(days=warning_days):
        return NEARING
    return None


@dataclass(frozen=True)
class CouncilRoute:
    """AP-8 (UH 19.4.7-8): the decision period expired on ``expired_on`` without a decision; the student may appeal to
    the Council for Disputes from the day after, until ``council_by``."""

    expired_on: date
    council_by: date

    @property
    def runs_from(self) -> date:
        return self.expired_on + timedelta(days=1)


def ap8_route_without_decision(decide_by: date, later_date: date | None, later_announced_on: date | None,
                               holidays: frozenset[date], rules: AppealsCommitteeRules,
                               equivalence: bool = False) -> CouncilRoute:
    """AP-8 (UH 19.4.7-8): without a timely internal decision the seven days for the Council run from the expiry of
    the decision period (:func:`ap7_decision_due`: the later date only when it was announced in time), with the
    weekend and holiday extension (:func:`ap8_council_deadline_without_decision`, which also gives an equivalence
    decision its 30 days)."""
    expired = ap7_decision_due(decide_by, later_date, later_announced_on)
    later = expired if expired != decide_by else None
    return CouncilRoute(expired, ap8_council_deadline_without_decision(decide_by, later, holidays, rules,
                                                                       equivalence=equivalence))


def ap6_latest_invitation(hearing_at: datetime, rules: AppealsCommitteeRules) -> datetime:
    """AP-6 (UH 19.4.2): the last moment the student's invitation may go out: 24 hours (elapsed, across a change of
    summer time) before the hearing, in the hearing's time zone."""
    hours = timedelta(hours=rules.invitation_hours)
    if hearing_at.tzinfo is None:
        return hearing_at - hours
    return (hearing_at.astimezone(UTC) - hours).astimezone(hearing_at.tzinfo)


def ap6_duly_invited(sent_at: datetime | None, hearing_at: datetime, rules: AppealsCommitteeRules) -> bool:
    """AP-6 (UH 19.4.2): the student is duly invited when the invitation went out (``sent_at``: the moment the e-mail
    left, not the moment it was written) at least 24 hours before the hearing; exactly 24 hours is in time."""
    return sent_at is not None and sent_at <= ap6_latest_invitation(hearing_at, rules)


def ap6_invitation_missed(sent_at: datetime | None, hearing_at: datetime, moment: datetime,
                          rules: AppealsCommitteeRules) -> bool:
    """AP-6 (UH 19.4.2): at ``moment`` it is certain that the hearing cannot hear the student: the last moment for
    the invitation has passed and it had not gone out by then (not sent at all, or sent too late). Before that
    moment an invitation waiting in the outbox may still go out in time."""
    return moment > ap6_latest_invitation(hearing_at, rules) and not ap6_duly_invited(sent_at, hearing_at, rules)
