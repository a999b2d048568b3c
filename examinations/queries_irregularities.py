"""Read side of the irregularity files: scoped lists, the file page, the letter, each in a fixed number of queries.

Scoping: the student administration sees every file; a committee chair, secretary or member the files of the
committees where she holds a current seat (chair, vice chair, secretary or member); an ombudsperson the files of
the committees where she is the ombudsperson. A file outside one's scope is answered as missing (404).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Q, QuerySet
from django.http import Http404

from config.access import Role, has_role, user_roles
from config.calendar import holidays_around
from config.regulations import PRESETS
from enrolment.models import ProgrammeLine

from .models import CommitteeMember, ExamCommittee, Hearing, Irregularity, IrregularityStatus, Sanction
from .rules import irregularity as rules
from .services.irregularity import active_seats, limits_for

#: Who may open the irregularity pages at all (the object scope narrows it further).
FILE_READERS = (Role.STUDENT_ADMIN, Role.COMMITTEE_CHAIR, Role.COMMITTEE_SECRETARY, Role.COMMITTEE_MEMBER,
                Role.OMBUDSPERSON)
#: Who may record a report (IR-1): the administration, the committee's chair or secretary.
REPORTERS = (Role.STUDENT_ADMIN, Role.COMMITTEE_CHAIR, Role.COMMITTEE_SECRETARY)
#: Who may take a step on a file; which step, the file's state and her capacity on it decide (rules.WHO_MAY).
ACTORS = (Role.STUDENT_ADMIN, Role.COMMITTEE_CHAIR, Role.COMMITTEE_SECRETARY, Role.COMMITTEE_MEMBER)

COMMITTEE_GROUPS = (Role.COMMITTEE_CHAIR, Role.COMMITTEE_SECRETARY, Role.COMMITTEE_MEMBER)
COMMITTEE_SEATS = ("chair", "vice_chair", "secretary", "member")


def is_administration(user) -> bool:
    return user.is_superuser or Role.STUDENT_ADMIN in user_roles(user)


def seat_roles_counted(user) -> set[str]:
    """The seats that give this user sight of a committee's files, by her role groups."""
    roles = user_roles(user)
    counted = set()
    if roles & set(COMMITTEE_GROUPS):
        counted |= set(COMMITTEE_SEATS)
    if Role.OMBUDSPERSON in roles:
        counted.add("ombudsperson")
    return counted


def _current_seats(user, today: date) -> QuerySet:
    return (CommitteeMember.objects.filter(user_id=user.pk, role__in=seat_roles_counted(user), since__lte=today)
            .filter(Q(until__isnull=True) | Q(until__gte=today)))


def irregularities_for(user, today: date) -> QuerySet:
    """The files this user may see, newest report first, with what the list shows (one query per page)."""
    qs = Irregularity.objects.select_related("student", "course_unit", "committee__programme",
                                             "exam_period__academic_year")
    if is_administration(user):
        return qs
    if not has_role(user, FILE_READERS):
        return qs.none()
    roles = user_roles(user)
    seen = Q(pk__in=[])
    if roles & set(COMMITTEE_GROUPS):
        seen |= Q(committee_id__in=_current_seats(user, today).filter(role__in=COMMITTEE_SEATS)
                  .values("committee_id"))
    if Role.OMBUDSPERSON in roles:
        # OM-2: the ombudsperson sees the files she handles: her programmes' files unless she stood aside, and
        # those she takes over as deputy or central ombudsperson (one scoping function for every file page).
        from appeals.queries_ombuds import handled_ids

        seen |= Q(pk__in=handled_ids(user, "irregularity", today))
    return qs.filter(seen)


def access_irregularity(user, pk: int, today: date) -> Irregularity:
    """The file, or 404 when it does not exist or is not this user's to see."""
    try:
        return irregularities_for(user, today).select_related("acting_chair", "acting_vice_chair").get(pk=pk)
    except Irregularity.DoesNotExist:
        raise Http404("No such irregularity file.")


def overdue_q(today: date) -> Q:
    """Files whose reasoned decision is past its IR-5 limit and not sent, per the regulations of their year."""
    q = Q(pk__in=[])
    for code, regs in PRESETS.items():
        if regs.irregularity is None:
            continue
        ir = regs.irregularity
        q |= Q(exam_period__academic_year__regulations=code, letter_sent_on__isnull=True, decided_on__isnull=False) & (
            Q(referred_to_rector=False, decided_on__lt=today - timedelta(days=ir.letter_days))
            | Q(referred_to_rector=True, decided_on__lt=today - timedelta(days=ir.rector_letter_days)))
    return q


def row_deadline(irr: Irregularity, today: date) -> str | None:
    """The list's deadline note for a row: ``overdue`` (IR-5 letter), ``late_report`` (IR-1) or nothing."""
    regs = irr.exam_period.academic_year.rules
    if regs.irregularity is not None and irr.decided_on is not None and irr.letter_sent_on is None:
        due = rules.letter_deadline(irr.decided_on, irr.referred_to_rector, regs.irregularity)
        if today > due:
            return "overdue"
    if irr.reported_late:
        return "late_report"
    return None


def capacities_on(user, irr: Irregularity, today: date) -> frozenset[str]:
    seat_roles = set(_current_seats(user, today).filter(committee_id=irr.committee_id)
                     .values_list("role", flat=True))
    return rules.capacities(user.pk, administration=is_administration(user), seat_roles=seat_roles,
                            chair_is_party=irr.chair_is_party, vice_chair_is_party=irr.vice_chair_is_party,
                            acting_chair_id=irr.acting_chair_id, acting_vice_chair_id=irr.acting_vice_chair_id)


def allowed_actions(user, irr: Irregularity, today: date) -> tuple[str, ...]:
    return rules.allowed_actions(irr.status, irr.irregularity_found, capacities_on(user, irr, today))


def sanctions_of(irr: Irregularity) -> list[Sanction]:
    """The sanctions with the result versions they wrote and the versions those superseded."""
    return list(Sanction.objects.filter(irregularity=irr).select_related("recorded_by").prefetch_related(
        "results__course_unit", "results__exam_period", "results__supersedes").order_by("recorded_at", "id"))


def bureau_of(irr: Irregularity, seats) -> dict:
    """Who sits for this file (IR-3), from the committee's current seats and the file's replacement."""
    by_role = {s.role: s.user for s in seats}
    chair, vice = by_role.get("chair"), by_role.get("vice_chair")
    if irr.chair_is_party and irr.vice_chair_is_party:
        return {"by_committee": True, "chair": None, "vice_chair": None, "stands_aside": [u for u in (chair, vice)
                                                                                         if u]}
    return {
        "by_committee": False,
        "chair": irr.acting_chair if irr.chair_is_party else chair,
        "vice_chair": irr.acting_vice_chair if (irr.chair_is_party or irr.vice_chair_is_party) else vice,
        "stands_aside": [u for u, party in ((chair, irr.chair_is_party), (vice, irr.vice_chair_is_party))
                         if party and u],
    }


def file_page(user, pk: int, today: date) -> dict:
    """Everything the file page shows: the file, its timeline, hearing, sanctions, deadlines, who sits and the
    actions this user may take now."""
    irr = access_irregularity(user, pk, today)
    seats = list(active_seats(irr.committee_id, today))
    ir = limits_for(irr)
    hearing = Hearing.objects.filter(irregularity=irr).select_related("report_written_by").first()
    return {
        "irregularity": irr,
        "transitions": list(irr.transitions.select_related("by")),
        "hearing": hearing,
        "sanctions": sanctions_of(irr),
        "deadlines": rules.deadlines(
            discovered_on=irr.discovered_on, reported_on=irr.reported_on, decided_on=irr.decided_on,
            referred_to_rector=irr.referred_to_rector, letter_sent_on=irr.letter_sent_on,
            holidays=holidays_around(irr.discovered_on) | holidays_around(irr.letter_sent_on or irr.discovered_on),
            ir=ir, today=today),
        "bureau": bureau_of(irr, seats),
        "ombudspersons": [s.user for s in seats if s.role == "ombudsperson"],
        "actions": rules.allowed_actions(irr.status, irr.irregularity_found, capacities_on(user, irr, today)),
        "letter_ready": irr.status in (IrregularityStatus.DECIDED, IrregularityStatus.REFERRED,
                                       IrregularityStatus.NOTIFIED),
    }


def letter_context(user, pk: int, today: date) -> dict:
    """The reasoned decision letter (IR-5): the file page's facts, plus the appeal route."""
    page = file_page(user, pk, today)
    irr = page["irregularity"]
    ir = limits_for(irr)
    page["appeal_days"] = ir.appeal_days
    page["appeal_until"] = (rules.appeal_deadline(irr.letter_sent_on, holidays_around(irr.letter_sent_on), ir)
                            if irr.letter_sent_on else None)
    page["letter_due"] = (rules.letter_deadline(irr.decided_on, irr.referred_to_rector, ir)
                          if irr.decided_on else None)
    return page


def reporting_programme_ids(user, today: date) -> set[int] | None:
    """The programmes for whose students this user may record a report: all (None) for the administration, else
    those of the committees where she is chair or secretary."""
    if is_administration(user):
        return None
    roles = user_roles(user)
    seats = []
    if Role.COMMITTEE_CHAIR in roles or Role.COMMITTEE_SECRETARY in roles:
        seats = ["chair", "secretary"]
    return set(ExamCommittee.objects.filter(
        members__user_id=user.pk, members__role__in=seats, members__since__lte=today)
        .filter(Q(members__until__isnull=True) | Q(members__until__gte=today)).values_list("programme_id", flat=True))


def line_for_report(student_number: str, unit_code: str, academic_year_id: int) -> ProgrammeLine | None:
    return (ProgrammeLine.objects.select_related("contract__programme", "course_unit", "student", "academic_year")
            .filter(student__number=student_number.strip(), course_unit__code=unit_code.strip().upper(),
                    academic_year_id=academic_year_id, removed_on__isnull=True).first())


def substitutes(irr: Irregularity, today: date) -> list[CommitteeMember]:
    """The committee's voting members who may complete the bureau (IR-3): secretary and members."""
    return list(active_seats(irr.committee_id, today).filter(role__in=("secretary", "member"))
                .order_by("user__last_name", "user__first_name"))


def student_units(irr: Irregularity) -> list[str]:
    """The unit codes of the student's programme that year in the file's contract (for grades retained)."""
    line = (ProgrammeLine.objects.filter(student_id=irr.student_id, course_unit_id=irr.course_unit_id,
                                         academic_year_id=irr.exam_period.academic_year_id, removed_on__isnull=True)
            .first())
    if line is None:
        return []
    return list(ProgrammeLine.objects.filter(contract_id=line.contract_id, removed_on__isnull=True, exempted=False)
                .order_by("course_unit__code").values_list("course_unit__code", flat=True))


def reporting_allowed(user) -> bool:
    return has_role(user, REPORTERS)
