"""Examination committee and bureau (rules.md section 5: EC-1 .. EC-6) and the committee's deliberation
decisions (DL-7 .. DL-9) as pure functions.

No ORM, no clock: seats, attendance, votes and proposals come in as plain values, the numbers from
``Regulations.committee`` (:class:`config.regulations.CommitteeRules`) and ``Regulations.deliberation``.
Every function returns its findings in plain words (``Problem``) or a small value; the services refuse with
those words. Django is imported for one thing only: ``gettext``, so that the words can be translated (as in
``enrolment/rules.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from config.regulations import CommitteeRules, DeliberationRules

CHAIR, VICE_CHAIR, SECRETARY, MEMBER = "chair", "vice_chair", "secretary", "member"
OMBUDSPERSON, ACADEMIC_ADVISOR = "ombudsperson", "academic_advisor"
#: EC-1 / UH 14.3.2: each member has one vote; the ombudsperson (UH 14.1.4) and the academic advisor
#: (UH 14.1.5) attend without being members.
VOTING_ROLES = frozenset({CHAIR, VICE_CHAIR, SECRETARY, MEMBER})
OFFICERS = (CHAIR, VICE_CHAIR, SECRETARY)
ROLE_WORDS = {CHAIR: "chair", VICE_CHAIR: "vice chair", SECRETARY: "secretary", MEMBER: "member",
              OMBUDSPERSON: "ombudsperson", ACADEMIC_ADVISOR: "academic advisor"}


def role_word(role: str) -> str:
    words = {CHAIR: _("chair"), VICE_CHAIR: _("vice chair"), SECRETARY: _("secretary"), MEMBER: _("member"),
             OMBUDSPERSON: _("ombudsperson"), ACADEMIC_ADVISOR: _("academic advisor")}
    return words.get(role, role)

COMMITTEE, BUREAU = "committee", "bureau"
PLANNED, OPEN, CLOSED, SIGNED = "planned", "open", "closed", "signed"


class IllegalTransition(ValueError):
    """A meeting status change that the EC-5 state machine does not allow."""


@dataclass(frozen=True)
class Problem:
    """A finding in plain words; ``blocking`` is False for a warning (a guideline, not a rule)."""

    text: str
    blocking: bool = True

    def __str__(self):
        return self.text


@dataclass(frozen=True)
class Seat:
    """A current seat on a committee: the person and her role."""

    user_id: int
    role: str
    name: str = ""

    @property
    def votes(self) -> bool:
        return self.role in VOTING_ROLES


@dataclass(frozen=True)
class Presence:
    """A seat at a meeting. ``replaces`` (bureau only, EC-6): "chair" or "vice_chair" when this committee
    member stands in for an absent chair or vice chair."""

    seat: Seat
    present: bool
    replaces: str = ""


# ---------------------------------------------------------------- EC-1: composition


def composition_problems(seats: Iterable[Seat], c: CommitteeRules) -> list[Problem]:
    """EC-1 (UH 14.1.3-5, 14.3.2): at least ``min_members`` voting members, exactly one chair, one vice chair
    and one secretary; an ombudsperson attends (advisory, no vote) and the academic advisor assists (no vote).

    The maximum of ten is "suggested as a guideline": more is a warning, not an error. A missing ombudsperson
    or academic advisor is a warning too (they attend, they are not members).
    """
    seats = list(seats)
    problems: list[Problem] = []
    voting = [s for s in seats if s.votes]
    if len(voting) < c.min_members:
        problems.append(Problem(ngettext(
            "The committee has %(n)d voting member; it needs at least %(min)d (UH 14.1.3).",
            "The committee has %(n)d voting members; it needs at least %(min)d (UH 14.1.3).", len(voting))
            % {"n": len(voting), "min": c.min_members}))
    for role in OFFICERS:
        holders = [s for s in seats if s.role == role]
        if not holders:
            problems.append(Problem(_("The committee has no %(role)s (UH 14.1.2).") % {"role": role_word(role)}))
        elif len(holders) > 1:
            problems.append(Problem(_("The committee has %(n)d people in the role of %(role)s; it has one "
                                      "(UH 14.1.2).") % {"n": len(holders), "role": role_word(role)}))
    people = [s.user_id for s in seats]
    if len(people) != len(set(people)):
        problems.append(Problem(_("A person holds more than one seat on the committee: one person, one vote "
                                  "(UH 14.3.2).")))
    if len(voting) > c.guideline_max_members:
        problems.append(Problem(
            _("The committee has %(n)d voting members; the guideline is at most %(max)d (UH 14.1.3).")
            % {"n": len(voting), "max": c.guideline_max_members}, blocking=False))
    if not any(s.role == OMBUDSPERSON for s in seats):
        problems.append(Problem(_("No ombudsperson is designated to attend the meetings in an advisory capacity "
                                  "(UH 14.1.4)."), blocking=False))
    if not any(s.role == ACADEMIC_ADVISOR for s in seats):
        problems.append(Problem(_("No academic advisor assists the committee (UH 14.1.5)."), blocking=False))
    return problems


# ---------------------------------------------------------------- EC-3 / EC-6: may the meeting decide?


@dataclass(frozen=True)
class QuorumCheck:
    members: int
    present: int
    needed: int

    @property
    def holds(self) -> bool:
        return self.present >= self.needed

    @property
    def text(self) -> str:
        return (_("%(present)d of %(members)d voting members present; at least %(needed)d needed (UH 14.3.3).")
                % {"present": self.present, "members": self.members, "needed": self.needed})


def quorum(voting_members: int, present_voting: int, c: CommitteeRules) -> QuorumCheck:
    """EC-3 (UH 14.3.3): binding decisions need at least half of the members present (rounded up: half of 7
    is 3.5, so 4). Only voting members count: the ombudsperson is "not a member" (UH 14.3.2) and the academic
    advisor only assists (UH 14.1.5). A member kept out of one student's case by a tie (EC-4) still counts as
    present for the meeting: the other reading would leave some students without a decision at all."""
    num, den = c.quorum_share
    needed = -(-voting_members * num // den)  # ceiling
    return QuorumCheck(members=voting_members, present=present_voting, needed=max(needed, 1))


def bureau_presence_problems(presences: Iterable[Presence]) -> list[Problem]:
    """EC-6 (UH 14.6.2): the chair and the vice chair must both be present; only one of the two may be
    replaced by another member of the committee (the irregularity procedure's own replacements, IR-3, are
    handled there)."""
    presences = list(presences)
    problems: list[Problem] = []
    present = {p.seat.role for p in presences if p.present}
    replaced = {}
    for p in presences:
        if not p.replaces:
            continue
        who = p.seat.name or _("A member")
        if p.replaces not in (CHAIR, VICE_CHAIR):
            problems.append(Problem(_("%(who)s can replace only the chair or the vice chair (UH 14.6.2).")
                                    % {"who": who}))
        elif not p.present:
            problems.append(Problem(_("%(who)s replaces the %(role)s but is marked absent.")
                                    % {"who": who, "role": role_word(p.replaces)}))
        elif not p.seat.votes or p.seat.role in (CHAIR, VICE_CHAIR):
            problems.append(Problem(_("%(who)s cannot replace the %(role)s: the replacement is another member of "
                                      "the committee (UH 14.6.2).") % {"who": who, "role": role_word(p.replaces)}))
        elif p.replaces in replaced:
            problems.append(Problem(_("Two members replace the %(role)s.") % {"role": role_word(p.replaces)}))
        else:
            replaced[p.replaces] = p
    for role in (CHAIR, VICE_CHAIR):
        if role in present and role in replaced:
            problems.append(Problem(_("The %(role)s is present and needs no replacement.") % {"role": role_word(role)}))
    missing = [role for role in (CHAIR, VICE_CHAIR) if role not in present and role not in replaced]
    for role in missing:
        problems.append(Problem(_("The %(role)s is absent and nobody replaces them: the bureau meets with its chair "
                                  "and vice chair (UH 14.6.2).") % {"role": role_word(role)}))
    if not missing and CHAIR not in present and VICE_CHAIR not in present:
        problems.append(Problem(_("Only one of the chair and the vice chair may be replaced (UH 14.6.2).")))
    return problems


def opening_problems(kind: str, presences: Iterable[Presence], c: CommitteeRules) -> list[Problem]:
    """EC-3 / EC-6: what keeps a meeting from opening. A committee needs its quorum (UH 14.3.3); a bureau its
    chair and vice chair, one of whom may be replaced (UH 14.6.2). Replacements are a bureau matter only."""
    presences = list(presences)
    if kind == BUREAU:
        return bureau_presence_problems(presences)
    problems = []
    if any(p.replaces for p in presences):
        problems.append(Problem(_("Replacements apply to a bureau meeting only (UH 14.6.2); in the committee the "
                                  "vice chair replaces an absent chair (UH 14.3.7).")))
    check = quorum(sum(1 for p in presences if p.seat.votes),
                   sum(1 for p in presences if p.seat.votes and p.present), c)
    if not check.holds:
        problems.append(Problem(_("No quorum: %(check)s The meeting cannot take binding decisions.")
                                % {"check": check.text}))
    return problems


# ---------------------------------------------------------------- EC-5: who presides, who signs


@dataclass(frozen=True)
class Presiding:
    seat: Seat | None
    reason_needed: bool
    problems: tuple[Problem, ...] = ()


def presiding(kind: str, presences: Iterable[Presence], reason: str = "") -> Presiding:
    """EC-5 (UH 14.3.7): the chair presides; the vice chair replaces a chair who cannot be present, and the
    reason for the chair's absence goes into the report. In a bureau (UH 14.6.2) a member who replaces the
    chair presides only when the vice chair is absent too, which EC-6 forbids; so the vice chair presides."""
    presences = list(presences)
    by_role = {p.seat.role: p for p in presences}
    chair, vice = by_role.get(CHAIR), by_role.get(VICE_CHAIR)
    if chair is not None and chair.present:
        return Presiding(chair.seat, reason_needed=False)
    if vice is not None and vice.present:
        problems = ()
        if not reason.strip():
            problems = (Problem(_("The chair is absent: record why, the report states the reason (UH 14.3.7).")),)
        return Presiding(vice.seat, reason_needed=True, problems=problems)
    if kind == BUREAU:
        stand_in = next((p for p in presences if p.present and p.replaces == CHAIR), None)
        if stand_in is not None:
            problems = () if reason.strip() else (
                Problem(_("The chair is absent: record why, the report states the reason (UH 14.3.7).")),)
            return Presiding(stand_in.seat, reason_needed=True, problems=problems)
    return Presiding(None, reason_needed=True, problems=(
        Problem(_("Neither the chair nor the vice chair is present: nobody can preside (UH 14.3.7).")),))


def required_signers(kind: str, presences: Iterable[Presence], presiding_seat: Seat | None) -> dict[str, int]:
    """EC-5 / EC-6: who signs the report, as {slot: user id}.

    Committee (UH 14.3.7): the chair, or the vice chair who presided in her place, in the "chair" slot, and the
    secretary. Bureau (UH 14.6.5): the chair and the vice chair, or the member who replaced one of them.
    """
    presences = list(presences)
    by_role = {p.seat.role: p for p in presences}
    signers: dict[str, int] = {}
    if kind == BUREAU:
        for role in (CHAIR, VICE_CHAIR):
            own = by_role.get(role)
            stand_in = next((p for p in presences if p.present and p.replaces == role), None)
            if own is not None and own.present:
                signers[role] = own.seat.user_id
            elif stand_in is not None:
                signers[role] = stand_in.seat.user_id
        return signers
    if presiding_seat is not None:
        signers[CHAIR] = presiding_seat.user_id
    secretary = by_role.get(SECRETARY)
    if secretary is not None:
        signers[SECRETARY] = secretary.seat.user_id
    return signers


# ---------------------------------------------------------------- the meeting's states

TRANSITIONS = {PLANNED: {OPEN}, OPEN: {CLOSED}, CLOSED: {SIGNED}, SIGNED: set()}


def state_word(state: str) -> str:
    return {PLANNED: _("planned"), OPEN: _("in session"), CLOSED: _("closed"), SIGNED: _("signed")}.get(state, state)


def next_state(current: str, target: str) -> str:
    """A meeting is planned, opened (with its quorum), closed, then signed; a signed report changes no more
    (EC-5)."""
    if target not in TRANSITIONS.get(current, set()):
        raise IllegalTransition(_("A meeting that is %(current)s cannot become %(target)s.") % {
            "current": state_word(current), "target": state_word(target)})
    return target


# ---------------------------------------------------------------- EC-4: ties


def excluded_members(student_id: int, member_ids: Iterable[int], ties: Iterable[tuple[int, int]]) -> frozenset[int]:
    """EC-4 (UH 14.3.5, 14.6.4) / EX-11 (UH 13.1.2): the members who take no part in this student's
    deliberation: those with a declared family tie (third degree) or cohabitation with him. ``ties`` are
    (person id, student id) pairs."""
    tied = {person for person, student in ties if student == student_id}
    return frozenset(m for m in member_ids if m in tied)


# ---------------------------------------------------------------- EC-3: votes


@dataclass(frozen=True)
class VoteOutcome:
    """EC-3 for one student. ``favourable`` is True when the option in the student's favour carries."""

    requested: bool
    favourable: bool
    text: str
    problems: tuple[Problem, ...] = ()


def vote_outcome(requested: bool, votes_for: int = 0, votes_against: int = 0, abstentions: int = 0,
                 eligible: int | None = None, kind: str = COMMITTEE) -> VoteOutcome:
    """EC-3 (UH 14.3.4): without a request for a vote the decision is unanimous; with one, a simple majority
    of the votes cast decides, abstentions and blank or invalid votes are not cast, and a tie is decided in
    the student's favour. ``votes_for`` are the votes for the option in the student's favour (the deviation
    asked for), ``votes_against`` those for the stricter one. A bureau decides by consensus (UH 14.6.3): no
    vote there; without consensus the case goes to the committee.

    ``eligible``: the present voting members minus those excluded by a tie (EC-4); more ballots than that are
    refused. With no vote cast at all (every ballot an abstention) the votes are tied at 0-0, so the student's
    side carries: the reading in the student's favour.
    """
    if not requested:
        word = _("consensus (UH 14.6.3)") if kind == BUREAU else _("unanimous: no vote was asked (UH 14.3.4)")
        return VoteOutcome(False, True, word)
    problems = []
    if kind == BUREAU:
        problems.append(Problem(_("The bureau decides by consensus, without a vote; without consensus the decision "
                                "goes to the examination committee (UH 14.6.3).")))
    if min(votes_for, votes_against, abstentions) < 0:
        problems.append(Problem(_("Vote counts are zero or more.")))
    ballots = votes_for + votes_against + abstentions
    if eligible is not None and ballots > eligible:
        problems.append(Problem(_("%(ballots)d ballots, but only %(eligible)d members present may vote on this "
                                  "student (UH 14.3.2, 14.3.5).") % {"ballots": ballots, "eligible": eligible}))
    favourable = votes_for >= votes_against
    if votes_for == votes_against:
        text = (_("tie %(for)d-%(against)d (%(abstaining)d abstaining): decided in the student's favour "
                  "(UH 14.3.4)") % {"for": votes_for, "against": votes_against, "abstaining": abstentions})
    else:
        counts = {"for": votes_for, "against": votes_against, "abstaining": abstentions}
        if favourable:
            text = _("%(for)d for, %(against)d against, %(abstaining)d abstaining: carried by a majority of the votes "
                     "cast (UH 14.3.4)") % counts
        else:
            text = _("%(for)d for, %(against)d against, %(abstaining)d abstaining: rejected by a majority of the "
                     "votes cast (UH 14.3.4)") % counts
    return VoteOutcome(True, favourable, text, tuple(problems))


# ---------------------------------------------------------------- DL-7 / DL-8: deviations


@dataclass(frozen=True)
class Verdict:
    """The outcome of a student's deliberation: the proposal's or the committee's."""

    programme_passed: bool
    passed_packages: frozenset = field(default_factory=frozenset)  # package numbers (None outside a bachelor)
    distinction: str | None = None


def distinction_rank(name: str | None, d: DeliberationRules) -> int:
    """DL-8 order: none < distinction < great < greatest < greatest with congratulations."""
    if not name:
        return 0
    names = [n for _threshold, n in sorted(d.distinctions)]
    return names.index(name) + 1 if name in names else -1


def deviates(proposal: Verdict, decided: Verdict) -> bool:
    return (proposal.programme_passed != decided.programme_passed
            or set(proposal.passed_packages) != set(decided.passed_packages)
            or (proposal.distinction or None) != (decided.distinction or None))


def deviation_problems(proposal: Verdict, decided: Verdict, packages: Iterable, reason: str, kind: str,
                       programme_kind: str, d: DeliberationRules) -> list[Problem]:
    """DL-7 (UH 16.8.1) / DL-8 (UH 16.9.3): the committee may declare a pass the rules do not give, or a
    higher degree of distinction, for stated reasons; never a stricter outcome. ``packages`` are the packages
    the student was deliberated on.

    - A package or programme the proposal passes stays passed; a distinction never goes down.
    - A pass for the programme means every package deliberated is passed; a distinction needs that pass
      (UH 16.9.1) and none exists for bridging or preparatory programmes (UH 16.7.2).
    - The powers to deviate are the committee's (UH 14.2.1); the bureau checks that the rules were applied
      (UH 14.5.1) and hands a case it would decide otherwise to the committee (UH 14.5.8).
    - A deviation states its reasons (UH 14.3.7, 16.8.1, 16.9.3).
    """
    packages = set(packages)
    problems: list[Problem] = []
    if not deviates(proposal, decided):
        return problems
    if kind == BUREAU:
        problems.append(Problem(_("Only the examination committee may deviate from the proposal (UH 14.2.1); the "
                                "bureau hands the case to the committee (UH 14.5.8).")))
    if proposal.programme_passed and not decided.programme_passed:
        problems.append(Problem(_("The proposal passes the programme: the committee never decides more strictly "
                                "(UH 16.8.1).")))
    lost = set(proposal.passed_packages) - set(decided.passed_packages)
    if lost:
        problems.append(Problem(_("The proposal passes package %(packages)s: the committee never decides more "
                                  "strictly (UH 16.8.1).") % {"packages": _packages_text(lost)}))
    unknown = set(decided.passed_packages) - packages
    if unknown:
        problems.append(Problem(_("The student was not deliberated on package %(packages)s.")
                                % {"packages": _packages_text(unknown)}))
    if decided.programme_passed and set(decided.passed_packages) != packages:
        problems.append(Problem(_("A pass for the programme means every package deliberated is passed: tick them "
                                "all (UH 16.8.1).")))
    if decided.distinction:
        if distinction_rank(decided.distinction, d) < 0:
            problems.append(Problem(_("'%(name)s' is not a degree of distinction (UH 16.9.1).")
                                    % {"name": decided.distinction}))
        elif not decided.programme_passed:
            problems.append(Problem(_("A degree of distinction needs a pass for the programme (UH 16.9.1).")))
        elif programme_kind in ("bridging", "preparatory"):
            problems.append(Problem(_("A bridging or preparatory programme gives no degree of distinction "
                                    "(UH 16.7.2).")))
    if distinction_rank(decided.distinction, d) < distinction_rank(proposal.distinction, d) \
            or (proposal.distinction and not decided.distinction):
        problems.append(Problem(_("The degree of distinction may only go up, never down (UH 16.9.3).")))
    if not reason.strip():
        problems.append(Problem(_("A deviation from the proposal needs its reasons: they go into the report "
                                "(UH 14.3.7, 16.8.1, 16.9.3).")))
    return problems


def _packages_text(packages) -> str:
    return ", ".join(_("(whole programme)") if p is None else str(p) for p in sorted(packages, key=lambda p: p or 0))


# ---------------------------------------------------------------- DL-9: tolerance choices


def tolerance_choice_problems(outcome: str | None, grade: int | None, tolerance_excluded: bool, already_chosen: bool,
                              re_enrolled_later: bool, d: DeliberationRules) -> list[Problem]:
    """DL-9 (UH 4.5): a student may use tolerance for a tolerable fail (8 or 9, not excluded from tolerance,
    DL-3..7); using it is final and the grade is kept for the career, so a choice already made is not made
    again nor withdrawn (UH 4.5.1); re-enrolling for the unit later waives it (UH 4.5.2)."""
    problems = []
    if already_chosen:
        problems.append(Problem(_("Tolerance is already used for this unit; that choice is final (UH 4.5.1).")))
    if outcome != "numeric" or grade not in d.tolerable_grades:
        shown = grade if outcome == "numeric" else (outcome or _("no result"))
        problems.append(Problem(_("Only a fail of 8 or 9 can be tolerated; the result is %(result)s (UH 16.4).")
                                % {"result": shown}))
    if tolerance_excluded:
        problems.append(Problem(_("This unit is excluded from tolerance: it must be passed (UH 16.8.2).")))
    if re_enrolled_later:
        problems.append(Problem(_("The student re-enrolled for this unit in a later year and so waived tolerance "
                                "for it (UH 4.5.2).")))
    return problems


def tolerance_choice_withdrawable() -> bool:
    """DL-9 (UH 4.5.1): never; only the committee, on a reasoned request, revokes it (UH 4.5.4)."""
    return False


# ---------------------------------------------------------------- EX-9: inspection


def inspection_window(proclaimed_on: date, c: CommitteeRules) -> tuple[date, date]:
    """EX-9 (UH 15.4.1): explanation and inspection within seven calendar days after the day of the
    announcement: from the day after it up to and including the seventh day."""
    return proclaimed_on + timedelta(days=1), proclaimed_on + timedelta(days=c.inspection_days)
