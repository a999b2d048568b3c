"""The staff "Deadlines" page (issue 5): what falls due in the next 30 days per programme, the deadline flags,
and the log of the sweeps (rules.md section 9) with a page per run listing the records it changed and those it
left, linked to their pages. Who sees what: ``enrolment.queries_deadlines`` (the administration everything, a
committee member her programmes)."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from config import sweeps
from config.access import role_required
from config.clock import today

from . import queries_deadlines as q
from .models import SweepRun
from .views import roles_text

PAGE_ROLES = {
    "deadlines": q.DEADLINE_READERS,
    "deadline_run": q.DEADLINE_READERS,
}
FLAGS_SHOWN = 200


class DeadlineFilterForm(forms.Form):
    programme = forms.ChoiceField(label=_("Programme"), required=False)
    rule = forms.ChoiceField(label=_("Rule"), required=False)

    def __init__(self, *args, programmes=(), rules=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = [("", _("All")), (q.INSTITUTION, _("Institution-wide")),
                                            *programmes]
        self.fields["rule"].choices = [("", _("All rules")), *rules]


@role_required(*PAGE_ROLES["deadlines"])
def deadlines_view(request):
    """enrolment:deadlines - the next 30 days, the flags of the last 30 days, the sweep runs (paginated)."""
    day = today()
    scope = q.programmes_of(request.user, day)
    names = q.programmes_in(scope)
    form = DeadlineFilterForm(request.GET or None, programmes=q.programme_choices(names), rules=q.rule_choices())
    programme = rule = ""
    if form.is_bound and form.is_valid():
        programme, rule = form.cleaned_data["programme"], form.cleaned_data["rule"]
    runs = Paginator(q.runs(rule), q.RUNS_PER_PAGE).get_page(request.GET.get("page"))
    titles = q.sweep_titles()
    runs.object_list = list(runs.object_list)
    for run in runs.object_list:
        run.title = titles.get(run.name, run.name)
    flag_list = list(q.flags(scope, day - timedelta(days=q.FLAG_DAYS), programme, rule)[:FLAGS_SHOWN + 1])
    return render(request, "enrolment/deadlines.html", {
        "today": day, "form": form, "filtered": bool(programme or rule), "all_programmes": scope == q.ALL,
        "upcoming": q.upcoming(request.user, day, scope, names, programme, rule),
        "flags": q.flag_rows(request.user, flag_list[:FLAGS_SHOWN]), "more_flags": len(flag_list) > FLAGS_SHOWN,
        "flag_days": q.FLAG_DAYS, "horizon": q.HORIZON_DAYS,
        "page_obj": runs, "paginator": runs.paginator, "is_paginated": runs.has_other_pages(),
        "page_roles": roles_text(PAGE_ROLES["deadlines"]),
    })


def _records(request, refs: list[dict], scope, param: str):
    """One page of a run's records, with their links: the administration's page is cut before the links are
    looked up; a committee member's after her scope has been applied."""
    if scope == q.ALL:
        page = Paginator(refs, q.RECORDS_PER_PAGE).get_page(request.GET.get(param))
        page.object_list, hidden = q.record_rows(request.user, list(page.object_list), scope)
        return page, hidden
    rows, hidden = q.record_rows(request.user, refs, scope)
    return Paginator(rows, q.RECORDS_PER_PAGE).get_page(request.GET.get(param)), hidden


@role_required(*PAGE_ROLES["deadline_run"])
def run_view(request, pk: int):
    """enrolment:deadline_run - one sweep run: what it changed, what it left and why, the flags it raised."""
    run = get_object_or_404(SweepRun, pk=pk)
    scope = q.programmes_of(request.user, today())
    affected, affected_hidden = _records(request, run.affected or [], scope, "page")
    skipped, skipped_hidden = _records(request, run.skipped or [], scope, "left")
    flag_list = list(q.flags_of_run(run, scope)[:FLAGS_SHOWN + 1])
    try:
        sweep = sweeps.get(run.name)
    except KeyError:  # a sweep since removed from the registry: its log stays
        sweep = None
    return render(request, "enrolment/deadlines_run.html", {
        "run": run, "sweep": sweep, "all_programmes": scope == q.ALL,
        "affected": affected, "affected_hidden": affected_hidden,
        "skipped": skipped, "skipped_hidden": skipped_hidden,
        "flags": q.flag_rows(request.user, flag_list[:FLAGS_SHOWN]), "more_flags": len(flag_list) > FLAGS_SHOWN,
        "page_roles": roles_text(PAGE_ROLES["deadline_run"]),
    })
