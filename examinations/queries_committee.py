"""Read side of the committees: scoped lists, what a user may do in a meeting, the deliberation page and the
report, each in a number of queries that does not grow with the number of students or members.

Access: the student administration sees every committee; a committee role (chair, secretary, member,
ombudsperson, academic advisor) only the committees on which the user holds a seat. Anything else is a 404,
"missing" and "not yours" alike.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q
from django.http import Http404
from django.utils.translation import gettext as _

from appeals.rules import lodge_by
from config.access import Role, has_role
from config.calendar import holidays_around
from students.models import Student

from .models import (
    Attendance,
    CommitteeMember,
    Decision,
    ExamCommittee,
    Meeting,
    MeetingKind,
    MeetingSignature,
    Proclamation,
    TieDeclaration,
    ToleranceChoice,
)
from .rules import committee as ec
from .services.committee import opening_check, proposal_for, seat_value, seats_on

#: Roles that may sit on a committee (and so see the committees they sit on).
COMMITTEE_ROLES = (Role.COMMITTEE_CHAIR, Role.COMMITTEE_SECRETARY, Role.COMMITTEE_MEMBER, Role.OMBUDSPERSON,
                   Role.ACADEMIC_ADVISOR)
COMMITTEE_READ = (Role.STUDENT_ADMIN, *COMMITTEE_ROLES)
COMMITTEE_ADMIN = (Role.STUDENT_ADMIN,)
#: Who plans meetings and keeps their attendance (object level: the seat's role, or the administration).
MEETING_ORGANISERS = (Role.STUDENT_ADMIN, Role.COMMITTEE_CHAIR, Role.COMMITTEE_SECRETARY, Role.COMMITTEE_MEMBER)
#: Who records decisions and signs (object level: the seat on the meeting's committee decides).
DECISION_ROLES = (Role.COMMITTEE_CHAIR, Role.COMMITTEE_SECRETARY, Role.COMMITTEE_MEMBER)



def distinction_word(name: str) -> str:
    """DL-8's degrees in words (UH 16.9.1)."""
    return {
        "distinction": _("distinction"), "great_distinction": _("great distinction"),
        "greatest_distinction": _("greatest distinction"),
        "greatest_distinction_congratulations": _("greatest distinction with congratulations"),
    }.get(name, name)


def sees_all(user) -> bool:
    return user.is_superuser or has_role(user, COMMITTEE_ADMIN)


def _active(on: date | None = None) -> Q:
    if on is None:
        return Q(until__isnull=True)
    return Q(since__lte=on) & (Q(until__isnull=True) | Q(until__gte=on))


def committees_for(user):
    """The committees this user may see, with their programme and the number of current seats."""
    qs = ExamCommittee.objects.select_related("programme").annotate(
        seats=Count("members", filter=Q(members__until__isnull=True))).order_by("programme__code")
    if sees_all(user):
        return qs
    return qs.filter(members__user=user, members__until__isnull=True).distinct()


def access_committee(user, pk: int) -> ExamCommittee:
    committee = committees_for(user).filter(pk=pk).first()
    if committee is None:
        raise Http404("No such committee.")
    return committee


def committee_page(committee: ExamCommittee) -> dict:
    """Members (current and past), the EC-1 findings, the meetings (4 queries)."""
    members = list(CommitteeMember.objects.filter(committee=committee).select_related("user")
                   .order_by("until", "role", "user__last_name"))
    current = [m for m in members if m.until is None]
    past = [m for m in members if m.until is not None]
    regs = _regulations_for(committee)
    problems = ec.composition_problems([seat_value(m) for m in current], regs.committee)
    meetings = list(committee.meetings.select_related("exam_period__academic_year")
                    .annotate(decided=Count("decisions", filter=Q(decisions__is_current=True))))
    order = {r: i for i, r in enumerate(("chair", "vice_chair", "secretary", "member", "ombudsperson",
                                         "academic_advisor"))}
    current.sort(key=lambda m: (order.get(m.role, 9), m.user.last_name, m.user.first_name))
    return {"committee": committee, "members": current, "past_members": past, "meetings": meetings,
            "errors": [p for p in problems if p.blocking], "warnings": [p for p in problems if not p.blocking],
            "voting": sum(1 for m in current if m.votes)}


def _regulations_for(committee: ExamCommittee):
    from enrolment.models import AcademicYear

    year = AcademicYear.objects.order_by("-starts_on").first()
    if year is None:
        from config.regulations import DEFAULT_CODE, get_regulations

        return get_regulations(DEFAULT_CODE)
    return year.rules


# ---------------------------------------------------------------- meetings


@dataclass
class MeetingAccess:
    """What ``user`` may do in ``meeting``: read (sits on the committee or the administration), organise
    (attendance, open, close), decide (record decisions) and proclaim."""

    meeting: Meeting
    seat: CommitteeMember | None
    admin: bool
    superuser: bool

    @property
    def role(self) -> str | None:
        return self.seat.role if self.seat else None

    @property
    def can_organise(self) -> bool:
        return self.admin or self.superuser or self.role in ec.OFFICERS

    @property
    def can_decide(self) -> bool:
        return self.superuser or self.role in ec.OFFICERS or (
            self.seat is not None and self.seat.id == self.meeting.presiding_id)

    @property
    def can_proclaim(self) -> bool:
        return self.admin or self.superuser


def access_meeting(user, pk: int) -> MeetingAccess:
    meeting = (Meeting.objects.select_related("committee__programme", "exam_period__academic_year",
                                              "presiding__user", "created_by").filter(pk=pk).first())
    if meeting is None:
        raise Http404("No such meeting.")
    seat = (CommitteeMember.objects.filter(committee_id=meeting.committee_id, user=user)
            .filter(_active(meeting.held_on) | Q(until__isnull=True)).order_by("-since").first()
            if user.is_authenticated else None)
    admin = has_role(user, COMMITTEE_ADMIN)  # superusers included
    if seat is None and not admin:
        raise Http404("No such meeting.")
    return MeetingAccess(meeting, seat, admin, user.is_superuser)


def can_plan_meetings(user, committee: ExamCommittee) -> bool:
    """Chair, secretary (their seat on this committee) or the student administration."""
    if sees_all(user):
        return True
    return CommitteeMember.objects.filter(committee=committee, user=user, until__isnull=True,
                                          role__in=["chair", "secretary"]).exists()


def attendance_rows(meeting: Meeting) -> list[dict]:
    """Every member seated on the day, with the attendance recorded (absent when none), in role order."""
    seats = list(seats_on(meeting.committee_id, meeting.held_on))
    attendance = {a.member_id: a for a in Attendance.objects.filter(meeting=meeting)}
    order = {r: i for i, r in enumerate(("chair", "vice_chair", "secretary", "member", "ombudsperson",
                                         "academic_advisor"))}
    seats.sort(key=lambda m: (order.get(m.role, 9), m.user.last_name, m.user.first_name))
    rows = []
    for m in seats:
        a = attendance.get(m.id)
        replaces = a.replaces if a else ""
        rows.append({"member": m, "recorded": a is not None, "present": bool(a and a.present),
                     "replaces": replaces, "replaces_label": ec.role_word(replaces) if replaces else "",
                     "note": a.note if a else ""})
    return rows


def windows(published_on: date, regs) -> dict:
    """EX-9 inspection window and AP-2 appeal window after a proclamation."""
    first, last = ec.inspection_window(published_on, regs.committee)
    return {"inspection_from": first, "inspection_until": last,
            "appeal_from": first, "appeal_until": lodge_by(published_on, holidays_around(published_on))}


def proclamation_of(meeting: Meeting) -> dict | None:
    p = (Proclamation.objects.filter(exam_period_id=meeting.exam_period_id,
                                     programme_id=meeting.committee.programme_id)
         .select_related("recorded_by", "meeting").first())
    if p is None:
        return None
    return {"proclamation": p, **windows(p.published_on, meeting.exam_period.academic_year.rules)}


def meeting_page(access: MeetingAccess) -> dict:
    meeting = access.meeting
    rows = attendance_rows(meeting)
    problems, chair, signers = opening_check(meeting, meeting.presiding_reason or "-")
    signatures = list(MeetingSignature.objects.filter(meeting=meeting).select_related("user").order_by("signed_at"))
    signed_slots = {s.role for s in signatures}
    voting = [r for r in rows if r["member"].votes]
    check = ec.quorum(len(voting), sum(1 for r in voting if r["present"]),
                      meeting.exam_period.academic_year.rules.committee)
    from django.contrib.auth import get_user_model

    signer_users = get_user_model().objects.in_bulk(list(signers.values()))
    pending = [{"slot": slot, "label": ec.role_word(slot), "user": signer_users.get(uid)}
               for slot, uid in signers.items() if slot not in signed_slots]
    user_id = access.seat.user_id if access.seat else None
    return {
        "meeting": meeting, "access": access, "attendance": rows, "problems": problems, "quorum": check,
        "presiding_next": chair.seat, "chair_reason_needed": chair.reason_needed, "signatures": signatures,
        "pending_signatures": pending, "may_sign": meeting.status == "closed" and any(
            uid == user_id for slot, uid in signers.items() if slot not in signed_slots),
        "is_bureau": meeting.kind == MeetingKind.BUREAU,
        "decisions": Decision.objects.filter(meeting=meeting, is_current=True).count(),
        "proclaimed": proclamation_of(meeting),
    }


# ---------------------------------------------------------------- deliberation


def _verdict_text(passed: bool, packages: list[dict], passed_packages, distinction: str | None) -> str:
    if passed:
        if distinction:
            return _("programme passed, %(distinction)s") % {"distinction": distinction_word(distinction)}
        return _("programme passed")
    parts = []
    for p in packages:
        ok = p["package"] in passed_packages
        if p["package"] is None:
            parts.append(_("programme passed") if ok else _("programme not passed"))
        else:
            parts.append((_("package %(n)s passed") if ok else _("package %(n)s not passed")) % {"n": p["package"]})
    return ", ".join(parts) or _("nothing to deliberate")


def deliberation(meeting: Meeting, user, q: str = "", show: str = "", own_choices: bool = False) -> dict:
    """Per student deliberated in the meeting's programme and year: the proposal with its reasons, the current
    decision, the members kept out by a tie (EC-4) and the tolerance choices (DL-9) of the year (``own_choices``:
    only those recorded at this meeting, for its report). A user with a tie to a student sees that student's row
    as excluded, without the proposal. A fixed number of queries."""
    proposal = proposal_for(meeting)
    entries = proposal["students"]
    numbers = [e["student"] for e in entries]
    students = {s.number: s for s in Student.objects.filter(number__in=numbers).only(
        "id", "number", "first_name", "last_name")}
    ids = [s.id for s in students.values()]
    decisions = {d.student_id: d for d in Decision.objects.filter(meeting=meeting, is_current=True)
                 .select_related("recorded_by")}
    seats = list(seats_on(meeting.committee_id, meeting.held_on))
    seat_by_user = {m.user_id: m for m in seats}
    ties = defaultdict(set)
    for person, student in TieDeclaration.objects.filter(student_id__in=ids).values_list("person_id", "student_id"):
        ties[student].add(person)
    choices = defaultdict(list)
    chosen = ToleranceChoice.objects.filter(student_id__in=ids, academic_year=meeting.exam_period.academic_year)
    if own_choices:
        chosen = chosen.filter(meeting=meeting)
    for sid, code in chosen.values_list("student_id", "course_unit__code"):
        choices[sid].append(code)
    rows = []
    q = q.strip().lower()
    for e in entries:
        s = students[e["student"]]
        excluded = ec.excluded_members(s.id, seat_by_user, [(p, s.id) for p in ties[s.id]])
        you_excluded = user.id in ties[s.id]
        decision = decisions.get(s.id)
        proposed = {p["package"] for p in e["packages"] if p["passed"]}
        row = {
            "number": s.number, "name": f"{s.last_name}, {s.first_name}", "student": s, "proposal": e,
            "proposal_text": _verdict_text(e["programme_passed"], e["packages"], proposed, e["distinction"]),
            "decision": decision, "excluded": [seat_by_user[u] for u in sorted(excluded)],
            "you_excluded": you_excluded, "tolerance_choices": sorted(choices[s.id]),
            "tolerated": sorted({c for p in e["packages"] for c in p["tolerated"]}),
        }
        if decision is not None:
            row["decision_text"] = _verdict_text(decision.programme_passed, e["packages"],
                                                 set(decision.passed_packages), decision.distinction)
        rows.append(row)
    counts = {"all": len(rows), "decided": sum(1 for r in rows if r["decision"]),
              "deviating": sum(1 for r in rows if r["decision"] and not r["decision"].follows_proposal),
              "failing": sum(1 for r in rows if not all(p["passed"] for p in r["proposal"]["packages"]))}
    if q:
        rows = [r for r in rows if q in r["number"] or q in r["name"].lower()]
    if show == "undecided":
        rows = [r for r in rows if not r["decision"]]
    elif show == "deviating":
        rows = [r for r in rows if r["decision"] and not r["decision"].follows_proposal]
    elif show == "failing":
        rows = [r for r in rows if not all(p["passed"] for p in r["proposal"]["packages"])]
    return {"rows": rows, "counts": counts, "opportunity": proposal["opportunity"],
            "academic_year": proposal["academic_year"]}


def student_row(meeting: Meeting, user, number: str) -> dict:
    """One student's row of the deliberation (404 when he is not deliberated in this meeting)."""
    rows = [r for r in deliberation(meeting, user)["rows"] if r["number"] == number]
    if not rows:
        raise Http404("This student is not deliberated in this meeting.")
    row = rows[0]
    row["history"] = list(Decision.objects.filter(meeting=meeting, student=row["student"])
                          .select_related("recorded_by").order_by("-version"))
    return row


# ---------------------------------------------------------------- the report


def report(meeting: Meeting) -> dict:
    """Everything the signed report shows (EC-5): committee, date, form, attendance, who presided and why,
    every student's proposal and decision with deviations, reasons and votes, the signatures."""
    from types import SimpleNamespace

    nobody = SimpleNamespace(id=None)
    data = deliberation(meeting, nobody, own_choices=True)
    signatures = list(MeetingSignature.objects.filter(meeting=meeting).select_related("user").order_by("signed_at"))
    return {
        "meeting": meeting, "committee": meeting.committee, "programme": meeting.committee.programme,
        "attendance": attendance_rows(meeting), "rows": data["rows"], "counts": data["counts"],
        "signatures": signatures, "proclaimed": proclamation_of(meeting),
    }


def ties_list(q: str = ""):
    qs = TieDeclaration.objects.select_related("person", "student", "recorded_by").order_by(
        "person__last_name", "student__number")
    if q:
        qs = qs.filter(Q(person__last_name__icontains=q) | Q(person__username__icontains=q)
                       | Q(student__number__icontains=q) | Q(student__last_name__icontains=q))
    return qs

