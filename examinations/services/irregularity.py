"""The irregularity procedure (IR-1 .. IR-5, UH 18): report, inform, hearing, decision, sanctions, rector, letter.

Every step locks the file's row, asks the rules (``examinations.rules.irregularity``) whether the move is
allowed, moves the status with a conditional update (``UPDATE ... WHERE status = <old>``) and writes its
:class:`IrregularityTransition` in the same transaction. A step repeated with the same values (a double
submit) changes nothing and returns the file; the same step with other values after the file has moved on is
refused. Messages and the notes on the file are in the language of the person who acts (``gettext``).
Sanctions change results only through :func:`examinations.services.results.record_result`
(procedure ``irregularity``): a new version that supersedes the old one, the EX-8 guard and the ledger.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from config.calendar import holidays_around
from enrolment.models import ProgrammeLine, ResultKind

from ..models import (
    CommitteeMember,
    CommitteeRole,
    ExamCommittee,
    ExamPeriod,
    Hearing,
    Irregularity,
    IrregularityStatus,
    IrregularityTransition,
    Result,
    ResultProcedure,
    Sanction,
)
from ..rules import irregularity as rules
from .results import ResultRefused, record_result


class IrregularityRefused(Exception):
    """An irregularity step that may not be taken, with the reason in plain words."""


def _refuse_if(problems) -> None:
    problems = [p for p in problems if p]
    if problems:
        raise IrregularityRefused(" ".join(problems))


def limits_for(irregularity: Irregularity):
    """The limits of the regulations of the file's academic year (IR-1, IR-5)."""
    try:
        return rules.require_irregularity_rules(irregularity.exam_period.academic_year.rules)
    except rules.NoIrregularityRules as missing:
        raise IrregularityRefused(str(missing))


def active_seats(committee_id: int, on: date):
    """The committee's seats on ``on``: (user id, role), with the user."""
    return (CommitteeMember.objects.filter(committee_id=committee_id, since__lte=on)
            .filter(Q(until__isnull=True) | Q(until__gte=on)).select_related("user"))


def _person(user) -> str:
    if user is None:
        return _("none on record")
    return user.get_full_name() or user.get_username()


def _lock(pk: int) -> Irregularity:
    try:
        return (Irregularity.objects.select_for_update(of=("self",))
                .select_related("exam_period__academic_year", "course_unit", "student").get(pk=pk))
    except Irregularity.DoesNotExist:
        raise IrregularityRefused(_("There is no such irregularity file."))


def _move(irregularity: Irregularity, action: str, by, note: str = "", **fields) -> Irregularity:
    """Move the locked file by ``action`` (or record an action that keeps its state), with its transition."""
    old = irregularity.status
    if action in rules.IN_STATE:
        if not rules.action_possible(action, old, irregularity.irregularity_found):
            raise IrregularityRefused(_("This cannot be done on a file that is %(state)s.")
                                      % {"state": rules.state_word(old)})
        target = old
    else:
        try:
            target = rules.next_state(old, rules.ACTION_TARGET[action])
        except rules.IllegalTransition as illegal:
            raise IrregularityRefused(str(illegal))
    changed = Irregularity.objects.filter(pk=irregularity.pk, status=old).update(status=target, **fields)
    if changed != 1:
        raise IrregularityRefused(_("The file was changed meanwhile; reload it and try again."))
    IrregularityTransition.objects.create(irregularity=irregularity, from_status=old, to_status=target, by=by,
                                          note=note)
    irregularity.refresh_from_db()
    return irregularity


# ---------------------------------------------------------------------------------------------------------------
# IR-1: the report


def line_for(student_id: int, course_unit_id: int, academic_year_id: int) -> ProgrammeLine | None:
    return (ProgrammeLine.objects.select_related("contract__programme", "course_unit", "student")
            .filter(student_id=student_id, course_unit_id=course_unit_id, academic_year_id=academic_year_id,
                    removed_on__isnull=True).first())


def report_irregularity(*, line: ProgrammeLine, exam_period: ExamPeriod, discovered_on: date, reported_on: date,
                        reported_by_name: str, description: str, by) -> tuple[Irregularity, bool]:
    """IR-1 (UH 18.1): the formal report of the examiner or invigilator to the chair of the student's programme
    committee, recorded by the student administration or the committee's chair or secretary. One file per
    student, unit and exam period: the same report twice returns the file (``created`` False). A report after
    five working days is flagged, never refused (the rule's docstring says why)."""
    if exam_period.academic_year_id != line.academic_year_id:
        raise IrregularityRefused(_("The exam period is not in the academic year of the student's programme."))
    unit = line.course_unit
    if exam_period.opportunity == 1 and unit.exam_period_code != exam_period.code:
        raise IrregularityRefused(_("%(unit)s is examined in %(its)s, not in %(period)s.")
                                  % {"unit": unit.code, "its": unit.exam_period_code, "period": exam_period.code})
    if exam_period.opportunity == 2 and unit.opportunities < 2:
        raise IrregularityRefused(_("%(unit)s has one exam opportunity a year (UH 12.2.2).") % {"unit": unit.code})
    if not reported_by_name.strip() or not description.strip():
        raise IrregularityRefused(_("The report names who reported it and describes the facts (UH 18.1)."))
    _refuse_if([rules.date_order_problem(_("the discovery"), discovered_on, _("The report"), reported_on)])
    try:
        ir = rules.require_irregularity_rules(line.academic_year.rules)
    except rules.NoIrregularityRules as missing:
        raise IrregularityRefused(str(missing))
    late = rules.report_late(discovered_on, reported_on, holidays_around(discovered_on), ir)
    values = dict(discovered_on=discovered_on, reported_on=reported_on, reported_by_name=reported_by_name.strip(),
                  description=description.strip())
    with transaction.atomic():
        existing = (Irregularity.objects.select_for_update()
                    .filter(student_id=line.student_id, course_unit_id=unit.pk, exam_period=exam_period).first())
        if existing is None:
            committee, _created = ExamCommittee.objects.get_or_create(programme_id=line.contract.programme_id)
            try:
                with transaction.atomic():
                    irregularity = Irregularity.objects.create(
                        student_id=line.student_id, course_unit=unit, exam_period=exam_period, committee=committee,
                        reported_late=late, created_by=by, **values)
            except IntegrityError:
                existing = Irregularity.objects.get(student_id=line.student_id, course_unit_id=unit.pk,
                                                    exam_period=exam_period)
            else:
                chair = active_seats(committee.pk, reported_on).filter(role=CommitteeRole.CHAIR).first()
                chair_name = (_person(chair.user) if chair
                              else _("no chair on record on %(date)s") % {"date": reported_on})
                note = _("Reported by %(who)s to the chair of the %(programme)s examination committee (%(chair)s).") % {
                    "who": values["reported_by_name"], "programme": committee.programme.code, "chair": chair_name}
                if late:
                    due = rules.report_deadline(discovered_on, holidays_around(discovered_on), ir)
                    note += " " + _("Reported after the limit of %(date)s (IR-1, UH 18.1.1): flagged, not refused.") % {
                        "date": due}
                IrregularityTransition.objects.create(irregularity=irregularity, from_status="",
                                                      to_status=IrregularityStatus.REPORTED, by=by, note=note)
                return irregularity, True
    if all(getattr(existing, k) == v for k, v in values.items()):
        return existing, False
    raise IrregularityRefused(
        _("There is already an irregularity file for %(student)s in %(unit)s (%(period)s), number %(pk)s.")
        % {"student": line.student.number, "unit": unit.code, "period": exam_period.code, "pk": existing.pk})


# ---------------------------------------------------------------------------------------------------------------
# IR-1, IR-3: informing, replacing a party


@transaction.atomic
def inform(pk: int, *, ombudsperson_informed_on: date, student_informed_on: date, by) -> Irregularity:
    """IR-1 (UH 18.1): the chair informs the ombudsperson and the student."""
    irr = _lock(pk)
    if (irr.status != IrregularityStatus.REPORTED and irr.ombudsperson_informed_on == ombudsperson_informed_on
            and irr.student_informed_on == student_informed_on):
        return irr
    _refuse_if([rules.date_order_problem(_("the discovery"), irr.discovered_on, _("Informing the ombudsperson"),
                                         ombudsperson_informed_on),
                rules.date_order_problem(_("the discovery"), irr.discovered_on, _("Informing the student"),
                                         student_informed_on)])
    note = _("Ombudsperson informed on %(ombudsperson)s, the student on %(student)s.") % {
        "ombudsperson": ombudsperson_informed_on, "student": student_informed_on}
    return _move(irr, rules.INFORM, by, note,
                 ombudsperson_informed_on=ombudsperson_informed_on, student_informed_on=student_informed_on)


@transaction.atomic
def replace_party(pk: int, *, chair_is_party: bool, vice_chair_is_party: bool, substitute_id: int | None,
                  reason: str, on: date, by) -> Irregularity:
    """IR-3 (UH 18.2.6): a chair or vice chair who is a party to the case is replaced (see
    :func:`rules.who_sits`), and who and why is on the file."""
    irr = _lock(pk)
    if not reason.strip():
        raise IrregularityRefused(_("Say why the chair or vice chair is a party to the case."))
    if not chair_is_party and not vice_chair_is_party:
        raise IrregularityRefused(_("Tick who is a party to the case: the chair, the vice chair or both."))
    seats = list(active_seats(irr.committee_id, on))
    by_role = {s.role: s.user for s in seats if s.role in (CommitteeRole.CHAIR, CommitteeRole.VICE_CHAIR)}
    chair, vice = by_role.get(CommitteeRole.CHAIR), by_role.get(CommitteeRole.VICE_CHAIR)
    eligible = {s.user_id for s in seats if s.role in (CommitteeRole.SECRETARY, CommitteeRole.MEMBER)}
    try:
        bureau = rules.who_sits(chair.pk if chair else None, vice.pk if vice else None,
                                chair_is_party=chair_is_party, vice_chair_is_party=vice_chair_is_party,
                                substitute_id=substitute_id if not (chair_is_party and vice_chair_is_party) else None,
                                eligible_ids=eligible)
    except rules.Refused as refused:
        raise IrregularityRefused(str(refused))
    fields = dict(chair_is_party=chair_is_party, vice_chair_is_party=vice_chair_is_party,
                  acting_chair_id=bureau.chair_id if chair_is_party else None,
                  acting_vice_chair_id=bureau.vice_chair_id if not bureau.by_committee else None,
                  replacement_reason=reason.strip())
    if all(getattr(irr, k) == v for k, v in fields.items()):
        return irr
    people = {s.user_id: s.user for s in seats}
    names = {"chair": _person(chair), "vice": _person(vice), "member": _person(people.get(bureau.vice_chair_id))}
    if bureau.by_committee:
        note = _("The chair (%(chair)s) and the vice chair (%(vice)s) are parties: the examination committee "
                 "decides, without them (UH 18.2.6).") % names
    elif chair_is_party:
        note = _("The chair (%(chair)s) is a party: the vice chair (%(vice)s) replaces her; %(member)s completes "
                 "the bureau (UH 18.2.6).") % names
    else:
        note = _("The vice chair (%(vice)s) is a party: %(member)s replaces him (UH 18.2.6).") % names
    note = f"{note} " + _("Reason: %(reason)s") % {"reason": reason.strip()}
    return _move(irr, rules.REPLACE, by, note, **fields)


# ---------------------------------------------------------------------------------------------------------------
# IR-2: the hearing


@transaction.atomic
def plan_hearing(pk: int, *, invited_on: date, held_on: date, by) -> Irregularity:
    """IR-2 (UH 18.2.1): the bureau invites the student to a hearing, in the presence of the ombudsperson. A
    hearing already planned may be planned again (another date)."""
    irr = _lock(pk)
    hearing = Hearing.objects.filter(irregularity=irr).first()
    if (irr.status == IrregularityStatus.HEARING_PLANNED and hearing is not None
            and (hearing.invited_on, hearing.held_on) == (invited_on, held_on)):
        return irr
    has_ombudsperson = active_seats(irr.committee_id, held_on).filter(role=CommitteeRole.OMBUDSPERSON).exists()
    _refuse_if(rules.hearing_planning_problems(has_ombudsperson))
    _refuse_if([rules.date_order_problem(_("the report"), irr.reported_on, _("The invitation"), invited_on),
                rules.date_order_problem(_("the invitation"), invited_on, _("The hearing"), held_on)])
    irr = _move(irr, rules.PLAN_HEARING, by, _("Invited on %(invited)s to a hearing on %(held)s.")
                % {"invited": invited_on, "held": held_on})
    Hearing.objects.update_or_create(irregularity=irr, defaults=dict(
        invited_on=invited_on, held_on=held_on, student_attended=None, examiner_attended=None,
        ombudsperson_attended=None, counsel="", report="", report_written_by=None))
    return irr


def bureau_chair(irr: Irregularity, on: date):
    """Who chairs the bureau for this file (IR-3): the acting chair, else the committee's chair; nobody when
    both are parties (the committee decides)."""
    if irr.chair_is_party and irr.vice_chair_is_party:
        return None
    if irr.acting_chair_id:
        return irr.acting_chair
    seat = active_seats(irr.committee_id, on).filter(role=CommitteeRole.CHAIR).first()
    return seat.user if seat else None


@transaction.atomic
def record_hearing(pk: int, *, held_on: date, student_attended: bool, examiner_attended: bool,
                   ombudsperson_attended: bool, counsel: str, report: str, by) -> Irregularity:
    """IR-2 (UH 18.2.1-2): who attended (the ombudsperson must), the student's counsel if any, and the chair's
    report of the hearing that the student may inspect."""
    irr = _lock(pk)
    hearing = Hearing.objects.select_for_update().filter(irregularity=irr).first()
    values = dict(held_on=held_on, student_attended=student_attended, examiner_attended=examiner_attended,
                  ombudsperson_attended=ombudsperson_attended, counsel=counsel.strip(), report=report.strip())
    if hearing is not None and irr.status != IrregularityStatus.HEARING_PLANNED and all(
            getattr(hearing, k) == v for k, v in values.items()):
        return irr
    if hearing is None:
        raise IrregularityRefused(_("Plan the hearing first (UH 18.2.1)."))
    _refuse_if(rules.hearing_problems(ombudsperson_attended, report))
    _refuse_if([rules.date_order_problem(_("the invitation"), hearing.invited_on, _("The hearing"), held_on)])
    who = [w for w, present in ((_("the student"), student_attended), (_("the examiner"), examiner_attended),
                                (_("the ombudsperson"), ombudsperson_attended)) if present]
    note = _("Hearing on %(date)s: present %(who)s.") % {"date": held_on, "who": ", ".join(who)}
    if counsel.strip():
        note += " " + _("Counsel: %(counsel)s.") % {"counsel": counsel.strip()}
    irr = _move(irr, rules.RECORD_HEARING, by, note)
    for k, v in values.items():
        setattr(hearing, k, v)
    hearing.report_written_by = bureau_chair(irr, held_on) or by
    hearing.save()
    return irr


# ---------------------------------------------------------------------------------------------------------------
# IR-3: the decision


@transaction.atomic
def decide(pk: int, *, found: bool | None, decided_on: date, reasons: str, by) -> Irregularity:
    """IR-3 (UH 18.2.3-4, 18.3.2): the bureau (or the committee, when its chair and vice chair are both parties)
    decides whether there was an irregularity, with its reasons; when there was none, the student may retake
    the exam."""
    irr = _lock(pk)
    if (irr.status != IrregularityStatus.HEARD and irr.decided_on == decided_on
            and irr.irregularity_found == found and irr.decision_reasons == reasons.strip()):
        return irr
    _refuse_if(rules.decision_problems(found, reasons))
    hearing = Hearing.objects.filter(irregularity=irr).first()
    _refuse_if([rules.date_order_problem(_("the hearing"), hearing.held_on if hearing else None, _("The decision"),
                                         decided_on)])
    if found:
        note = _("Decided on %(date)s: an irregularity was established.") % {"date": decided_on}
    else:
        note = _("Decided on %(date)s: no irregularity was established; the student may ask to take the exam "
                 "again (UH 18.2.4).") % {"date": decided_on}
    return _move(irr, rules.DECIDE, by, note, irregularity_found=found,
                 decided_on=decided_on, decision_reasons=reasons.strip(), retake_allowed=rules.retake_allowed(found))


# ---------------------------------------------------------------------------------------------------------------
# IR-4: sanctions


@dataclass(frozen=True)
class SanctionPlan:
    spec: rules.SanctionSpec
    new: tuple[rules.NewResult, ...]
    periods: dict[str, ExamPeriod]
    lines: dict[int, ProgrammeLine]


def _unit_results(irr: Irregularity) -> tuple[list[rules.UnitResults], dict[int, ProgrammeLine]]:
    """The units of the contract in which the irregularity happened, that year, with their current results."""
    line = line_for(irr.student_id, irr.course_unit_id, irr.exam_period.academic_year_id)
    if line is None:
        raise IrregularityRefused(_("%(unit)s is no longer in the student's study programme.")
                                  % {"unit": irr.course_unit.code})
    lines = {ln.pk: ln for ln in ProgrammeLine.objects.select_related("course_unit", "contract", "academic_year")
             .filter(contract_id=line.contract_id, removed_on__isnull=True, exempted=False)}
    current = {(r.course_unit_id, r.opportunity): r for r in Result.objects.filter(
        student_id=irr.student_id, academic_year_id=irr.exam_period.academic_year_id, is_current=True,
        course_unit_id__in=[ln.course_unit_id for ln in lines.values()])}

    def mark(unit_id, opportunity):
        r = current.get((unit_id, opportunity))
        return None if r is None else rules.Mark(r.outcome, r.grade, r.pk)

    units = [rules.UnitResults(ln.pk, ln.course_unit.code, ln.course_unit.result_kind == ResultKind.NUMERIC,
                               ln.course_unit.exam_period_code, ln.course_unit.opportunities,
                               mark(ln.course_unit_id, 1), mark(ln.course_unit_id, 2))
             for ln in sorted(lines.values(), key=lambda ln: ln.course_unit.code)]
    return units, lines


def plan_sanction(irr: Irregularity, kind: str, adjusted_grade: int | None = None,
                  retained: frozenset[str] = frozenset()) -> SanctionPlan:
    """What the sanction would write (the preview), from the file's current results; nothing is saved."""
    if irr.irregularity_found is not True:
        raise IrregularityRefused(_("The bureau established no irregularity: there is no sanction (UH 18.2.4)."))
    periods = {p.code: p for p in ExamPeriod.objects.filter(academic_year_id=irr.exam_period.academic_year_id)}
    second = next((p.code for p in sorted(periods.values(), key=lambda p: p.starts_on) if p.opportunity == 2), "")
    units, lines = _unit_results(irr)
    concerned = frozenset()
    main = Sanction.objects.filter(irregularity=irr).exclude(kind=rules.EXCLUDED_SECOND).first()
    if main is not None:
        concerned = rules.units_concerned(main.kind, irr.course_unit.code, irr.exam_period.code,
                                          irr.exam_period.opportunity, frozenset(main.retained_units), units)
    regs = irr.exam_period.academic_year.rules
    spec = rules.SanctionSpec(kind, irr.course_unit.code, irr.exam_period.code, irr.exam_period.opportunity,
                              adjusted_grade=adjusted_grade, retained=frozenset(retained), second_period=second,
                              concerned=concerned,
                              pass_grade=regs.deliberation.pass_grade if regs.deliberation else rules.PASS_GRADE)
    try:
        new = rules.apply_sanction(spec, units)
    except rules.Refused as refused:
        raise IrregularityRefused(str(refused))
    return SanctionPlan(spec, new, periods, lines)


def sanction_preview(pk: int, kind: str, adjusted_grade: int | None = None,
                     retained: frozenset[str] = frozenset()) -> SanctionPlan:
    irr = Irregularity.objects.select_related("exam_period__academic_year", "course_unit").get(pk=pk)
    problem = rules.combination_problem(Sanction.objects.filter(irregularity=irr).values_list("kind", flat=True),
                                        kind)
    if problem and not Sanction.objects.filter(irregularity=irr, kind=kind).exists():
        raise IrregularityRefused(problem)
    return plan_sanction(irr, kind, adjusted_grade, retained)


@transaction.atomic
def impose_sanction(pk: int, *, kind: str, adjusted_grade: int | None = None,
                    retained: frozenset[str] | set[str] = frozenset(), by) -> Sanction:
    """IR-4 (UH 18.3.1): record the sanction and apply it to the results it names: each a new result version
    (procedure ``irregularity``, the reason, the decision date) that supersedes the old one, which is kept. The
    same sanction twice returns the first; another one is refused (one sanction, plus the exclusion from the
    second opportunity)."""
    irr = _lock(pk)
    retained = frozenset(retained)
    same = Sanction.objects.filter(irregularity=irr, kind=kind).first()
    if same is not None:
        if same.adjusted_grade == adjusted_grade and frozenset(same.retained_units) == retained:
            return same
        raise IrregularityRefused(_("This sanction is already recorded with other values."))
    if not rules.action_possible(rules.SANCTION, irr.status, irr.irregularity_found):
        if irr.irregularity_found is False:
            raise IrregularityRefused(_("The bureau established no irregularity: there is no sanction "
                                        "(UH 18.2.4)."))
        raise IrregularityRefused(_("Sanctions are recorded after the decision and before the letter (UH 18.3)."))
    _refuse_if([rules.combination_problem(Sanction.objects.filter(irregularity=irr).values_list("kind", flat=True),
                                          kind)])
    plan = plan_sanction(irr, kind, adjusted_grade, retained)
    reason_tail = " " + _("File %(pk)s, decided on %(date)s.") % {"pk": irr.pk, "date": irr.decided_on}
    written = []
    for new in plan.new:
        line = plan.lines[new.line_id]
        try:
            written.append(record_result(line, plan.periods[new.period], new.outcome, new.grade, by=by,
                                         procedure=ResultProcedure.IRREGULARITY, reason=new.reason + reason_tail,
                                         decided_on=irr.decided_on))
        except ResultRefused as refused:
            raise IrregularityRefused(f"{new.unit}: {refused}")
    sanction = Sanction.objects.create(irregularity=irr, kind=kind, recorded_by=by, retained_units=sorted(retained),
                                       adjusted_grade=adjusted_grade if kind == rules.ADJUSTED_GRADE else None)
    sanction.results.set(written)
    changes = "; ".join(_("%(unit)s opportunity %(opportunity)s: %(before)s -> %(after)s") % {
        "unit": n.unit, "opportunity": n.opportunity, "before": _mark_text(n.before),
        "after": _value_text(n.outcome, n.grade)} for n in plan.new)
    note = _("Sanction: %(kind)s") % {"kind": rules.sanction_word(kind)}
    if kind == rules.ADJUSTED_GRADE:
        note += f" ({adjusted_grade})"
    if retained:
        note += "; " + _("grades retained: %(units)s") % {"units": ", ".join(sorted(retained))}
    note += ". " + (f"{changes}." if changes else _("No result changes."))
    _move(irr, rules.SANCTION, by, note)
    return sanction


def _value_text(outcome: str, grade: int | None) -> str:
    from ..rules.results import display

    return display(outcome, grade)


def _mark_text(mark: rules.Mark | None) -> str:
    return _("no result") if mark is None else _value_text(mark.outcome, mark.grade)


# ---------------------------------------------------------------------------------------------------------------
# IR-5: the rector, the letter


@transaction.atomic
def refer_to_rector(pk: int, *, referred_on: date, proposal: str, by) -> Irregularity:
    """IR-5 (UH 18.3.3): for a very serious or repeated irregularity the committee proposes to the rector to
    exclude the student and refuse her enrolment; the rector's decision goes with the letter."""
    irr = _lock(pk)
    if irr.status == IrregularityStatus.REFERRED and irr.referred_on == referred_on:
        return irr
    if not proposal.strip():
        raise IrregularityRefused(_("State what the committee proposes to the rector, and why (UH 18.3.3)."))
    if irr.irregularity_found is not True:
        raise IrregularityRefused(_("Only an established irregularity can be proposed to the rector (UH 18.3.3)."))
    _refuse_if([rules.date_order_problem(_("the decision"), irr.decided_on, _("The proposal to the rector"),
                                         referred_on)])
    note = _("Proposed to the rector on %(date)s: %(proposal)s") % {"date": referred_on, "proposal": proposal.strip()}
    return _move(irr, rules.REFER, by, note,
                 referred_to_rector=True, referred_on=referred_on)


@transaction.atomic
def send_letter(pk: int, *, sent_on: date, by, rector_decided_on: date | None = None,
                rector_decision: str = "") -> Irregularity:
    """IR-5 (UH 18.3.2-3, 18.2.5): the reasoned decision is communicated to the student (with the rector's, for a
    referred file), naming the internal appeal of seven calendar days. A letter after its limit is still sent;
    the file shows it late."""
    irr = _lock(pk)
    if irr.status == IrregularityStatus.NOTIFIED and irr.letter_sent_on == sent_on:
        return irr
    fields = dict(letter_sent_on=sent_on)
    if irr.status == IrregularityStatus.REFERRED:
        if rector_decided_on is None or not rector_decision.strip():
            raise IrregularityRefused(_("A referred file's letter carries the rector's decision: give its date "
                                        "and content (UH 18.3.3)."))
        _refuse_if([rules.date_order_problem(_("the proposal to the rector"), irr.referred_on,
                                             _("The rector's decision"), rector_decided_on),
                    rules.date_order_problem(_("the rector's decision"), rector_decided_on, _("The letter"),
                                             sent_on)])
        fields.update(rector_decided_on=rector_decided_on, rector_decision=rector_decision.strip())
    _refuse_if([rules.date_order_problem(_("the decision"), irr.decided_on, _("The letter"), sent_on)])
    ir = limits_for(irr)
    note = _("Reasoned decision sent to the student on %(date)s.") % {"date": sent_on}
    if irr.decided_on is not None:
        due = rules.letter_deadline(irr.decided_on, irr.referred_to_rector, ir)
        if sent_on > due:
            note += " " + _("After the limit of %(date)s (IR-5).") % {"date": due}
        note += " " + _("Internal appeal until %(date)s.") % {
            "date": rules.appeal_deadline(sent_on, holidays_around(sent_on), ir)}
    return _move(irr, rules.SEND_LETTER, by, note, **fields)
