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
STATE_WORDS = {RECEIVED: "received", ADMISSIBLE: "checked and admissible", INADMISSIBLE: "checked and inadmissible",
               HEARING_PLANNED: "with a hearing planned", HEARD: "heard", DECIDED: "decided"}


class IllegalAppealTransition(ValueError):
    pass


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
        raise IllegalAppealTransition(f"An appeal that is {STATE_WORDS.get(current, current)} cannot become "
                                      f"{STATE_WORDS.get(target, target)}.")
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
                          contested_programme_id: int | None = None,
                          contested_year_id: int | None = None) -> frozenset[int]:
    """UH 21.2.3 / 21.2 "the ombudsperson for the programme": the programmes whose ombudspersons see an appeal.

    The appeal's academic year is the year of the contested decision (when the appeal names a recorded one)
    and the year whose dates hold the day of the proclamation or notification; the programmes are those of
    the student's contracts in those years, plus the programme of the contested decision itself. Where that
    leaves doubt we show the file rather than hide it (in the student's favour: an ombudsperson who sees the
    file can help): a notification between two academic years counts the latest year that started before it;
    a student without any contract in those years counts every programme she ever had a contract in.
    """
    years = {c.academic_year_id for c in contracts if c.year_starts_on <= notified_on <= c.year_ends_on}
    if contested_year_id is not None:
        years.add(contested_year_id)
    found = {c.programme_id for c in contracts if c.academic_year_id in years}
    if not found:
        started = [c for c in contracts if c.year_starts_on <= notified_on]
        if started:
            latest = max(c.year_starts_on for c in started)
            found = {c.programme_id for c in started if c.year_starts_on == latest}
        else:
            found = {c.programme_id for c in contracts}
    if contested_programme_id is not None:
        found.add(contested_programme_id)
    return frozenset(found)


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
