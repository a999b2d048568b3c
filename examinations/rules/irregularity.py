"""Irregularities (rules.md section 6: IR-1 .. IR-5; UH 18.1 - 18.3) as pure functions.

No clock, and Django for one thing only (``gettext``, so that the words are translated when the rule runs):
dates, holidays and the limits (``Regulations.irregularity``, :class:`config.regulations.IrregularityRules`)
come in as arguments. A preset without them (PXL: its examination regulations have no irregularity procedure)
makes :func:`require_irregularity_rules` refuse instead of inventing numbers. The working-day arithmetic is
``config.calendar``'s, with the holidays passed in.

The file is a state machine (:data:`TRANSITIONS`, :func:`next_state`); the actions that do not move it (the
replacement of a chair who is a party, a sanction) are allowed in the states of :data:`IN_STATE`. Who may take
which action follows from her capacity on the file (:func:`capacities`, :data:`WHO_MAY`). The sanctions
(IR-4) are in :mod:`examinations.rules.irregularity_sanctions`, re-exported here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

from config.calendar import add_working_days, next_working_day_from
from config.regulations import IrregularityRules, Regulations

# IR-4, the sanctions, live in their own module; the procedure's rule surface reads here.
from .irregularity_sanctions import (  # noqa: F401
    ADJUSTED_GRADE,
    EXCLUDED_SECOND,
    FIRST_ANNULLED,
    FIRST_DISREGARDED,
    MAIN_SANCTIONS,
    NO_GRADES_FOR_PERIOD,
    PASS_GRADE,
    SANCTIONS,
    ZERO,
    Mark,
    NewResult,
    Refused,
    SanctionSpec,
    UnitResults,
    apply_sanction,
    combination_problem,
    sanction_word,
    units_concerned,
)


class NoIrregularityRules(LookupError):
    """The year's regulations hold no irregularity procedure (PXL): a file cannot be opened."""


class IllegalTransition(ValueError):
    """An irregularity status change that the IR state machine does not allow."""


def require_irregularity_rules(regs: Regulations) -> IrregularityRules:
    if regs.irregularity is None:
        raise NoIrregularityRules(
            _("The %(regulations)s regulations contain no irregularity procedure; configure its limits before "
              "opening a file.") % {"regulations": regs.label}
        )
    return regs.irregularity


# ---------------------------------------------------------------------------------------------------------------
# The file's states and actions

REPORTED, INFORMED, HEARING_PLANNED, HEARD = "reported", "informed", "hearing_planned", "heard"
DECIDED, REFERRED, NOTIFIED = "decided", "referred", "notified"
STATES = (REPORTED, INFORMED, HEARING_PLANNED, HEARD, DECIDED, REFERRED, NOTIFIED)


def state_word(state: str) -> str:
    words = {REPORTED: _("reported"), INFORMED: _("informed"), HEARING_PLANNED: _("with a hearing planned"),
             HEARD: _("heard"), DECIDED: _("decided"), REFERRED: _("referred to the rector"),
             NOTIFIED: _("notified")}
    return str(words.get(state, state))


#: UH 18.1 - 18.3 in order: report -> the ombudsperson and the student informed -> hearing planned -> heard ->
#: the bureau's decision -> (very serious: proposed to the rector) -> the reasoned decision sent. A hearing held
#: without the ombudsperson is no hearing (IR-2), so a planned hearing may be planned again.
TRANSITIONS: dict[str, frozenset[str]] = {
    REPORTED: frozenset({INFORMED}),
    INFORMED: frozenset({HEARING_PLANNED}),
    HEARING_PLANNED: frozenset({HEARING_PLANNED, HEARD}),
    HEARD: frozenset({DECIDED}),
    DECIDED: frozenset({REFERRED, NOTIFIED}),
    REFERRED: frozenset({NOTIFIED}),
    NOTIFIED: frozenset(),
}


def next_state(current: str, target: str) -> str:
    """The state machine of UH 18: ``target`` if the file may move there from ``current``, else
    :class:`IllegalTransition` (a decision before the hearing, a letter before the decision, anything after the
    letter)."""
    if target not in TRANSITIONS.get(current, frozenset()):
        raise IllegalTransition(_("A file that is %(current)s cannot become %(target)s.")
                                % {"current": state_word(current), "target": state_word(target)})
    return target


REPORT, INFORM, REPLACE, PLAN_HEARING, RECORD_HEARING = "report", "inform", "replace", "plan_hearing", "record_hearing"
DECIDE, SANCTION, REFER, SEND_LETTER = "decide", "sanction", "refer", "send_letter"
#: The file actions in the order of the procedure (the page offers them in this order).
ACTIONS = (INFORM, REPLACE, PLAN_HEARING, RECORD_HEARING, DECIDE, SANCTION, REFER, SEND_LETTER)
#: Actions that move the file, and where to.
ACTION_TARGET = {INFORM: INFORMED, PLAN_HEARING: HEARING_PLANNED, RECORD_HEARING: HEARD, DECIDE: DECIDED,
                 REFER: REFERRED, SEND_LETTER: NOTIFIED}
#: Actions that leave the state as it is: the replacement of a party (before the decision, UH 18.2.6) and the
#: sanctions (after the decision, before the letter that must name them, UH 18.3.1-2).
IN_STATE = {REPLACE: frozenset({REPORTED, INFORMED, HEARING_PLANNED, HEARD}), SANCTION: frozenset({DECIDED})}
#: Actions that exist only when the bureau established an irregularity (UH 18.3.1, 18.3.3).
NEED_IRREGULARITY = frozenset({SANCTION, REFER})

# Capacities on a file.
ADMIN, CHAIR, VICE_CHAIR, SECRETARY, MEMBER, OMBUDSPERSON = (
    "administration", "chair", "vice_chair", "secretary", "member", "ombudsperson")

#: Who may record what. The report goes to the chair (UH 18.1); the student administration or the committee's
#: secretary may record it for her. The chair informs, plans and writes the hearing report (UH 18.1, 18.2.2); the
#: bureau (chair and vice chair, or those who replace them, UH 18.2.6) decides and sanctions; the secretary keeps
#: the file for the committee. Members and the ombudsperson read the file; the ombudsperson advises, she does not
#: decide (UH 14.1.4).
WHO_MAY: dict[str, frozenset[str]] = {
    REPORT: frozenset({ADMIN, CHAIR, SECRETARY}),
    INFORM: frozenset({ADMIN, CHAIR, SECRETARY}),
    REPLACE: frozenset({ADMIN, SECRETARY}),
    PLAN_HEARING: frozenset({ADMIN, CHAIR, SECRETARY}),
    RECORD_HEARING: frozenset({CHAIR, SECRETARY}),
    DECIDE: frozenset({CHAIR, VICE_CHAIR, SECRETARY}),
    SANCTION: frozenset({CHAIR, VICE_CHAIR, SECRETARY}),
    REFER: frozenset({CHAIR, VICE_CHAIR, SECRETARY}),
    SEND_LETTER: frozenset({ADMIN, CHAIR, SECRETARY}),
}


def action_possible(action: str, status: str, found: bool | None) -> bool:
    """Whether ``action`` may be taken on a file in ``status`` (whoever takes it)."""
    if action in NEED_IRREGULARITY and found is not True:
        return False
    if action in IN_STATE:
        return status in IN_STATE[action]
    target = ACTION_TARGET.get(action)
    return target is not None and target in TRANSITIONS.get(status, frozenset())


def allowed_actions(status: str, found: bool | None, held: Iterable[str]) -> tuple[str, ...]:
    """The actions the holder of the capacities ``held`` may take on a file in ``status`` now."""
    held = frozenset(held)
    return tuple(a for a in ACTIONS if action_possible(a, status, found) and WHO_MAY[a] & held)


def capacities(user_id: int, *, administration: bool, seat_roles: Iterable[str], chair_is_party: bool = False,
               vice_chair_is_party: bool = False, acting_chair_id: int | None = None,
               acting_vice_chair_id: int | None = None) -> frozenset[str]:
    """The capacities a person holds on a file: the student administration's; her seats on the file's committee
    (``seat_roles``: chair, vice_chair, secretary, member, ombudsperson); the seat she takes when replacing a
    chair or vice chair who is a party (IR-3). A chair or vice chair who is a party to the case acts in it no
    more (UH 18.2.6): her seat gives her the reading rights of a member only."""
    seat_roles = frozenset(seat_roles)
    held = set()
    if administration:
        held.add(ADMIN)
    if acting_chair_id is not None and user_id == acting_chair_id:
        held.add(CHAIR)
    if acting_vice_chair_id is not None and user_id == acting_vice_chair_id:
        held.add(VICE_CHAIR)
    if "chair" in seat_roles:
        held.add(MEMBER if chair_is_party else CHAIR)
    if "vice_chair" in seat_roles:
        # When the chair is a party the vice chair presides (acting chair, above); her own seat is taken by the
        # member who completes the bureau.
        held.add(MEMBER if (vice_chair_is_party or chair_is_party) else VICE_CHAIR)
    if "secretary" in seat_roles:
        held.add(SECRETARY)
    if "member" in seat_roles:
        held.add(MEMBER)
    if "ombudsperson" in seat_roles:
        held.add(OMBUDSPERSON)
    return frozenset(held)


# ---------------------------------------------------------------------------------------------------------------
# IR-1: the report


def report_deadline(discovered_on: date, holidays: frozenset[date], ir: IrregularityRules) -> date:
    """IR-1 (UH 18.1.1): the formal report reaches the chair of the examination committee no later than five
    working days after the discovery (the day of the discovery not counted; Saturdays, Sundays and Belgian
    public holidays are no working days)."""
    return add_working_days(discovered_on, ir.report_working_days, holidays)


def report_late(discovered_on: date, reported_on: date, holidays: frozenset[date], ir: IrregularityRules) -> bool:
    """IR-1 (UH 18.1.1): whether the report came after its limit.

    A late report is flagged, never refused: refusing it would lose the facts and favours nobody (the student
    included, who may want the file heard and closed); the flag stays on the file and in the letter, where the
    bureau weighs it and the student can invoke it. UH 18.1.1 states the limit for an irregularity discovered
    during an exam; 18.1.2-3 (found while assessing a script, thesis or project) state none. The limit is
    applied to every report, so that a late one is visible to the student whatever the route (her favour).
    """
    return reported_on > report_deadline(discovered_on, holidays, ir)


def date_order_problem(earlier_label: str, earlier: date | None, later_label: str, later: date | None) -> str | None:
    """Dates of the procedure follow each other: ``later`` may not come before ``earlier``. The labels come
    translated, ``later_label`` as the start of a sentence ("The report"), ``earlier_label`` inside one ("the
    discovery")."""
    if earlier is not None and later is not None and later < earlier:
        return _("%(later)s (%(later_date)s) cannot be before %(earlier)s (%(earlier_date)s).") % {
            "later": later_label, "later_date": later, "earlier": earlier_label, "earlier_date": earlier}
    return None


# ---------------------------------------------------------------------------------------------------------------
# IR-2: the hearing


def hearing_planning_problems(has_ombudsperson: bool) -> list[str]:
    """IR-2 (UH 18.2.1): the bureau hears the student in the presence of the ombudsperson, so a hearing cannot
    be planned for a committee without one on record."""
    if not has_ombudsperson:
        return [_("The hearing takes place in the presence of the ombudsperson (UH 18.2.1), and this committee has "
                  "no ombudsperson on record. Add her to the committee first.")]
    return []


def hearing_problems(ombudsperson_attended: bool, report: str) -> list[str]:
    """IR-2 (UH 18.2.1-2): a hearing without the ombudsperson present is no hearing (plan it again); the chair
    writes a report of it, which the student may inspect and copy. The student who was invited and does not come
    does not stop the procedure; she may bring counsel, who may not file written conclusions."""
    problems = []
    if not ombudsperson_attended:
        problems.append(_("The bureau hears the student in the presence of the ombudsperson (UH 18.2.1). Without "
                          "her, plan the hearing again."))
    if not report.strip():
        problems.append(_("The chair writes a report of the hearing for the file (UH 18.2.2)."))
    return problems


# ---------------------------------------------------------------------------------------------------------------
# IR-3: the bureau's decision and who sits


def decision_problems(found: bool | None, reasons: str) -> list[str]:
    """IR-3 / IR-5 (UH 18.2.3, 18.3.2): the bureau decides whether or not there was an irregularity, and
    substantiates its decision in detail, whatever it is."""
    problems = []
    if found is None:
        problems.append(_("The bureau decides whether or not there has been an irregularity (UH 18.2.3)."))
    if not reasons.strip():
        problems.append(_("The decision needs its reasons (UH 18.3.2)."))
    return problems


def retake_allowed(found: bool | None) -> bool:
    """IR-3 (UH 18.2.4): when the bureau finds no irregularity the student may ask to take the exam again."""
    return found is False


@dataclass(frozen=True)
class Bureau:
    """Who decides a file: the (acting) chair and vice chair, or the whole committee when both are parties.
    ``stands_aside``: the chair or vice chair who is a party and takes no part (UH 18.2.6)."""

    chair_id: int | None
    vice_chair_id: int | None
    by_committee: bool = False
    stands_aside: frozenset[int] = frozenset()


def who_sits(chair_id: int | None, vice_chair_id: int | None, *, chair_is_party: bool, vice_chair_is_party: bool,
             substitute_id: int | None = None, eligible_ids: Iterable[int] = ()) -> Bureau:
    """IR-3 (UH 18.2.6): the chair who is a party is replaced by the vice chair; the vice chair who is a party by
    another member of the committee; when both are parties the examination committee decides, without them.

    The bureau is two people, both present (UH 14.4.2, 14.6.2, which lets both be replaced in this procedure):
    when the vice chair moves up to replace the chair, a committee member (``substitute_id``) completes the
    bureau, so the student's case is still decided by two in consensus. ``eligible_ids``: the committee's voting
    members who may sit (neither party nor an ombudsperson).
    """
    eligible = frozenset(eligible_ids)
    if not chair_is_party and not vice_chair_is_party:
        return Bureau(chair_id, vice_chair_id)
    if chair_is_party and vice_chair_is_party:
        return Bureau(None, None, by_committee=True,
                      stands_aside=frozenset(i for i in (chair_id, vice_chair_id) if i is not None))
    if chair_is_party and vice_chair_id is None:
        raise Refused(_("The chair is a party and the committee has no vice chair on record to replace her "
                        "(UH 18.2.6)."))
    if substitute_id is None:
        raise Refused(_("Name the committee member who completes the bureau (UH 18.2.6)."))
    if substitute_id in (chair_id, vice_chair_id) or substitute_id not in eligible:
        raise Refused(_("The member who completes the bureau is a voting member of the committee, neither its "
                        "chair nor its vice chair (UH 18.2.6)."))
    if chair_is_party:
        return Bureau(vice_chair_id, substitute_id, stands_aside=frozenset({chair_id} - {None}))
    return Bureau(chair_id, substitute_id, stands_aside=frozenset({vice_chair_id} - {None}))


# ---------------------------------------------------------------------------------------------------------------
# IR-5: the reasoned decision, the rector, the internal appeal


def letter_deadline(decided_on: date, referred_to_rector: bool, ir: IrregularityRules) -> date:
    """IR-5 (UH 18.3.2-3): the bureau communicates its reasoned decision within five calendar days after the
    deliberation; a very serious case the committee proposes to the rector is decided by him and communicated
    within ten calendar days after the deliberation.

    A referred file gets one letter, with the bureau's decision and the rector's, by the rector's limit: the
    student then has one decision and one seven-day appeal window for all of it, instead of having to appeal the
    bureau's sanction before she knows what the rector decides (her favour).
    """
    return decided_on + timedelta(days=ir.rector_letter_days if referred_to_rector else ir.letter_days)


def appeal_deadline(notified_on: date, holidays: frozenset[date], ir: IrregularityRules) -> date:
    """UH 18.2.5 / 19.3.2: the internal appeal against the decision runs seven calendar days, starting the day
    after the notification; when the seventh day is a Saturday, Sunday or public holiday the window extends to
    the next working day (AP-2)."""
    return next_working_day_from(notified_on + timedelta(days=ir.appeal_days), holidays)


MET, LATE, OPEN, OVERDUE, CLOSED = "met", "late", "open", "overdue", "closed"


def deadline_state(due: date, done_on: date | None, today: date) -> str:
    """``met`` (done in time), ``late`` (done after the limit), ``open`` (not done, still in time) or
    ``overdue`` (not done and past the limit)."""
    if done_on is not None:
        return MET if done_on <= due else LATE
    return OPEN if today <= due else OVERDUE


@dataclass(frozen=True)
class Deadline:
    rule: str
    article: str
    what: str
    due: date
    done_on: date | None
    state: str


def deadlines(*, discovered_on: date, reported_on: date, decided_on: date | None, referred_to_rector: bool,
              letter_sent_on: date | None, holidays: frozenset[date], ir: IrregularityRules, today: date,
              ) -> list[Deadline]:
    """The limits of a file and whether they are met: the report (IR-1), the reasoned decision (IR-5), and once
    the letter is sent, the student's internal appeal window (``open`` until its last day, then ``closed``; the
    office does not act on it)."""
    out = [Deadline("IR-1", "UH 18.1.1", _("Report to the chair"), report_deadline(discovered_on, holidays, ir),
                    reported_on, deadline_state(report_deadline(discovered_on, holidays, ir), reported_on, today))]
    if decided_on is not None:
        due = letter_deadline(decided_on, referred_to_rector, ir)
        out.append(Deadline("IR-5", "UH 18.3.3" if referred_to_rector else "UH 18.3.2",
                            _("Reasoned decision to the student"), due, letter_sent_on,
                            deadline_state(due, letter_sent_on, today)))
    if letter_sent_on is not None:
        due = appeal_deadline(letter_sent_on, holidays, ir)
        out.append(Deadline("IR-5", "UH 18.2.5, 19.3.2", _("Internal appeal by the student"), due, None,
                            OPEN if today <= due else CLOSED))
    return out
