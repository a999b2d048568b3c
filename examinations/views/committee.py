"""Pages of the examination committees: committees and their members, ties, meetings (attendance, quorum,
opening, closing, sign-off), the deliberation with its decisions and tolerance choices, the report PDF and the
proclamation.

Every view is declared in ``PAGE_ROLES`` (URL name -> roles) and checked twice: the role (403) and the object
(a committee or meeting the user does not sit on is a 404; an action her seat does not allow is a 403).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.access import Role, role_required
from enrolment.views import roles_text
from students.history import committee_history, meeting_history

from .. import queries_committee as q
from ..forms_committee import (
    AttendanceForm,
    CommitteeCreateForm,
    DecisionForm,
    EndMemberForm,
    MeetingCreateForm,
    MemberForm,
    OpenMeetingForm,
    ProclaimForm,
    TieForm,
    ToleranceChoiceForm,
)
from ..models import CommitteeMember, MeetingKind, MeetingStatus
from ..rules import NoDeliberationRules
from ..services import committee as services
from ..services.committee import CommitteeRefused

ADMIN = (Role.STUDENT_ADMIN,)
PAGE_ROLES = {
    "committee_list": q.COMMITTEE_READ,
    "committee_create": ADMIN,
    "committee_detail": q.COMMITTEE_READ,
    "member_add": ADMIN,
    "member_end": ADMIN,
    "tie_list": ADMIN,
    "meeting_create": q.MEETING_ORGANISERS,
    "meeting_detail": q.COMMITTEE_READ,
    "meeting_attendance": q.MEETING_ORGANISERS,
    "meeting_open": q.MEETING_ORGANISERS,
    "meeting_close": q.MEETING_ORGANISERS,
    "meeting_sign": q.DECISION_ROLES,
    "meeting_deliberation": q.COMMITTEE_READ,
    "decision": q.DECISION_ROLES,
    "tolerance_choice": (Role.STUDENT_ADMIN, *q.DECISION_ROLES),
    "meeting_report": q.COMMITTEE_READ,
    "meeting_proclaim": ADMIN,
}


def page(name):
    return role_required(*PAGE_ROLES[name])


def _refused(request, exc):
    for problem in exc.problems:
        messages.error(request, problem)


# ---------------------------------------------------------------- committees


@page("committee_list")
def committee_list(request):
    """examinations:committee_list - the committees the user sits on; the student administration sees all."""
    search = request.GET.get("q", "").strip()
    committees = q.committees_for(request.user)
    if search:
        committees = committees.filter(programme__code__icontains=search) | committees.filter(
            programme__name__icontains=search)
    page_obj = Paginator(committees, 25).get_page(request.GET.get("page"))
    return render(request, "examinations/committee/committee_list.html", {
        "page_obj": page_obj, "object_list": page_obj.object_list, "paginator": page_obj.paginator,
        "is_paginated": page_obj.has_other_pages(), "q": search, "sees_all": q.sees_all(request.user),
        "create_form": CommitteeCreateForm() if q.sees_all(request.user) else None,
        "page_roles": roles_text(PAGE_ROLES["committee_list"]),
    })


@require_POST
@page("committee_create")
def committee_create(request):
    form = CommitteeCreateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a programme without a committee."))
        return redirect("examinations:committee_list")
    committee = services.create_committee(form.cleaned_data["programme"].pk)
    messages.success(request, _("The examination committee of %(code)s is created.") % {
        "code": committee.programme.code})
    return redirect("examinations:committee_detail", pk=committee.pk)


@page("committee_detail")
def committee_detail(request, pk):
    """examinations:committee_detail - members and roles, the EC-1 check, the meetings."""
    committee = q.access_committee(request.user, pk)
    context = q.committee_page(committee)
    context.update({
        "may_edit": q.sees_all(request.user), "may_plan": q.can_plan_meetings(request.user, committee),
        "member_form": MemberForm(), "end_form": EndMemberForm(),
        "page_roles": roles_text(PAGE_ROLES["committee_detail"]),
        "history": committee_history(committee),
    })
    return render(request, "examinations/committee/committee_detail.html", context)


@page("member_add")
def member_add(request, pk):
    committee = q.access_committee(request.user, pk)
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            member = services.add_member(committee.pk, c["user"].pk, c["role"], c["since"], by=request.user)
        except CommitteeRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("%(person)s sits on the committee as %(role)s.") % {
                "person": member.user.get_full_name() or member.user, "role": member.get_role_display()})
            return redirect("examinations:committee_detail", pk=committee.pk)
    return render(request, "examinations/committee/member_form.html", {
        "committee": committee, "form": form, "page_roles": roles_text(PAGE_ROLES["member_add"])})


@require_POST
@page("member_end")
def member_end(request, pk, member_pk):
    committee = q.access_committee(request.user, pk)
    member = CommitteeMember.objects.filter(committee=committee, pk=member_pk).select_related("user").first()
    form = EndMemberForm(request.POST)
    if member is None or not form.is_valid():
        messages.error(request, _("Give the date the membership ends."))
        return redirect("examinations:committee_detail", pk=committee.pk)
    try:
        services.end_member(member.pk, form.cleaned_data["until"], by=request.user)
    except CommitteeRefused as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("%(person)s's membership ends on %(date)s.") % {
            "person": member.user.get_full_name() or member.user, "date": form.cleaned_data["until"]})
    return redirect("examinations:committee_detail", pk=committee.pk)


@page("tie_list")
def tie_list(request):
    """examinations:tie_list - ties declared by staff members with students (EC-4, EX-11); record one."""
    form = TieForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            tie = services.declare_tie(c["person"].pk, c["student"].strip(), c["kind"], c["declared_on"],
                                       by=request.user)
        except CommitteeRefused as exc:
            form.add_error("student", str(exc))
        else:
            messages.success(request, _("The tie between %(person)s and %(student)s is on record.") % {
                "person": tie.person.get_full_name() or tie.person, "student": tie.student.number})
            return redirect("examinations:tie_list")
    search = request.GET.get("q", "").strip()
    page_obj = Paginator(q.ties_list(search), 25).get_page(request.GET.get("page"))
    return render(request, "examinations/committee/tie_list.html", {
        "form": form, "page_obj": page_obj, "object_list": page_obj.object_list, "paginator": page_obj.paginator,
        "is_paginated": page_obj.has_other_pages(), "q": search,
        "page_roles": roles_text(PAGE_ROLES["tie_list"])})


# ---------------------------------------------------------------- meetings


@page("meeting_create")
def meeting_create(request, pk):
    """examinations:meeting_create - the chair, the secretary or the student administration plans a meeting."""
    committee = q.access_committee(request.user, pk)
    if not q.can_plan_meetings(request.user, committee):
        raise PermissionDenied
    form = MeetingCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            meeting = services.create_meeting(committee.pk, c["kind"], c["form"], c["exam_period"].pk, c["held_on"],
                                              by=request.user)
        except CommitteeRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The meeting of %(date)s is planned. Record the attendance, then open it.")
                             % {"date": meeting.held_on})
            return redirect("examinations:meeting_detail", pk=meeting.pk)
    return render(request, "examinations/committee/meeting_form.html", {
        "committee": committee, "form": form, "page_roles": roles_text(PAGE_ROLES["meeting_create"])})


@page("meeting_detail")
def meeting_detail(request, pk):
    """examinations:meeting_detail - attendance, quorum, status, signatures, proclamation."""
    access = q.access_meeting(request.user, pk)
    context = q.meeting_page(access)
    meeting = access.meeting
    context.update({
        "attendance_form": AttendanceForm(rows=context["attendance"], bureau=meeting.kind == MeetingKind.BUREAU),
        "open_form": OpenMeetingForm(),
        "proclaim_form": ProclaimForm(initial={"published_on": meeting.exam_period.results_published_on}),
        "page_roles": roles_text(PAGE_ROLES["meeting_detail"]),
        "history": meeting_history(meeting),
    })
    return render(request, "examinations/committee/meeting_detail.html", context)


def _organiser(request, pk):
    access = q.access_meeting(request.user, pk)
    if not access.can_organise:
        raise PermissionDenied
    return access


@require_POST
@page("meeting_attendance")
def meeting_attendance(request, pk):
    access = _organiser(request, pk)
    meeting = access.meeting
    form = AttendanceForm(request.POST, rows=q.attendance_rows(meeting), bureau=meeting.kind == MeetingKind.BUREAU)
    if form.is_valid():
        try:
            services.record_attendance(meeting.pk, form.attendance(), by=request.user)
        except CommitteeRefused as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("The attendance list is saved."))
    else:
        messages.error(request, _("The attendance list has errors."))
    return redirect("examinations:meeting_detail", pk=meeting.pk)


@require_POST
@page("meeting_open")
def meeting_open(request, pk):
    access = _organiser(request, pk)
    form = OpenMeetingForm(request.POST)
    form.is_valid()
    try:
        meeting = services.open_meeting(access.meeting.pk, request.user,
                                        presiding_reason=form.cleaned_data.get("presiding_reason", ""))
    except CommitteeRefused as exc:
        messages.error(request, _("The meeting cannot open."))
        _refused(request, exc)
        return redirect("examinations:meeting_detail", pk=pk)
    messages.success(request, _("The meeting is in session, presided by %(name)s.") % {
        "name": meeting.presiding.user.get_full_name() or meeting.presiding.user})
    return redirect("examinations:meeting_deliberation", pk=pk)


@require_POST
@page("meeting_close")
def meeting_close(request, pk):
    access = _organiser(request, pk)
    try:
        services.close_meeting(access.meeting.pk, request.user)
    except CommitteeRefused as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The meeting is closed. The chair (or the member who presided) and the "
                                    "secretary sign the report."))
    return redirect("examinations:meeting_detail", pk=pk)


@require_POST
@page("meeting_sign")
def meeting_sign(request, pk):
    access = q.access_meeting(request.user, pk)
    try:
        signature = services.sign_meeting(access.meeting.pk, request.user)
    except CommitteeRefused as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Signed at %(time)s.") % {
            "time": timezone.localtime(signature.signed_at).strftime("%Y-%m-%d %H:%M")})
    return redirect("examinations:meeting_detail", pk=pk)


@require_POST
@page("meeting_proclaim")
def meeting_proclaim(request, pk):
    """EX-8: the student administration proclaims the exam period's results for the programme."""
    access = q.access_meeting(request.user, pk)
    form = ProclaimForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the date of the announcement."))
        return redirect("examinations:meeting_detail", pk=pk)
    try:
        proclamation = services.proclaim(access.meeting.pk, form.cleaned_data["published_on"], request.user)
    except CommitteeRefused as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The results are proclaimed on %(date)s.") % {
            "date": proclamation.published_on})
    return redirect("examinations:meeting_detail", pk=pk)


# ---------------------------------------------------------------- deliberation


def _proposal_or_message(request, fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except NoDeliberationRules as exc:
        messages.error(request, str(exc))
        return None


@page("meeting_deliberation")
def meeting_deliberation(request, pk):
    """examinations:meeting_deliberation - per student the proposal (why) and the decision."""
    access = q.access_meeting(request.user, pk)
    show = request.GET.get("show", "")
    search = request.GET.get("q", "")
    data = _proposal_or_message(request, q.deliberation, access.meeting, request.user, q=search, show=show)
    if data is None:
        return redirect("examinations:meeting_detail", pk=pk)
    page_obj = Paginator(data["rows"], 50).get_page(request.GET.get("page"))
    return render(request, "examinations/committee/deliberation.html", {
        **data, "meeting": access.meeting, "access": access, "page_obj": page_obj, "rows": page_obj.object_list,
        "paginator": page_obj.paginator, "is_paginated": page_obj.has_other_pages(), "show": show, "q": search,
        "in_session": access.meeting.status == MeetingStatus.OPEN,
        "page_roles": roles_text(PAGE_ROLES["meeting_deliberation"]),
    })


@page("decision")
def decision(request, pk, number):
    """examinations:decision - follow the proposal or deviate in the student's favour, with a vote if asked."""
    access = q.access_meeting(request.user, pk)
    if not access.can_decide:
        raise PermissionDenied
    meeting = access.meeting
    row = q.student_row(meeting, request.user, number)
    if row["you_excluded"]:
        raise PermissionDenied(_("You have a declared tie with this student (UH 14.3.5)."))
    regs = meeting.exam_period.academic_year.rules
    distinctions = [(name, q.distinction_word(name)) for _threshold, name in sorted(regs.deliberation.distinctions)]
    packages = [p["package"] for p in row["proposal"]["packages"]]
    initial = {"choice": "follow"}
    current = row["decision"]
    if current is not None:
        initial = {
            "choice": "follow" if current.follows_proposal else "deviate",
            "programme_passed": current.programme_passed,
            "passed_packages": ["programme" if p is None else str(p) for p in current.passed_packages],
            "distinction": current.distinction, "reason": current.reason,
            "vote_requested": current.vote_requested, "secret_ballot": current.secret_ballot,
            "votes_for": current.votes_for, "votes_against": current.votes_against,
            "abstentions": current.abstentions,
        }
    form = DecisionForm(request.POST or None, initial=initial, packages=packages, distinctions=distinctions)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.record_decision(meeting.pk, number, request.user, **form.service_kwargs())
        except CommitteeRefused as exc:
            for problem in exc.problems:
                form.add_error(None, problem)
        else:
            if saved.follows_proposal and form.cleaned_data["choice"] == "deviate":
                messages.warning(request, _("The vote rejected the deviation: the proposal stands for %(n)s.") % {
                    "n": number})
            else:
                messages.success(request, _("The decision for %(n)s is recorded (version %(v)s).") % {
                    "n": number, "v": saved.version})
            return redirect(reverse("examinations:meeting_deliberation", args=[pk]) + f"#s{number}")
    tolerance_form = ToleranceChoiceForm(units=[u for u in row["tolerated"] if u not in row["tolerance_choices"]])
    return render(request, "examinations/committee/decision_form.html", {
        "meeting": meeting, "row": row, "form": form, "tolerance_form": tolerance_form,
        "in_session": meeting.status == MeetingStatus.OPEN,
        "page_roles": roles_text(PAGE_ROLES["decision"]),
    })


@require_POST
@page("tolerance_choice")
def tolerance_choice(request, pk, number):
    """DL-9: record that the student uses tolerance for a unit (final)."""
    access = q.access_meeting(request.user, pk)
    if not (access.can_decide or access.admin):
        raise PermissionDenied
    row = q.student_row(access.meeting, request.user, number)
    if row["you_excluded"]:
        raise PermissionDenied
    form = ToleranceChoiceForm(request.POST, units=row["tolerated"])
    if form.is_valid():
        try:
            services.record_tolerance_choice(access.meeting.pk, number, form.cleaned_data["unit"],
                                             form.cleaned_data["chosen_on"], request.user)
        except CommitteeRefused as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("%(n)s uses tolerance for %(unit)s; this choice is final (UH 4.5).") % {
                "n": number, "unit": form.cleaned_data["unit"]})
    else:
        messages.error(request, _("Choose a tolerated unit and the date."))
    return redirect(reverse("examinations:meeting_deliberation", args=[pk]) + f"#s{number}")


# ---------------------------------------------------------------- the report


def report_pdf(data: dict, printed_at) -> bytes:
    from weasyprint import HTML

    html = render_to_string("examinations/committee/report_pdf.html", {**data, "printed_at": printed_at})
    return HTML(string=html).write_pdf()


@page("meeting_report")
def meeting_report(request, pk):
    """examinations:meeting_report - the meeting's report as a PDF (a draft until both have signed)."""
    access = q.access_meeting(request.user, pk)
    data = _proposal_or_message(request, q.report, access.meeting)
    if data is None:
        return redirect("examinations:meeting_detail", pk=pk)
    meeting = access.meeting
    response = HttpResponse(report_pdf(data, timezone.localtime()), content_type="application/pdf")
    name = f"report-{meeting.committee.programme.code}-{meeting.kind}-{meeting.held_on:%Y-%m-%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
