"""Pages of the appeals committee (AP-5 .. AP-8): the pool, the committee's list of appeals, the appeal's committee
file (who sits, exclusions, hearings, the vote, the decision, the letter) and each of its actions.

Every view is declared in ``PAGE_ROLES`` (URL name -> roles) and checked twice: the role (403) and the appeal (one
the user does not sit on, or was excluded from, is a 404). What the appeal's state does not allow the services
refuse, in words, on the form or as a message.
"""

from __future__ import annotations

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.access import role_required
from config.clock import today
from config.csv_export import safe_cell
from enrolment.views import roles_text

from .. import forms_committee as forms
from .. import queries_committee as q
from ..services import committee as services
from ..services.committee import CommitteeRefused, HearingRecord

PAGE_ROLES = {
    "committee_pool": q.FILE_KEEPERS,
    "committee_pool_add": q.FILE_KEEPERS,
    "committee_pool_end": q.FILE_KEEPERS,
    "committee_appeals": q.COMMITTEE_READERS,
    "committee_appeal": q.COMMITTEE_READERS,
    "committee_exclude": q.CHAIR,
    "committee_hearing_plan": q.FILE_KEEPERS,
    "committee_hearing_record": q.FILE_KEEPERS,
    "committee_motion": q.FILE_KEEPERS,
    "committee_vote": q.COMMITTEE_READERS,
    "committee_vote_close": q.COMMITTEE_READERS,
    "committee_later_date": q.FILE_KEEPERS,
    "committee_letter": q.COMMITTEE_READERS,
    "committee_letter_send": q.FILE_KEEPERS,
}


def page(name):
    return role_required(*PAGE_ROLES[name])



def _errors(request, refused: CommitteeRefused) -> None:
    for problem in refused.problems or [str(refused)]:
        messages.error(request, problem)


def _form_errors(form, refused: CommitteeRefused) -> None:
    for problem in refused.problems or [str(refused)]:
        form.add_error(None, problem)


# ---------------------------------------------------------------------------------------------------------------
# The pool


def _pool_page(request, add_form=None, status=200):
    on = today()
    filters = forms.PoolFilterForm(request.GET or None)
    values = filters.cleaned_data if filters.is_valid() else {}
    members = q.pool_members(values.get("status") or "current", values.get("role") or "", (values.get("q") or "")
                             .strip(), on)
    if request.GET.get("format") == "csv":
        return pool_csv(members, on)
    page_obj = Paginator(members, 25).get_page(request.GET.get("page"))
    return render(request, "appeals/committee/pool.html", {
        "filters": filters, "page_obj": page_obj, "object_list": page_obj.object_list,
        "paginator": page_obj.paginator, "is_paginated": page_obj.has_other_pages(),
        "filtered": any(request.GET.get(k) for k in ("q", "role")) or request.GET.get("status") not in (None, "",
                                                                                                       "current"),
        "check": q.pool_check(on), "today": on,
        "add_form": add_form or forms.PoolMemberForm(initial={"since": on, "role": "member"}),
        "end_form": forms.EndTermForm(initial={"until": on}),
        "page_roles": roles_text(PAGE_ROLES["committee_pool"]),
    }, status=status)


@page("committee_pool")
def pool_view(request):
    """appeals:committee_pool - the pool with its terms and the AP-5 check; ``?format=csv`` exports the list."""
    return _pool_page(request)


def pool_csv(members, on) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="appeals-committee-pool-{on.isoformat()}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([_("Name"), _("User"), _("Role"), _("Term from"), _("Term until"), _("External legal expert"),
                     _("Faculty or school")])
    for m in members:
        writer.writerow([safe_cell(v) for v in (
            m.name, m.user.get_username(), m.get_role_display(), m.since.isoformat(),
            m.until.isoformat() if m.until else "", _("yes") if m.external else _("no"), m.faculty)])
    return response


@require_POST
@page("committee_pool_add")
def pool_add(request):
    """appeals:committee_pool_add - seat a person in the pool (AP-5)."""
    form = forms.PoolMemberForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            member = services.add_pool_member(user=d["user"], role=d["role"], since=d["since"], until=d["until"],
                                              born_on=d["born_on"], external=d["external"], faculty=d["faculty"],
                                              by=request.user)
        except CommitteeRefused as refused:
            _form_errors(form, refused)
        else:
            messages.success(request, _("%(name)s is seated in the pool as %(role)s from %(since)s.") % {
                "name": member.name, "role": member.get_role_display(), "since": member.since.isoformat()})
            return redirect("appeals:committee_pool")
    return _pool_page(request, add_form=form, status=400)


@require_POST
@page("committee_pool_end")
def pool_end(request, pk):
    """appeals:committee_pool_end - end a seat's term."""
    form = forms.EndTermForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the last day of the term."))
    else:
        try:
            member = services.end_pool_term(pk, until=form.cleaned_data["until"], by=request.user)
        except CommitteeRefused as refused:
            _errors(request, refused)
        else:
            messages.success(request, _("The term of %(name)s ends on %(until)s.") % {
                "name": member.name, "until": member.until.isoformat()})
    return redirect("appeals:committee_pool")


# ---------------------------------------------------------------------------------------------------------------
# The committee's appeals


@page("committee_appeals")
def appeals_view(request):
    """appeals:committee_appeals - the appeals the user sits on (all for the secretary and the chair)."""
    on = today()
    qs = q.appeal_rows(q.committee_appeals_for(request.user, on), on)
    filterset = forms.CommitteeAppealFilter(request.GET or None, queryset=qs, today=on)
    page_obj = Paginator(filterset.qs, 25).get_page(request.GET.get("page"))
    rows = [(a, q.row_state(a, on)) for a in page_obj.object_list]
    return render(request, "appeals/committee/appeals.html", {
        "filter": filterset, "page_obj": page_obj, "rows": rows, "paginator": page_obj.paginator,
        "is_paginated": page_obj.has_other_pages(), "today": on,
        "filtered": any(request.GET.get(k) for k in ("q", "status", "state")),
        "can_keep": q.may_keep_file(request.user), "page_roles": roles_text(PAGE_ROLES["committee_appeals"]),
    })


@page("committee_appeal")
def appeal_view(request, pk):
    """appeals:committee_appeal - the appeal's committee file."""
    on = today()
    appeal = q.access_committee_appeal(request.user, pk, on)
    context = q.committee_page(request.user, appeal, on)
    context.update({"close_form": forms.CloseVoteForm(), "page_roles": roles_text(PAGE_ROLES["committee_appeal"])})
    if context["vote"] is not None and q.may_keep_file(request.user):
        context["record_vote_form"] = forms.VoteForm(members=context["vote"]["voters"])
    return render(request, "appeals/committee/appeal.html", context)


def _detail(appeal) -> str:
    return reverse("appeals:committee_appeal", args=[appeal.pk])


def _form_page(request, appeal, form, title, help_text="", submit=None):
    return render(request, "appeals/committee/form.html", {
        "appeal": appeal, "form": form, "title": title, "help": help_text, "cancel_url": _detail(appeal),
        "submit": submit or _("Save"), "page_roles": roles_text(PAGE_ROLES[request.resolver_match.url_name]),
    })


@page("committee_exclude")
def exclude_view(request, pk):
    """appeals:committee_exclude - the chair excludes an involved member (AP-5)."""
    on = today()
    appeal = q.access_committee_appeal(request.user, pk, on)
    context = q.committee_page(request.user, appeal, on)
    members = [s for s in context["seats"] if s.pk in context["sitting_ids"] and s.votes]
    initial = {"decided_on": on}
    suggested = request.GET.get("member")
    if suggested:
        initial["member"] = suggested
        kind = next((i.kind for i in context["involvements"] if str(i.seat_id) == suggested), None)
        if kind:
            initial["ground"] = kind
    form = forms.ExclusionForm(request.POST or None, initial=initial, members=members)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            exclusion = services.exclude_member(appeal.pk, member_id=d["member"].pk, ground=d["ground"],
                                                reason=d["reason"], decided_on=d["decided_on"], by=request.user)
        except CommitteeRefused as refused:
            _form_errors(form, refused)
        else:
            messages.success(request, _("%(name)s is excluded from this appeal.") % {"name": exclusion.member.name})
            if exclusion.member.user_id == request.user.pk:
                return redirect("appeals:committee_appeals")
            return redirect(_detail(appeal))
    return _form_page(request, appeal, form, _("Exclude an involved member"),
                      _("UH 19.1.2: the chair may exclude himself or members from handling an appeal if they are "
                        "involved in the matter. The member then does not sit, vote or see the appeal."),
                      submit=_("Exclude"))


@page("committee_hearing_plan")
def hearing_plan_view(request, pk):
    """appeals:committee_hearing_plan - plan a session; the student's invitation is e-mailed at once (AP-6)."""
    appeal = q.access_committee_appeal(request.user, pk, today())
    form = forms.HearingPlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            hearing = services.plan_hearing(appeal.pk, starts_at=d["starts_at"], place=d["place"],
                                            hear_student=d["hear_student"], by=request.user)
        except CommitteeRefused as refused:
            _form_errors(form, refused)
        else:
            if hearing.hear_student:
                messages.success(request, _("The hearing is planned; the invitation was e-mailed to %(to)s.")
                                 % {"to": hearing.invitation_to})
            else:
                messages.success(request, _("The session is planned."))
            return redirect(_detail(appeal))
    return _form_page(request, appeal, form, _("Plan a hearing"),
                      _("UH 19.4.2: the chair convenes the committee; the student is invited by e-mail at least 24 "
                        "hours before the session at which he or she is heard. Saving sends the invitation now."),
                      submit=_("Plan and send the invitation"))


@page("committee_hearing_record")
def hearing_record_view(request, pk, hearing_pk):
    """appeals:committee_hearing_record - who attended, the student's appearance or representation, the minutes."""
    appeal = q.access_committee_appeal(request.user, pk, today())
    hearing = next((h for h in q.hearings_of(appeal) if h.pk == hearing_pk), None)
    if hearing is None:
        return redirect(_detail(appeal))
    members = q.sitting_for_hearing(hearing)
    form = forms.HearingRecordForm(request.POST or None, members=members, hear_student=hearing.hear_student,
                                   initial={"present": [str(m.pk) for m in members]})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        record = HearingRecord(present_member_ids=frozenset(int(x) for x in d["present"]),
                               student_present=d.get("student_present"),
                               representative=d.get("representative") or "",
                               representative_lawyer=bool(d.get("representative_lawyer")),
                               written_authority_on=d.get("written_authority_on"), minutes=d["minutes"])
        try:
            hearing = services.record_hearing(hearing.pk, record, by=request.user)
        except CommitteeRefused as refused:
            _form_errors(form, refused)
        else:
            if hearing.quorum:
                messages.success(request, _("The session is on record; the committee may vote."))
            else:
                messages.warning(request, _("The session is on record without a quorum: the committee cannot "
                                            "decide at it (UH 19.1.2)."))
            return redirect(_detail(appeal))
    when = timezone.localtime(hearing.starts_at).strftime("%Y-%m-%d %H:%M")
    return _form_page(request, appeal, form, _("Record the session of %(when)s") % {"when": when},
                      _("UH 19.1.2: the chair (or, when he is absent, the oldest sitting member) and at least two "
                        "voting members make the quorum. UH 19.4.2: a student duly invited who does not appear does "
                        "not stop the committee; a representative needs written authority unless a lawyer."))


@page("committee_motion")
def motion_view(request, pk):
    """appeals:committee_motion - put an outcome to the vote (AP-7)."""
    appeal = q.access_committee_appeal(request.user, pk, today())
    hearings = q.held_hearings(appeal)
    form = forms.MotionForm(request.POST or None, hearings=hearings, results=q.motion_candidates(appeal),
                            initial={"hearing": hearings[0].pk if hearings else None})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.put_motion(appeal.pk, hearing_id=d["hearing"], outcome=d["outcome"], reasons=d["reasons"],
                                new_decision_text=d["new_decision_text"], result_changes=form.result_changes(),
                                by=request.user)
        except CommitteeRefused as refused:
            _form_errors(form, refused)
        else:
            messages.success(request, _("The motion is put to the vote."))
            return redirect(_detail(appeal))
    return render(request, "appeals/committee/motion_form.html", {
        "appeal": appeal, "form": form, "cancel_url": _detail(appeal), "hearings": hearings,
        "page_roles": roles_text(PAGE_ROLES["committee_motion"])})


@require_POST
@page("committee_vote")
def vote_view(request, pk, motion_pk):
    """appeals:committee_vote - a member's vote (or the secretary's record of it)."""
    on = today()
    appeal = q.access_committee_appeal(request.user, pk, on)
    context = q.committee_page(request.user, appeal, on)
    vote = context["vote"]
    if vote is None or vote["motion"].pk != motion_pk:
        messages.error(request, _("The vote on this motion is closed."))
        return redirect(_detail(appeal))
    form = forms.VoteForm(request.POST, members=vote["voters"])
    if not form.is_valid():
        messages.error(request, _("Choose for, against or abstain."))
        return redirect(_detail(appeal))
    member_id = form.cleaned_data["member"]
    own = vote["my_seat"] is not None and vote["my_seat"].pk == member_id
    if not own and not q.may_keep_file(request.user):
        raise PermissionDenied
    try:
        services.cast_vote(motion_pk, member_id=member_id, choice=form.cleaned_data["choice"], by=request.user)
    except CommitteeRefused as refused:
        _errors(request, refused)
    else:
        messages.success(request, _("The vote is recorded."))
    return redirect(_detail(appeal))


@require_POST
@page("committee_vote_close")
def vote_close_view(request, pk, motion_pk):
    """appeals:committee_vote_close - count the votes; on a tie the chair's casting vote (AP-7)."""
    on = today()
    appeal = q.access_committee_appeal(request.user, pk, on)
    context = q.committee_page(request.user, appeal, on)
    if not context["can_close"] or context["vote"] is None or context["vote"]["motion"].pk != motion_pk:
        raise PermissionDenied
    form = forms.CloseVoteForm(request.POST)
    casting = form.cleaned_data.get("casting_vote") if form.is_valid() else None
    try:
        motion = services.close_vote(motion_pk, casting_vote=casting or None, by=request.user)
    except CommitteeRefused as refused:
        _errors(request, refused)
    else:
        if motion.status == "carried":
            messages.success(request, _("The motion is carried: it is the committee's decision."))
        else:
            messages.info(request, _("The motion is rejected; another outcome may be put to the vote."))
    return redirect(_detail(appeal))


@page("committee_later_date")
def later_date_view(request, pk):
    """appeals:committee_later_date - announce a later decision date before the period expires (AP-8)."""
    appeal = q.access_committee_appeal(request.user, pk, today())
    form = forms.LaterDateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            notice = services.announce_later_date(appeal.pk, decision_date=d["decision_date"], reason=d["reason"],
                                                  by=request.user)
        except CommitteeRefused as refused:
            _form_errors(form, refused)
        else:
            messages.success(request, _("The later decision date (%(date)s) was e-mailed to %(to)s.") % {
                "date": notice.decision_date.isoformat(), "to": notice.sent_to})
            return redirect(_detail(appeal))
    return _form_page(request, appeal, form, _("Announce a later decision date"),
                      _("UH 19.4.7: before its decision period expires (%(date)s) the committee informs the student "
                        "by e-mail of the later date on which it will decide; the seven days for the Council for "
                        "Disputes then start the day after that date.") % {"date": appeal.decide_by.isoformat()},
                      submit=_("Send the notice"))


@page("committee_letter")
def letter_view(request, pk):
    """appeals:committee_letter - the decision letter as a PDF (a draft until it is sent)."""
    appeal = q.access_committee_appeal(request.user, pk, today())
    decision = q.decision_for(appeal)
    pdf = services.letter_pdf(q.letter_context(decision, printed_on=today()))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="appeal-{appeal.reference}-decision.pdf"'
    return response


@require_POST
@page("committee_letter_send")
def letter_send_view(request, pk):
    """appeals:committee_letter_send - e-mail the decision letter with its PDF (AP-7, AP-8)."""
    appeal = q.access_committee_appeal(request.user, pk, today())
    try:
        decision = services.send_decision_letter(appeal.pk, by=request.user)
    except CommitteeRefused as refused:
        _errors(request, refused)
    else:
        messages.success(request, _("The decision letter was e-mailed to %(to)s; the Council for Disputes may be "
                                    "seized until %(date)s.") % {"to": decision.letter_to,
                                                                 "date": decision.council_by.isoformat()})
    return redirect(_detail(appeal))
