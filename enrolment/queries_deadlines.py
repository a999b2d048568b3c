"""Read side of the staff "Deadlines" page (issue 5): what falls due in the next 30 days, per programme, from each
registered sweep's ``upcoming`` hook (``config.sweeps``); the log of the sweep runs (``SweepRun``) with the
records each changed or left, linked to their pages; and the deadline flags (``DeadlineFlag``).

Scope: the student administration (and a superuser) sees everything. A committee chair, secretary or member sees
the programmes of the examination committees on which she holds a current seat (as
``examinations.queries_committee.committees_for``): the items due in those programmes and the institution-wide
items that name no record; in a run's log, only the records that belong to those programmes (a record whose
programme cannot be told, a student for example, is not shown to her). Counts of runs are the institution's.

A hook that raises does not break the page: the page says which list could not be read and why. Each hook runs
in its own savepoint, so a database error inside it leaves the page's transaction usable.

Queries: the page's own reads are a fixed number (the seats, the runs of one page, the flags, one query per
*type* of record linked), whatever the number of runs, records, flags or items. The hooks' own queries are
theirs (a few each).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache

from django.apps import apps
from django.db import transaction
from django.db.models import F, Func, IntegerField, Q
from django.urls import NoReverseMatch, resolve, reverse
from django.utils import timezone

from config import sweeps
from config.access import Role, has_role, user_roles
from config.sweeps import Due

from .models import DeadlineFlag, Programme, SweepRun

log = logging.getLogger(__name__)

#: Who may open the Deadlines page and a run's page (the scope narrows what they see).
DEADLINE_READERS = (Role.STUDENT_ADMIN, Role.COMMITTEE_CHAIR, Role.COMMITTEE_SECRETARY, Role.COMMITTEE_MEMBER)
#: How far ahead the page looks.
HORIZON_DAYS = 30
#: Flags raised this many days back are listed on the page.
FLAG_DAYS = 30
RUNS_PER_PAGE = 25
RECORDS_PER_PAGE = 100
ALL = "__all__"  # the scope of the administration
INSTITUTION = "-"  # the programme filter's value for institution-wide items


# ------------------------------------------------------------------------------------------------ scope ----
def sees_everything(user) -> bool:
    return user.is_superuser or Role.STUDENT_ADMIN in user_roles(user)


def programmes_of(user, today: date) -> set[str] | str:
    """The programme codes this user may see, or :data:`ALL`. One query for a committee member, none for the
    administration."""
    if sees_everything(user):
        return ALL
    from examinations.models import CommitteeMember

    return set(CommitteeMember.objects.filter(user_id=user.pk, since__lte=today)
               .filter(Q(until__isnull=True) | Q(until__gte=today))
               .values_list("committee__programme__code", flat=True))


def programmes_in(scope) -> dict[str, str]:
    """Code -> name of the programmes in this scope, by code (one query)."""
    qs = Programme.objects.order_by("code")
    if scope != ALL:
        qs = qs.filter(code__in=scope)
    return dict(qs.values_list("code", "name"))


def programme_choices(names: dict[str, str]) -> list[tuple[str, str]]:
    return [(code, f"{code} — {name}") for code, name in names.items()]


def rule_choices() -> list[tuple[str, str]]:
    return [(s.rule, f"{s.rule} — {s.title}") for s in sweeps.SWEEPS]


def _in_scope(scope, programme: str | None, has_record: bool) -> bool:
    if scope == ALL:
        return True
    if programme:
        return programme in scope
    return not has_record  # an institution-wide item that names no record


# ---------------------------------------------------------------------------------------- record links ----
@dataclass(frozen=True)
class Place:
    """Where a record lives: its page(s) in order of preference (URL name, args) and its programme code."""

    pages: tuple[tuple[str, tuple], ...] = ()
    programme: str | None = None


def _rows(model: str, pks, *related: str):
    Model = apps.get_model(model)
    return Model.objects.filter(pk__in=pks).select_related(*related) if related else Model.objects.filter(
        pk__in=pks)


def _student_pages(number: str) -> tuple:
    return (("students:detail", (number,)), ("examinations:results_student", (number,)))


def _results_pages(number: str) -> tuple:
    return (("examinations:results_student", (number,)), ("students:detail", (number,)))


def _places_students(pks):
    return {s.pk: Place(_student_pages(s.number)) for s in _rows("students.student", pks).only("pk", "number")}


def _places_contracts(pks):
    return {c.pk: Place(_student_pages(c.student.number), c.programme.code)
            for c in _rows("enrolment.studycontract", pks, "student", "programme")}


def _places_lines(pks):
    return {ln.pk: Place(_student_pages(ln.student.number), ln.contract.programme.code)
            for ln in _rows("enrolment.programmeline", pks, "student", "contract__programme")}


def _places_results(pks):
    return {r.pk: Place(_results_pages(r.student.number), r.line.contract.programme.code)
            for r in _rows("examinations.result", pks, "student", "line__contract__programme")}


def _places_second_opportunity(pks):
    return {r.pk: Place((("examinations:results_second_opportunity", (r.student.number, r.academic_year.code)),
                         *_results_pages(r.student.number)))
            for r in _rows("examinations.secondopportunityregistration", pks, "student", "academic_year")}


def _places_retakes(pks):
    return {r.pk: Place((("examinations:results_retake", (r.student.number, r.academic_year.code)),
                         *_results_pages(r.student.number)))
            for r in _rows("examinations.retakerequest", pks, "student", "academic_year")}


def _places_decisions(pks):
    return {d.pk: Place(_results_pages(d.student.number), d.programme.code)
            for d in _rows("examinations.studyprogressdecision", pks, "student", "programme")}


def _places_material_errors(pks):
    return {m.pk: Place((("examinations:material_error", (m.pk,)),), m.result.line.contract.programme.code)
            for m in _rows("examinations.materialerror", pks, "result__line__contract__programme")}


def _places_irregularities(pks):
    return {i.pk: Place((("examinations:irregularity_detail", (i.pk,)),), i.committee.programme.code)
            for i in _rows("examinations.irregularity", pks, "committee__programme")}


def _places_committees(pks):
    return {c.pk: Place((("examinations:committee_detail", (c.pk,)),), c.programme.code)
            for c in _rows("examinations.examcommittee", pks, "programme")}


def _places_meetings(pks):
    return {m.pk: Place((("examinations:meeting_detail", (m.pk,)),), m.committee.programme.code)
            for m in _rows("examinations.meeting", pks, "committee__programme")}


def _appeal_pages(pk: int) -> tuple:
    return (("appeals:appeal_detail", (pk,)), ("appeals:committee_appeal", (pk,)))


def _places_appeals(pks):
    return {a.pk: Place(_appeal_pages(a.pk), a.programme.code if a.programme else None)
            for a in _rows("appeals.appeal", pks, "programme")}


def _places_hearings(pks):
    return {h.pk: Place(_appeal_pages(h.appeal_id), h.appeal.programme.code if h.appeal.programme else None)
            for h in _rows("appeals.appealhearing", pks, "appeal__programme")}


#: ``Ref.model`` -> a function ``pks -> {pk: Place}`` (one query). A model not listed has no page (the refund
#: window closures, an academic year): its records are shown without a link, as institution-wide.
PLACES = {
    "students.student": _places_students,
    "enrolment.studycontract": _places_contracts,
    "enrolment.programmeline": _places_lines,
    "examinations.result": _places_results,
    "examinations.secondopportunityregistration": _places_second_opportunity,
    "examinations.retakerequest": _places_retakes,
    "examinations.studyprogressdecision": _places_decisions,
    "examinations.materialerror": _places_material_errors,
    "examinations.irregularity": _places_irregularities,
    "examinations.examcommittee": _places_committees,
    "examinations.meeting": _places_meetings,
    "appeals.appeal": _places_appeals,
    "appeals.appealhearing": _places_hearings,
}


@cache
def _page_roles(url_name: str, args: tuple) -> tuple[str, ...]:
    """The roles a page declares (``role_required`` / ``RoleRequiredMixin``); the URL's shape, not its object,
    decides, so one lookup per URL name is enough."""
    func = resolve(reverse(url_name, args=args)).func
    view_class = getattr(func, "view_class", None)
    return tuple(getattr(view_class, "allowed_roles", None) or getattr(func, "allowed_roles", ()))


def _url_for(user, place: Place | None) -> str:
    """The first page of the record this user may open, or ``""``."""
    for url_name, args in place.pages if place else ():
        try:
            if has_role(user, _page_roles(url_name, _sample(args))):
                return reverse(url_name, args=args)
        except NoReverseMatch:
            continue
    return ""


def _sample(args: tuple) -> tuple:
    """Arguments of the same shape, so that the roles are looked up once per URL name."""
    return tuple(1 if isinstance(a, int) else "0" for a in args)


def places(refs) -> dict[tuple[str, int], Place]:
    """Where each ``(model, pk)`` lives: one query per model among ``refs``."""
    by_model: dict[str, set[int]] = defaultdict(set)
    for model, pk in refs:
        if model in PLACES:
            by_model[model].add(pk)
    found = {}
    for model, pks in by_model.items():
        for pk, place in PLACES[model](pks).items():
            found[(model, pk)] = place
    return found


def model_label(model: str) -> str:
    try:
        return str(apps.get_model(model)._meta.verbose_name)
    except (LookupError, ValueError):
        return model


@dataclass
class RecordRow:
    model: str
    pk: int
    label: str
    kind: str  # the record type in words
    url: str = ""
    reason: str = ""
    programme: str = ""


def record_rows(user, refs: list[dict], scope) -> tuple[list[RecordRow], int]:
    """A run's refs (``{"model", "pk", "label"[, "reason"]}``) as rows with their links, in this user's scope;
    and how many were left out by the scope."""
    found = places((r["model"], r["pk"]) for r in refs)
    rows, hidden = [], 0
    for r in refs:
        place = found.get((r["model"], r["pk"]))
        programme = place.programme if place else None
        if scope != ALL and (programme is None or programme not in scope):
            hidden += 1
            continue
        rows.append(RecordRow(r["model"], r["pk"], r.get("label") or f"{r['model']} #{r['pk']}",
                              model_label(r["model"]), _url_for(user, place), r.get("reason", ""),
                              programme or ""))
    return rows, hidden


# ------------------------------------------------------------------------------------------- upcoming ----
@dataclass
class DueRow:
    due: Due
    sweep: sweeps.Sweep
    url: str = ""
    kind: str = ""


@dataclass
class DueGroup:
    programme: str  # "" for the whole institution
    name: str
    rows: list[DueRow] = field(default_factory=list)


@dataclass
class HookFailure:
    sweep: sweeps.Sweep
    error: str


@dataclass
class Upcoming:
    start: date
    end: date
    groups: list[DueGroup]
    failures: list[HookFailure]
    count: int


def collect_upcoming(start: date, end: date, rule: str = "") -> tuple[list[tuple[sweeps.Sweep, Due]],
                                                                      list[HookFailure]]:
    """Every registered hook's items in [start, end] (optionally of one sweep's rule), and the hooks that
    failed."""
    items, failures = [], []
    for sweep in sweeps.SWEEPS:
        if rule and sweep.rule != rule:
            continue
        try:
            hook = sweep.load_upcoming()
            if hook is None:
                continue
            with transaction.atomic():  # a savepoint: a database error in the hook leaves ours usable
                due = list(hook(start, end) or ())
            for d in due:
                if not isinstance(d, Due):
                    raise TypeError(f"the hook returned {type(d).__name__}, not Due")
            items += [(sweep, d) for d in due if start <= d.due_on <= end]
        except Exception as error:  # noqa: BLE001 - the page shows the failure instead of breaking
            log.exception("upcoming hook of sweep %s failed", sweep.name)
            failures.append(HookFailure(sweep, f"{type(error).__name__}: {error}"))
    return items, failures


def upcoming(user, today: date, scope, names: dict[str, str], programme: str = "", rule: str = "") -> Upcoming:
    """What falls due from ``today`` to ``today`` + 30 days, grouped per programme (the institution-wide items
    first), in this user's scope, optionally of one programme (``"-"``: institution-wide only) and one rule.
    ``names``: the programmes' names (:func:`programmes_in`)."""
    start, end = today, today + timedelta(days=HORIZON_DAYS)
    items, failures = collect_upcoming(start, end, rule)
    kept = []
    for sweep, d in items:
        if not _in_scope(scope, d.programme, d.ref is not None):
            continue
        if programme and (d.programme or INSTITUTION) != programme:
            continue
        kept.append((sweep, d))
    found = places((d.ref.model, d.ref.pk) for _, d in kept if d.ref is not None)
    groups: dict[str, DueGroup] = {}
    for sweep, d in sorted(kept, key=lambda sd: (sd[1].due_on, sd[1].rule, sd[1].what)):
        group = groups.get(d.programme)
        if group is None:
            group = groups[d.programme] = DueGroup(d.programme, names.get(d.programme, ""))
        url = _url_for(user, found.get((d.ref.model, d.ref.pk))) if d.ref else ""
        group.rows.append(DueRow(d, sweep, url, model_label(d.ref.model) if d.ref else ""))
    ordered = sorted(groups.values(), key=lambda g: (g.programme != "", g.programme))
    return Upcoming(start, end, ordered, failures, len(kept))


# ----------------------------------------------------------------------------------------------- runs ----
class JSONArrayLength(Func):
    function = "jsonb_array_length"
    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, function="json_array_length", **extra)


def runs(rule: str = ""):
    """The sweep runs, newest first, without their (possibly long) record lists; ``skipped_count`` annotated."""
    qs = SweepRun.objects.defer("affected", "skipped").annotate(skipped_count=JSONArrayLength(F("skipped")))
    return qs.filter(rule=rule) if rule else qs


def sweep_titles() -> dict[str, str]:
    return {s.name: s.title for s in sweeps.SWEEPS}


def rules_of(rule: str) -> list[str]:
    """"AP-7/AP-8" -> ["AP-7", "AP-8", "AP-7/AP-8"]: a flag names one rule of a sweep's."""
    return [*rule.split("/"), rule] if rule else []


def flags(scope, since: date, programme: str = "", rule: str = ""):
    """Deadline flags raised on or after ``since``, newest first, in this scope."""
    qs = DeadlineFlag.objects.filter(flagged_on__gte=since).select_related("programme")
    if scope != ALL:
        qs = qs.filter(programme__code__in=scope)
    if programme == INSTITUTION:
        qs = qs.filter(programme__isnull=True)
    elif programme:
        qs = qs.filter(programme__code=programme)
    if rule:
        qs = qs.filter(rule__in=rules_of(rule))
    return qs


def flags_of_run(run: SweepRun, scope):
    """The flags raised while this run ran (its rule, recorded between its start and its end)."""
    until = run.finished_at or timezone.now()
    qs = DeadlineFlag.objects.filter(rule__in=rules_of(run.rule), recorded_at__gte=run.started_at,
                                     recorded_at__lte=until).select_related("programme")
    if scope != ALL:
        qs = qs.filter(programme__code__in=scope)
    return qs


def flag_rows(user, flag_list) -> list[tuple[DeadlineFlag, str]]:
    found = places((f.model, f.pk_value) for f in flag_list)
    return [(f, _url_for(user, found.get((f.model, f.pk_value)))) for f in flag_list]

