"""The examination sweeps of ``config.sweeps`` (rules.md section 9): EX-2, EX-3, EX-10, IR-1, IR-5 and EX-9.

Every sweep takes ``as_of`` and applies everything that fell due on or before it (a worker that was down for
weeks catches up on its first run). The dates are decided by the pure rules (``examinations.rules.results``,
``.irregularity``, ``.deadlines``); this module reads in bulk, asks them, and writes.

Idempotent and concurrent-safe by unique keys: a mark is a :class:`enrolment.models.DeadlineFlag`
(``raise_flag``: unique on rule, kind and record), written together with its notices (``notify``: unique on the
notice key) in one transaction, and a notice is stored only when the flag is new. The bulk reads leave out the
records already flagged, so a repeat reads only what may still fall due and finds nothing to do. A record a
sweep cannot handle is reported once (a ``skipped`` flag, with the reason), not on every run.

EX-2 (UH 12.2.5): once the second-opportunity registration has closed (8 August), every failed unit that was not
registered gets ``A`` for the second opportunity (procedure ``sweep``), in chunks, under the students' row locks
(the one :func:`register_second_opportunity` takes) and rechecked after them (see :func:`_record_absent`).
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from contextlib import contextmanager
from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import BooleanField, DateField, Exists, ExpressionWrapper, F, Func, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from config import audit
from config.audit import audit_step
from config.calendar import holidays_around
from config.regulations import get_regulations
from config.sweeps import Due, Ref, SweepResult
from enrolment.flags import raise_flag
from enrolment.models import AcademicYear, DeadlineFlag, NoticeAudience, ProgrammeLine, StudyContract
from enrolment.outbox import notify
from students.models import Student

from ..models import (
    CommitteeMember,
    CommitteeRole,
    ExamPeriod,
    Irregularity,
    MaterialError,
    Outcome,
    Proclamation,
    Result,
    ResultProcedure,
    RetakeRequest,
    RetakeStatus,
    SecondOpportunityRegistration,
    StudyProgressDecision,
)
from ..rules import deadlines as deadline_rules
from ..rules import irregularity as irregularity_rules
from ..rules import results as result_rules
from ..rules.deliberation import Attempt
from .results import proclaimed_refusal

log = logging.getLogger(__name__)

# DeadlineFlag kinds.
SKIPPED = "skipped"  # the sweep could not apply the rule to this record; reported once, with the reason
CLOSED = "closed"  # EX-3: the retake-request window of a decision closed; its tolerance is final
LATE_REPORT = "late_report"  # EX-10, IR-1: reported after the limit
OVERDUE = "overdue"  # EX-10: not decided in time; IR-5: the reasoned decision not sent in time
RETENTION_CONTESTED = "retention_contested"  # EX-9: a contested result's script is kept five years
RETENTION_ENDED = "retention_ended"  # EX-9: the scripts may now be destroyed

M_YEAR = "enrolment.academicyear"
M_DECISION = "examinations.studyprogressdecision"
M_ERROR = "examinations.materialerror"
M_IRREGULARITY = "examinations.irregularity"
M_RESULT = "examinations.result"
M_PERIOD = "examinations.examperiod"
M_PROCLAMATION = "examinations.proclamation"


def _flagged(rule: str, kind: str, model: str, pk=None):
    """The flags ``rule``/``kind`` of the outer query's record (for ``Exists``)."""
    return DeadlineFlag.objects.filter(rule=rule, kind=kind, model=model, pk_value=pk or OuterRef("pk"))


def _skip_once(skipped: list, rule: str, ref: Ref, reason: str, due_on: date, as_of: date,
               programme_id: int | None = None) -> None:
    """Report ``ref`` as skipped, once: the flag keeps the reason, and a later run leaves the record out."""
    if raise_flag(rule=rule, kind=SKIPPED, ref=ref, due_on=due_on, flagged_on=as_of, programme_id=programme_id,
                  note=reason) is not None:
        skipped.append((ref, reason))


def _tell(key: str, audience: str, user, subject: str, body: str, about: Ref) -> bool:
    """A notice to ``user`` through the outbox, when the records hold her e-mail address."""
    if user is None or not user.email:
        return False
    notify(key=key, audience=audience, to=user.email, subject=subject, body=body, about=about)
    return True


def _officers(programme_ids, on: date, roles) -> dict[int, dict[str, object]]:
    """``{programme id: {role: user}}``: the committee seats ``roles`` on ``on``, one query."""
    seats = (CommitteeMember.objects.filter(committee__programme_id__in=set(programme_ids), role__in=roles,
                                            since__lte=on)
             .filter(Q(until__isnull=True) | Q(until__gte=on)).select_related("user", "committee"))
    out: dict[int, dict[str, object]] = defaultdict(dict)
    for seat in seats:
        out[seat.committee.programme_id].setdefault(seat.role, seat.user)
    return out


def _batches(items, size: int = 500) -> list[list]:
    """``items`` in lists of ``size``: a sweep writes each batch in one transaction (one commit per batch, not
    per record; a record's own ``atomic`` becomes a savepoint)."""
    items = list(items)
    return [items[start:start + size] for start in range(0, len(items), size)]


def _raise_flags(rule: str, kind: str, entries: list[tuple[Ref, date, int | None, str]], as_of: date) -> set[int]:
    """Flag many records at once: ``entries`` are (record, due on, programme id, note). One ``INSERT ... ON
    CONFLICT DO NOTHING`` per thousand, on the flag's unique key, so a record flagged before (or by a sweep
    running at the same moment) is left as it is. Returns the ids of the records flagged now (the others were
    flagged before); the caller reports only those."""
    new: set[int] = set()
    table = DeadlineFlag._meta.db_table
    now = timezone.now()
    for start in range(0, len(entries), 1000):
        chunk = entries[start:start + 1000]
        values, params = [], []
        for ref, due_on, programme_id, note in chunk:
            values.append("(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)")
            params += [rule, kind, ref.model, ref.pk, ref.label[:300], due_on, as_of, programme_id, note, now]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (rule, kind, model, pk_value, label, due_on, flagged_on, programme_id, note, "
                f"recorded_at) VALUES {', '.join(values)} "
                f"ON CONFLICT (rule, kind, model, pk_value) DO NOTHING RETURNING pk_value", params)
            new.update(row[0] for row in cursor.fetchall())
    if len(new) >= ANALYZE_AFTER_ROWS:
        _analyze_later(DeadlineFlag)
    return new


#: After writing this many rows in one run, a sweep asks PostgreSQL to refresh the table's statistics: the
#: autovacuum does it a minute later, and until then the planner, believing the flags table nearly empty, answers
#: the next run's "not flagged yet" with a nested loop over every flag (seconds instead of milliseconds).
ANALYZE_AFTER_ROWS = 1000


def _analyze_later(model) -> None:
    """Refresh ``model``'s table statistics once the current transaction has committed."""
    def analyze():
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {model._meta.db_table}")

    transaction.on_commit(analyze)


@contextmanager
def _without_jit():
    """A transaction whose queries PostgreSQL does not JIT-compile. The EX-2 read joins the lines and results of a
    whole year: its cost estimate passes ``jit_above_cost`` and compiling takes longer (up to seconds) than the
    hash joins themselves (a few hundred milliseconds)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        yield


def _date_plus(field: str, days: int) -> ExpressionWrapper:
    return ExpressionWrapper(F(field) + timedelta(days=days), output_field=DateField())


# ---------------------------------------------------------------------------------------------------------------
# EX-2: A for the second opportunity of failed units not registered by 8 August


def _tolerated(year: AcademicYear, student_ids) -> set[tuple[int, str]]:
    """(student, unit code) of the fails that a current first-opportunity decision of ``year`` tolerated."""
    if not student_ids:
        return set()
    return {(d.student_id, code)
            for d in StudyProgressDecision.objects.filter(exam_period__academic_year=year,
                                                          exam_period__opportunity=1, is_current=True,
                                                          student_id__in=student_ids)
            .only("student_id", "packages")
            for p in d.packages or () for code in (p.get("tolerated") or ())}


def _ex2_due(year: AcademicYear, closes: date, leave_out: frozenset[int] | set[int] = frozenset()) -> list[dict]:
    """The lines of ``year`` for which EX-2 records ``A`` (pure rule: ``absent_for_unregistered``), as values.

    The database leaves out what cannot be due (a credit certificate at the first opportunity, a registration,
    a second-opportunity result, a line reported skipped before, the programmes ``leave_out``), so a repeat
    reads only the tolerated fails."""
    key = {"student_id": OuterRef("student_id"), "academic_year_id": year.pk,
           "course_unit_id": OuterRef("course_unit_id")}
    current = Result.objects.filter(**key, is_current=True)
    failed_first = (current.filter(opportunity=1).exclude(outcome=Outcome.PASS)
                    .exclude(outcome=Outcome.NUMERIC, grade__gte=result_rules.PASS_GRADE).order_by())
    rows = (ProgrammeLine.objects
            .filter(academic_year=year, removed_on__isnull=True, exempted=False, course_unit__opportunities=2)
            .filter(Q(contract__deregistered_on__isnull=True) | Q(contract__deregistered_on__gt=closes))
            .exclude(contract__programme_id__in=leave_out)
            .filter(Exists(failed_first))
            .exclude(Exists(current.filter(opportunity=2)))
            .exclude(Exists(SecondOpportunityRegistration.objects.filter(**key)))
            .annotate(first_outcome=Subquery(failed_first.values("outcome")[:1]),
                      first_grade=Subquery(failed_first.values("grade")[:1]))
            .order_by("student__number", "course_unit__code")
            .values("pk", "student_id", "student__number", "course_unit_id", "course_unit__code",
                    "course_unit__opportunities",
                    "contract__programme_id", "contract__programme__code", "first_outcome", "first_grade"))
    with _without_jit():
        rows = list(rows)
    tolerated = _tolerated(year, {r["student_id"] for r in rows})
    return [r for r in rows if result_rules.absent_for_unregistered(
        r["course_unit__opportunities"], Attempt(1, r["first_outcome"], r["first_grade"]), registered=False,
        tolerated=(r["student_id"], r["course_unit__code"]) in tolerated, has_second_result=False)]


def _report_proclaimed(skipped: list, year: AcademicYear, period: ExamPeriod, proclamations: dict, done: set,
                       due: list[dict], closes: date, as_of: date) -> None:
    """EX-8: a programme whose second opportunity is proclaimed gets no ``A`` any more (its results are final).
    Reported once per proclamation, with the number of units concerned (none: recorded, not reported)."""
    for programme_id, p in sorted(proclamations.items()):
        if programme_id in done:
            continue
        n = sum(1 for r in due if r["contract__programme_id"] == programme_id)
        ref = Ref(M_PROCLAMATION, p.pk, f"{p.programme.code} {year.code} {period.code}")
        reason = (proclaimed_refusal() + " "
                  + _("Failed units not registered by %(date)s that get no A: %(n)d.")
                  % {"date": closes.isoformat(), "n": n})
        flag = raise_flag(rule="EX-2", kind=SKIPPED, ref=ref, due_on=closes, flagged_on=as_of,
                          programme_id=programme_id, note=reason)
        if flag is not None and n:
            skipped.append((ref, reason))


@audit_step("Sweep EX-2 (UH 12.2.5): absent, not registered for the second opportunity")
def absent_for_unregistered(as_of: date) -> SweepResult:
    """EX-2 sweep: ``A`` for the second opportunity of every failed, unregistered unit of each academic year
    whose registration closed before ``as_of``.

    Reported once, never on every run: a programme whose second opportunity is already proclaimed (its units
    get no ``A``: one report per proclamation, and the programme is left out from then on; a year whose
    programmes are all proclaimed and reported is not read again), a year without a second-opportunity exam
    period (its units get their ``A`` on the first run after the period is added)."""
    affected, skipped = [], []
    for year in AcademicYear.objects.order_by("starts_on"):
        rr = year.rules.results
        if rr is None or not result_rules.second_opportunity_closed(as_of, year.ends_on, rr):
            continue
        closes = result_rules.second_opportunity_window(year.ends_on, rr)[1]
        period = ExamPeriod.objects.filter(academic_year=year, opportunity=2).order_by("starts_on").first()
        if period is None:
            if not DeadlineFlag.objects.filter(rule="EX-2", kind=SKIPPED, model=M_YEAR, pk_value=year.pk).exists():
                due = _ex2_due(year, closes)
                if due:
                    _skip_once(skipped, "EX-2", Ref(M_YEAR, year.pk, year.code),
                               _("%(year)s has no second-opportunity exam period: failed units not registered: "
                                 "%(n)d.") % {"year": year.code, "n": len(due)}, closes, as_of)
            continue
        proclamations = {p.programme_id: p for p in
                         Proclamation.objects.filter(exam_period=period).select_related("programme")}
        reported = set(DeadlineFlag.objects.filter(
            rule="EX-2", kind=SKIPPED, model=M_PROCLAMATION, pk_value__in=[p.pk for p in proclamations.values()])
            .values_list("pk_value", flat=True))
        done = {programme_id for programme_id, p in proclamations.items() if p.pk in reported}
        if done and set(StudyContract.objects.filter(academic_year=year).values_list("programme_id", flat=True)
                        .distinct()) <= done:
            continue  # every programme proclaimed and reported: no A can be recorded in this year any more
        due = _ex2_due(year, closes, leave_out=done)
        _report_proclaimed(skipped, year, period, proclamations, done, due, closes, as_of)
        due = [r for r in due if r["contract__programme_id"] not in proclamations]
        recorded = []
        for start in range(0, len(due), EX2_CHUNK):
            recorded += _record_absent(year, period, closes, due[start:start + EX2_CHUNK])
        if len(recorded) >= ANALYZE_AFTER_ROWS:
            _analyze_later(Result)
        affected += recorded
    return SweepResult(affected=tuple(affected), skipped=tuple(skipped))


#: Units recorded per transaction: one commit per A made the first run of a large year take minutes.
EX2_CHUNK = 1000


def _record_absent(year: AcademicYear, period: ExamPeriod, closes: date, rows: list[dict]) -> list[Ref]:
    """Record ``A`` for ``rows`` in one transaction, under the row locks of their students (taken in id order,
    the lock :func:`register_second_opportunity` takes), rechecked after the locks: a registration, a
    second-opportunity result (another sweep, an entry) or a proclamation that came meanwhile wins.

    The results are written in bulk, not one by one through :func:`record_result`: each is the first version of
    a second-opportunity result of an active, non-exempted line in a period not proclaimed for its programme,
    which is exactly what ``record_result`` writes in that case (version 1, no decision date, no ledger change,
    procedure ``sweep`` with its reason); the unique key ``result_one_current`` keeps it once."""
    with transaction.atomic():
        students = sorted({r["student_id"] for r in rows})
        list(Student.objects.select_for_update().filter(pk__in=students).order_by("pk").values_list("pk", flat=True))
        registered = set(SecondOpportunityRegistration.objects.filter(academic_year=year, student_id__in=students)
                         .values_list("student_id", "course_unit_id"))
        second = set(Result.objects.filter(academic_year=year, opportunity=2, is_current=True,
                                           student_id__in=students).values_list("student_id", "course_unit_id"))
        proclaimed = set(Proclamation.objects.filter(exam_period=period).values_list("programme_id", flat=True))
        active = set(ProgrammeLine.objects.filter(pk__in=[r["pk"] for r in rows], removed_on__isnull=True,
                                                  exempted=False)
                     .filter(Q(contract__deregistered_on__isnull=True) | Q(contract__deregistered_on__gt=closes))
                     .values_list("pk", flat=True))
        taken = registered | second
        todo = [r for r in rows if (r["student_id"], r["course_unit_id"]) not in taken and r["pk"] in active
                and r["contract__programme_id"] not in proclaimed]
        reason = (f"EX-2 (UH 12.2.5): not registered for the second opportunity by {closes.isoformat()}.")
        created = audit.bulk_create(Result, [
            Result(line_id=r["pk"], student_id=r["student_id"], academic_year_id=year.pk,
                   course_unit_id=r["course_unit_id"], exam_period=period, opportunity=2, outcome=Outcome.ABSENT,
                   grade=None, version=1, procedure=ResultProcedure.SWEEP, reason=reason) for r in todo])
    return [Ref(M_RESULT, result.pk, f"{r['student__number']} {r['course_unit__code']} {year.code}: A (opportunity 2)")
            for r, result in zip(todo, created, strict=True)]


def upcoming_second_opportunity(start: date, end: date) -> list[Due]:
    """EX-2: the 8 August closing of each year that falls in [start, end], per programme with failed units that
    are not registered yet (they get ``A`` if it stays so)."""
    out = []
    for year in AcademicYear.objects.order_by("starts_on"):
        rr = year.rules.results
        if rr is None:
            continue
        closes = result_rules.second_opportunity_window(year.ends_on, rr)[1]
        if not start <= closes <= end:
            continue
        counts = Counter(r["contract__programme__code"] for r in _ex2_due(year, closes))
        for code, n in sorted(counts.items()):
            out.append(Due("EX-2", closes, _("Registration for the second opportunity closes (UH 12.2.5); failed "
                                             "units not registered yet, which then get A: %(n)d") % {"n": n},
                           programme=code))
    return out


# ---------------------------------------------------------------------------------------------------------------
# EX-3: the window for retaking a tolerated fail


class _HasTolerated(Func):
    """``packages`` names at least one tolerated unit (PostgreSQL jsonpath)."""

    template = "jsonb_path_exists(%(expressions)s, '$[*].tolerated[*]')"
    output_field = BooleanField()

    def as_sqlite(self, compiler, connection, **extra):
        # The embedded default (SQLite) has no jsonpath: the same question with JSON1's json_each.
        return self.as_sql(compiler, connection, template=(
            "EXISTS (SELECT 1 FROM json_each(%(expressions)s) AS pkg, json_each(pkg.value, '$.tolerated') AS tol)"),
            **extra)


def _tolerating_decisions():
    """Current first-opportunity decisions that tolerate at least one fail: the EX-3 announcements."""
    return (StudyProgressDecision.objects.filter(exam_period__opportunity=1, is_current=True)
            .alias(tolerates=_HasTolerated("packages")).filter(tolerates=True))


def _decision_label(d: StudyProgressDecision) -> str:
    return f"{d.student.number} {d.programme.code} {d.exam_period.academic_year.code} {d.exam_period.code}"


def close_retake_requests(as_of: date) -> SweepResult:
    """EX-3 sweep (UH 12.2.6): once the 10 working days after a decision that tolerated fails have passed, the
    window for the written retake request is closed, recorded once per decision (a ``closed`` flag naming the
    units whose tolerance is now final and those whose retake was granted). Nothing else changes:
    ``request_retake`` already records a request after the deadline as late, never granted.

    The student is not notified: the decision announced the tolerance and the period; a message after it closed
    tells her nothing she can still act on (the committee's reasoned exception of UH 12.2.6 is asked of the
    committee, not of this office). The closure is in the sweep log with the decisions concerned."""
    affected, skipped = [], []
    decisions = []
    for year in AcademicYear.objects.order_by("starts_on"):
        rr = year.rules.results
        younger = deadline_rules.working_days_min_span(rr.retake_request_working_days) if rr else 0
        decisions += list(
            _tolerating_decisions().filter(exam_period__academic_year=year,
                                           decided_on__lt=as_of - timedelta(days=younger))
            .exclude(Exists(_flagged("EX-3", CLOSED, M_DECISION)))
            .exclude(Exists(_flagged("EX-3", SKIPPED, M_DECISION)))
            .select_related("student", "programme", "exam_period__academic_year").order_by("decided_on", "pk"))
    requests = defaultdict(dict)
    for r in RetakeRequest.objects.filter(student_id__in={d.student_id for d in decisions}).values(
            "student_id", "academic_year_id", "course_unit__code", "status"):
        requests[(r["student_id"], r["academic_year_id"])][r["course_unit__code"]] = r["status"]
    closing = []
    for d in decisions:
        year = d.exam_period.academic_year
        ref = Ref(M_DECISION, d.pk, _decision_label(d))
        rr = year.rules.results
        if rr is None:
            _skip_once(skipped, "EX-3", ref, str(_("The %(label)s regulations contain no retake-request period.")
                                                 % {"label": year.rules.label}), d.decided_on, as_of,
                       d.programme_id)
            continue
        holidays = holidays_around(d.decided_on)
        if not deadline_rules.retake_window_closed(d.decided_on, as_of, holidays, rr):
            continue
        deadline = result_rules.retake_request_deadline(d.decided_on, holidays, rr)
        tolerated = sorted({code for p in d.packages or () for code in (p.get("tolerated") or ())})
        asked = requests[(d.student_id, year.pk)]
        granted = [c for c in tolerated if asked.get(c) == RetakeStatus.GRANTED]
        final = ", ".join(c for c in tolerated if c not in granted) or "-"
        note = _("Retake requests closed after %(deadline)s (EX-3, UH 12.2.6). Tolerance final: %(final)s. "
                 "Retake granted: %(granted)s.") % {"deadline": deadline.isoformat(), "final": final,
                                                     "granted": ", ".join(granted) or "-"}
        closing.append(((ref, deadline, d.programme_id, note), final))
    new = _raise_flags("EX-3", CLOSED, [entry for entry, _final in closing], as_of)
    for (ref, _deadline, _programme, note), final in closing:
        if ref.pk in new:
            log.info("EX-3 retake window closed: %s; %s", ref.label, note)
            affected.append(Ref(M_DECISION, ref.pk, f"{ref.label}: " + _("tolerance final: %(units)s")
                                % {"units": final}))
    return SweepResult(affected=tuple(affected), skipped=tuple(skipped))


def upcoming_retake_requests(start: date, end: date) -> list[Due]:
    """EX-3: the last days for retake requests in [start, end], per announcement (proclamation) and programme,
    with the number of students who have a tolerated fail."""
    groups: Counter = Counter()
    labels = {}
    # Ten working days span at most a few weeks, even over the Christmas and Easter holidays.
    decisions = (_tolerating_decisions().filter(decided_on__gte=start - timedelta(days=45), decided_on__lte=end)
                 .select_related("programme", "exam_period__academic_year", "proclamation"))
    for d in decisions:
        rr = d.exam_period.academic_year.rules.results
        if rr is None:
            continue
        deadline = result_rules.retake_request_deadline(d.decided_on, holidays_around(d.decided_on), rr)
        if start <= deadline <= end:
            groups[(deadline, d.programme.code, d.proclamation_id)] += 1
            labels[d.proclamation_id] = (f"{d.programme.code} {d.exam_period.academic_year.code} "
                                         f"{d.exam_period.code}")
    return [Due("EX-3", deadline, _("Last day for written requests to retake a tolerated fail (UH 12.2.6); "
                                    "students with a tolerated fail: %(n)d") % {"n": n}, programme=code,
                ref=Ref(M_PROCLAMATION, proclamation_id, labels[proclamation_id]))
            for (deadline, code, proclamation_id), n in sorted(groups.items())]


# ---------------------------------------------------------------------------------------------------------------
# EX-10: material errors


def _decision_dates(pairs) -> dict[tuple[int, int], date]:
    """``{(exam period, programme): the date the bureau or committee decided}``: the proclamation's meeting, else
    the announcement itself (as :func:`examinations.services.results.decision_date`), one query."""
    pairs = set(pairs)
    if not pairs:
        return {}
    out = {}
    for p in (Proclamation.objects.select_related("meeting")
              .filter(exam_period_id__in={a for a, _b in pairs}, programme_id__in={b for _a, b in pairs})):
        out[(p.exam_period_id, p.programme_id)] = p.meeting.held_on if p.meeting_id else p.published_on
    return out


def _error_label(e: MaterialError) -> str:
    r = e.result
    return (f"{r.student.number} {r.course_unit.code} {r.exam_period.academic_year.code} {r.exam_period.code} "
            + _("(reported on %(date)s)") % {"date": e.reported_on.isoformat()})


def flag_material_errors(as_of: date) -> SweepResult:
    """EX-10 sweep (UH 15.5.3-4), for the chair of the programme's examination committee:

    - a report made more than 10 calendar days after the decision is flagged ``late_report`` (not one already
      decided in the student's favour: an error to her disadvantage may be corrected at any time), with a
      notice to the chair while it is undecided;
    - a report not decided within 10 calendar days after it is flagged ``overdue``, with a notice to the chair
      and the secretary while it is still undecided (one decided late is flagged without a notice).
    """
    affected, skipped = [], []
    errors = list(
        MaterialError.objects.filter(reported_on__lte=as_of)
        .annotate(late_flagged=Exists(_flagged("EX-10", LATE_REPORT, M_ERROR)),
                  overdue_flagged=Exists(_flagged("EX-10", OVERDUE, M_ERROR)))
        .filter(Q(late_flagged=False) | Q(overdue_flagged=False))
        .exclude(Exists(_flagged("EX-10", SKIPPED, M_ERROR)))
        .select_related("result__line__contract__programme", "result__student", "result__course_unit",
                        "result__exam_period__academic_year", "correction")
        .order_by("reported_on", "pk"))
    decided_on = _decision_dates((e.result.exam_period_id, e.result.line.contract.programme_id) for e in errors)
    officers = _officers({e.result.line.contract.programme_id for e in errors}, as_of,
                         (CommitteeRole.CHAIR, CommitteeRole.SECRETARY))
    def apply(e) -> None:
        result = e.result
        year = result.exam_period.academic_year
        programme_id = result.line.contract.programme_id
        ref = Ref(M_ERROR, e.pk, _error_label(e))
        rr = year.rules.results
        decision_on = decided_on.get((result.exam_period_id, programme_id))
        if rr is None or decision_on is None:
            reason = (_("The %(label)s regulations contain no material-error periods.") % {"label": year.rules.label}
                      if rr is None else _("The result is not proclaimed: there is no decision to count from."))
            _skip_once(skipped, "EX-10", ref, str(reason), e.reported_on, as_of, programme_id)
            return
        people = officers.get(programme_id, {})
        chair, secretary = people.get(CommitteeRole.CHAIR), people.get(CommitteeRole.SECRETARY)
        corrected = (e.correction.outcome, e.correction.grade) if e.correction_id else None
        if not e.late_flagged and deadline_rules.flag_late_material_error_report(
                decision_on, e.reported_on, as_of, rr, (result.outcome, result.grade), corrected):
            last_day = result_rules.material_error_report_deadline(decision_on, rr)
            note = _("Reported on %(reported)s, after %(limit)s (10 calendar days after the decision of %(decision)s, "
                     "UH 15.5.3): only an error to the student's disadvantage may still be corrected.") % {
                "reported": e.reported_on.isoformat(), "limit": last_day.isoformat(),
                "decision": decision_on.isoformat()}
            with transaction.atomic():
                if raise_flag(rule="EX-10", kind=LATE_REPORT, ref=ref, due_on=last_day, flagged_on=as_of,
                              programme_id=programme_id, note=note) is not None:
                    if e.decided_on is None:
                        _tell(f"ex10.material_error.{e.pk}.late_report.chair", NoticeAudience.CHAIR, chair,
                              _("Material error reported late (EX-10): %(label)s") % {"label": ref.label},
                              note, ref)
                    affected.append(Ref(M_ERROR, e.pk, f"{ref.label}: " + _("reported late")))
        if not e.overdue_flagged and deadline_rules.material_error_decision_overdue(
                e.reported_on, e.decided_on, as_of, rr):
            last_day = result_rules.material_error_decision_deadline(e.reported_on, rr)
            note = _("Reported on %(reported)s: the committee decides by %(limit)s (10 calendar days after the "
                     "report, UH 15.5.4).") % {"reported": e.reported_on.isoformat(), "limit": last_day.isoformat()}
            if e.decided_on is not None:
                note += " " + _("Decided on %(date)s.") % {"date": e.decided_on.isoformat()}
            with transaction.atomic():
                if raise_flag(rule="EX-10", kind=OVERDUE, ref=ref, due_on=last_day, flagged_on=as_of,
                              programme_id=programme_id, note=note) is not None:
                    if e.decided_on is None:
                        subject = _("Material error not decided in time (EX-10): %(label)s") % {"label": ref.label}
                        _tell(f"ex10.material_error.{e.pk}.overdue.chair", NoticeAudience.CHAIR, chair, subject,
                              note, ref)
                        _tell(f"ex10.material_error.{e.pk}.overdue.secretary", NoticeAudience.SECRETARY, secretary,
                              subject, note, ref)
                    affected.append(Ref(M_ERROR, e.pk, f"{ref.label}: " + _("decision overdue")))
    for batch in _batches(errors):
        with transaction.atomic():
            for e in batch:
                apply(e)
    return SweepResult(affected=tuple(affected), skipped=tuple(skipped))


def upcoming_material_errors(start: date, end: date) -> list[Due]:
    """EX-10: the last days in [start, end] to report material errors in a proclaimed exam period (per
    programme), and to decide the reports still undecided."""
    out = []
    proclamations = (Proclamation.objects.select_related("meeting", "programme", "exam_period__academic_year")
                     .filter(Q(published_on__range=(start - timedelta(days=60), end))
                             | Q(meeting__held_on__range=(start - timedelta(days=60), end))))
    for p in proclamations:
        rr = p.exam_period.academic_year.rules.results
        if rr is None:
            continue
        last_day = result_rules.material_error_report_deadline(p.meeting.held_on if p.meeting_id else p.published_on,
                                                               rr)
        if start <= last_day <= end:
            label = f"{p.programme.code} {p.exam_period.academic_year.code} {p.exam_period.code}"
            out.append(Due("EX-10", last_day, _("Last day to report material errors in %(period)s (UH 15.5.3)")
                           % {"period": label}, programme=p.programme.code, ref=Ref(M_PROCLAMATION, p.pk, label)))
    errors = (MaterialError.objects.filter(decided_on__isnull=True, reported_on__gte=start - timedelta(days=60),
                                           reported_on__lte=end)
              .select_related("result__line__contract__programme", "result__student", "result__course_unit",
                              "result__exam_period__academic_year"))
    for e in errors:
        rr = e.result.exam_period.academic_year.rules.results
        if rr is None:
            continue
        last_day = result_rules.material_error_decision_deadline(e.reported_on, rr)
        if start <= last_day <= end:
            out.append(Due("EX-10", last_day, _("Decision on a reported material error (UH 15.5.4)"),
                           programme=e.result.line.contract.programme.code, ref=Ref(M_ERROR, e.pk, _error_label(e))))
    return sorted(out, key=lambda d: (d.due_on, d.programme, d.what))


# ---------------------------------------------------------------------------------------------------------------
# IR-1: late irregularity reports


def _irregularity_label(irr: Irregularity) -> str:
    return (f"{irr.student.number} {irr.course_unit.code} {irr.exam_period.academic_year.code} "
            f"{irr.exam_period.code} (" + _("file %(pk)s") % {"pk": irr.pk} + ")")


def _ombudspersons(files, on: date) -> dict[int, object]:
    """``{file id: the ombudsperson to inform}``: the ombudsperson on the file's committee on ``on``, else the
    programme's ombudsperson (OM-1)."""
    from appeals.models import OmbudsAssignment, OmbudsRole

    seats = _officers({f.committee.programme_id for f in files}, on, (CommitteeRole.OMBUDSPERSON,))
    by_programme = {pid: roles[CommitteeRole.OMBUDSPERSON] for pid, roles in seats.items()}
    missing = {f.committee.programme_id for f in files} - set(by_programme)
    if missing:
        for a in (OmbudsAssignment.objects.filter(programme_id__in=missing, role=OmbudsRole.PRINCIPAL, since__lte=on)
                  .filter(Q(until__isnull=True) | Q(until__gte=on)).select_related("user").order_by("since")):
            by_programme.setdefault(a.programme_id, a.user)
    return {f.pk: by_programme.get(f.committee.programme_id) for f in files}


def flag_late_irregularity_reports(as_of: date) -> SweepResult:
    """IR-1 sweep (UH 18.1.1): a report that reached the chair more than five working days after the discovery
    is flagged ``late_report`` (never refused), and the ombudsperson, whom the chair informs of the file, is
    told that it came late (when the records hold who she is and her address)."""
    affected, skipped = [], []
    files = []
    for year in AcademicYear.objects.order_by("starts_on"):
        ir = year.rules.irregularity
        in_time = deadline_rules.working_days_min_span(ir.report_working_days) if ir else 0
        files += list(
            Irregularity.objects.filter(exam_period__academic_year=year, reported_on__lte=as_of)
            .filter(reported_on__gt=_date_plus("discovered_on", in_time))
            .exclude(Exists(_flagged("IR-1", LATE_REPORT, M_IRREGULARITY)))
            .exclude(Exists(_flagged("IR-1", SKIPPED, M_IRREGULARITY)))
            .select_related("student", "course_unit", "exam_period__academic_year", "committee__programme")
            .order_by("reported_on", "pk"))
    ombudspersons = _ombudspersons(files, as_of) if files else {}
    def apply(irr) -> None:
        ref = Ref(M_IRREGULARITY, irr.pk, _irregularity_label(irr))
        programme_id = irr.committee.programme_id
        ir = irr.exam_period.academic_year.rules.irregularity
        if ir is None:
            _skip_once(skipped, "IR-1", ref, _("The %(label)s regulations contain no irregularity procedure.")
                       % {"label": irr.exam_period.academic_year.rules.label}, irr.reported_on, as_of, programme_id)
            return
        holidays = holidays_around(irr.discovered_on)
        if not deadline_rules.irregularity_report_flagged(irr.discovered_on, irr.reported_on, as_of, holidays, ir):
            return
        last_day = irregularity_rules.report_deadline(irr.discovered_on, holidays, ir)
        note = _("Discovered on %(discovered)s, reported to the chair on %(reported)s, after %(limit)s (five working "
                 "days, IR-1, UH 18.1.1).") % {"discovered": irr.discovered_on.isoformat(),
                                                "reported": irr.reported_on.isoformat(), "limit": last_day.isoformat()}
        with transaction.atomic():
            if raise_flag(rule="IR-1", kind=LATE_REPORT, ref=ref, due_on=last_day, flagged_on=as_of,
                          programme_id=programme_id, note=note) is None:
                return
            told = _tell(f"ir1.irregularity.{irr.pk}.late_report.ombudsperson", NoticeAudience.OMBUDSPERSON,
                         ombudspersons.get(irr.pk),
                         _("Irregularity reported late (IR-1): %(label)s") % {"label": ref.label},
                         note + " " + _("The chair of the %(programme)s examination committee informs you of the "
                                        "file (UH 18.1).") % {"programme": irr.committee.programme.code}, ref)
        label = f"{ref.label}: " + _("reported late")
        if not told:
            label += "; " + _("no ombudsperson with an e-mail address on record to notify")
        affected.append(Ref(M_IRREGULARITY, irr.pk, label))
    for batch in _batches(files):
        with transaction.atomic():
            for irr in batch:
                apply(irr)
    return SweepResult(affected=tuple(affected), skipped=tuple(skipped))


def upcoming_irregularity_reports(start: date, end: date) -> list[Due]:
    """IR-1: nothing to list. A file exists from the report onwards (the discovery is recorded with it), so no
    report limit ever lies ahead of a record; a late report is flagged by the sweep the day it is recorded."""
    return []


# ---------------------------------------------------------------------------------------------------------------
# IR-5: the reasoned decision to the student


def flag_late_sanction_notices(as_of: date) -> SweepResult:
    """IR-5 sweep (UH 18.3.2-3): a file whose reasoned decision did not reach the student within five calendar
    days after the deliberation (ten for a very serious case referred to the rector) is flagged ``overdue``,
    with a notice to the chair of the bureau while the letter is still not sent (one sent late is flagged
    without a notice)."""
    from .irregularity import bureau_chair

    affected, skipped = [], []
    for year in AcademicYear.objects.order_by("starts_on"):
        ir = year.rules.irregularity
        files = (Irregularity.objects.filter(exam_period__academic_year=year, decided_on__isnull=False,
                                             decided_on__lt=as_of)
                 .exclude(Exists(_flagged("IR-5", OVERDUE, M_IRREGULARITY)))
                 .select_related("student", "course_unit", "exam_period__academic_year", "committee__programme",
                                 "acting_chair")
                 .order_by("decided_on", "pk"))
        if ir is not None:  # a letter sent within the shorter limit is in time whatever the case
            files = files.exclude(letter_sent_on__isnull=False,
                                  letter_sent_on__lte=_date_plus("decided_on", min(ir.letter_days,
                                                                                   ir.rector_letter_days)))
        else:
            files = files.exclude(Exists(_flagged("IR-5", SKIPPED, M_IRREGULARITY)))
        def apply(irr, ir=ir, year=year) -> None:
            ref = Ref(M_IRREGULARITY, irr.pk, _irregularity_label(irr))
            programme_id = irr.committee.programme_id
            if ir is None:
                _skip_once(skipped, "IR-5", ref, _("The %(label)s regulations contain no irregularity procedure.")
                           % {"label": year.rules.label}, irr.decided_on, as_of, programme_id)
                return
            if not deadline_rules.sanction_notice_overdue(irr.decided_on, irr.referred_to_rector, irr.letter_sent_on,
                                                          as_of, ir):
                return
            last_day = irregularity_rules.letter_deadline(irr.decided_on, irr.referred_to_rector, ir)
            article = "UH 18.3.3" if irr.referred_to_rector else "UH 18.3.2"
            note = _("Decided on %(decided)s: the reasoned decision reaches the student by %(limit)s (IR-5, "
                     "%(article)s).") % {"decided": irr.decided_on.isoformat(), "limit": last_day.isoformat(),
                                         "article": article}
            if irr.letter_sent_on is not None:
                note += " " + _("Sent on %(date)s.") % {"date": irr.letter_sent_on.isoformat()}
            with transaction.atomic():
                if raise_flag(rule="IR-5", kind=OVERDUE, ref=ref, due_on=last_day, flagged_on=as_of,
                              programme_id=programme_id, note=note) is None:
                    return
                if irr.letter_sent_on is None:
                    _tell(f"ir5.irregularity.{irr.pk}.overdue.chair", NoticeAudience.CHAIR, bureau_chair(irr, as_of),
                          _("Decision on an irregularity not sent in time (IR-5): %(label)s") % {"label": ref.label},
                          note, ref)
            affected.append(Ref(M_IRREGULARITY, irr.pk, f"{ref.label}: " + (
                _("decision not sent") if irr.letter_sent_on is None else _("decision sent late"))))
        for batch in _batches(files):
            with transaction.atomic():
                for irr in batch:
                    apply(irr)
    return SweepResult(affected=tuple(affected), skipped=tuple(skipped))


def upcoming_sanction_notices(start: date, end: date) -> list[Due]:
    """IR-5: the decided files whose reasoned decision is still to be sent, by its last day in [start, end]."""
    out = []
    files = (Irregularity.objects.filter(decided_on__isnull=False, letter_sent_on__isnull=True,
                                         decided_on__gte=start - timedelta(days=31), decided_on__lte=end)
             .select_related("student", "course_unit", "exam_period__academic_year", "committee__programme"))
    for irr in files:
        ir = irr.exam_period.academic_year.rules.irregularity
        if ir is None:
            continue
        last_day = irregularity_rules.letter_deadline(irr.decided_on, irr.referred_to_rector, ir)
        if start <= last_day <= end:
            out.append(Due("IR-5", last_day, _("Reasoned decision on an irregularity to the student (UH 18.3.2-3)"),
                           programme=irr.committee.programme.code,
                           ref=Ref(M_IRREGULARITY, irr.pk, _irregularity_label(irr))))
    return sorted(out, key=lambda d: (d.due_on, d.programme, d.ref.pk))


# ---------------------------------------------------------------------------------------------------------------
# EX-9: keeping the exam scripts


def _contested_scripts() -> list[dict]:
    """The scripts whose result was contested (EX-9, UH 15.4.4) and not yet recorded as kept, one row per script
    (the first version of its result, as values) with ``contested_on``, the last day it was contested:

    - an appeal against the study-progress decision of its exam period and programme (``contested_decision``);
    - an appeal against the irregularity decision on that exam (``contested_irregularity``);
    - an exam-decision appeal described by hand (a dataset import) notified on the day the exam period was
      proclaimed for the student's programme: the closest the facts allow, and the reading that keeps more;
    - a material-error report on the result: the committee met on it again (the "special session").

    The appeals and the reports are few: they are read whole, and only their students' results are read."""
    from appeals.models import Appeal, DecisionKind

    by_period, by_exam, described, by_script = (defaultdict(list) for _i in range(4))
    for a in Appeal.objects.values("student_id", "decision_kind", "decision_notified_on", "received_on",
                                   "contested_decision_id", "contested_decision__exam_period_id",
                                   "contested_decision__programme_id", "contested_irregularity_id",
                                   "contested_irregularity__course_unit_id",
                                   "contested_irregularity__exam_period_id"):
        if a["contested_decision_id"]:
            by_period[(a["student_id"], a["contested_decision__exam_period_id"],
                       a["contested_decision__programme_id"])].append(a["received_on"])
        elif a["contested_irregularity_id"]:
            by_exam[(a["student_id"], a["contested_irregularity__course_unit_id"],
                     a["contested_irregularity__exam_period_id"])].append(a["received_on"])
        elif a["decision_kind"] == DecisionKind.EXAM_DECISION:
            described[(a["student_id"], a["decision_notified_on"])].append(a["received_on"])
    for e in MaterialError.objects.values("result__student_id", "result__academic_year_id",
                                          "result__course_unit_id", "result__opportunity", "reported_on"):
        by_script[(e["result__student_id"], e["result__academic_year_id"], e["result__course_unit_id"],
                   e["result__opportunity"])].append(e["reported_on"])
    students = ({k[0] for k in by_period} | {k[0] for k in by_exam} | {k[0] for k in described}
                | {k[0] for k in by_script})
    if not students:
        return []
    proclaimed = {}
    if described:
        proclaimed = {(p["exam_period_id"], p["programme_id"]): p["published_on"]
                      for p in Proclamation.objects.values("exam_period_id", "programme_id", "published_on")}
    out = []
    for r in (Result.objects.filter(version=1, student_id__in=students)
              .exclude(Exists(_flagged("EX-9", RETENTION_CONTESTED, M_RESULT)))
              .order_by("exam_period__starts_on", "student__number", "course_unit__code")
              .values("pk", "student_id", "student__number", "academic_year_id", "course_unit_id",
                      "course_unit__code", "opportunity", "exam_period_id", "exam_period__code",
                      "exam_period__ends_on", "exam_period__academic_year__code",
                      "exam_period__academic_year__ends_on", "exam_period__academic_year__regulations",
                      "line__contract__programme_id")):
        student, period, programme = r["student_id"], r["exam_period_id"], r["line__contract__programme_id"]
        dates = (by_period.get((student, period, programme), [])
                 + by_exam.get((student, r["course_unit_id"], period), [])
                 + by_script.get((student, r["academic_year_id"], r["course_unit_id"], r["opportunity"]), [])
                 + described.get((student, proclaimed.get((period, programme))), []))
        if dates:
            out.append({**r, "contested_on": max(dates)})
    return out


def list_script_retention(as_of: date) -> SweepResult:
    """EX-9 sweep (UH 15.4.4). Deletes nothing (destroying scripts is the examiners' task, helped by the
    retention command); it records what the rule says, once each:

    - for every contested script (see :func:`_contested_scripts`): ``retention_contested``, kept five years,
      until the flag's ``due_on``; recorded as soon as the sweep sees the contest, so the list is complete before
      the ordinary date passes;
    - for every exam period whose 1 February of the following academic year has passed: ``retention_ended``, its
      scripts may be destroyed except the contested ones (counted in the note);
    - for every contested script whose five years have passed: ``retention_ended``.
    """
    affected = []
    entries, labels = [], {}
    for r in _contested_scripts():
        committee = get_regulations(r["exam_period__academic_year__regulations"]).committee
        until = deadline_rules.contested_script_retention_until(
            r["exam_period__ends_on"], r["contested_on"], r["exam_period__academic_year__ends_on"], committee)
        label = (f"{r['student__number']} {r['course_unit__code']} {r['exam_period__academic_year__code']} "
                 f"{r['exam_period__code']}")
        note = _("Contested on %(date)s: the exam script is kept until %(until)s (EX-9, UH 15.4.4).") % {
            "date": r["contested_on"].isoformat(), "until": until.isoformat()}
        entries.append((Ref(M_RESULT, r["pk"], label), until, r["line__contract__programme_id"], note))
        labels[r["pk"]] = f"{label}: " + _("script kept until %(until)s") % {"until": until.isoformat()}
    new = _raise_flags("EX-9", RETENTION_CONTESTED, entries, as_of)
    affected += [Ref(M_RESULT, ref.pk, labels[ref.pk]) for ref, *_rest in entries if ref.pk in new]

    contested = DeadlineFlag.objects.filter(rule="EX-9", kind=RETENTION_CONTESTED, model=M_RESULT)
    ended = list(contested.filter(due_on__lt=as_of).exclude(
        Exists(_flagged("EX-9", RETENTION_ENDED, M_RESULT, pk=OuterRef("pk_value")))).order_by("due_on", "pk_value"))
    entries = [(Ref(M_RESULT, f.pk_value, f.label), f.due_on, f.programme_id,
                _("The contested script was kept until %(until)s; it may now be destroyed.")
                % {"until": f.due_on.isoformat()}) for f in ended]
    new = _raise_flags("EX-9", RETENTION_ENDED, entries, as_of)
    affected += [Ref(M_RESULT, f.pk_value, f"{f.label}: " + _("script may be destroyed (kept until %(until)s)")
                     % {"until": f.due_on.isoformat()}) for f in ended if f.pk_value in new]

    periods = (ExamPeriod.objects.exclude(Exists(_flagged("EX-9", RETENTION_ENDED, M_PERIOD)))
               .select_related("academic_year").order_by("starts_on"))
    for period in periods:
        year = period.academic_year
        until = deadline_rules.script_retention_until(year.ends_on, year.rules.committee)
        if not deadline_rules.retention_ended(as_of, until):
            continue
        n = Result.objects.filter(exam_period=period, pk__in=contested.values("pk_value")).count()
        label = f"{year.code} {period.code}"
        note = _("The exam scripts of %(period)s were kept until %(until)s (EX-9, UH 15.4.4) and may now be "
                 "destroyed, except the contested ones kept five years: %(n)d.") % {
            "period": label, "until": until.isoformat(), "n": n}
        if raise_flag(rule="EX-9", kind=RETENTION_ENDED, ref=Ref(M_PERIOD, period.pk, label), due_on=until,
                      flagged_on=as_of, note=note) is not None:
            affected.append(Ref(M_PERIOD, period.pk, f"{label}: " + _("scripts may be destroyed (kept until "
                                                                      "%(until)s); contested scripts kept: %(n)d")
                                % {"until": until.isoformat(), "n": n}))
    return SweepResult(affected=tuple(affected))


def upcoming_script_retention(start: date, end: date) -> list[Due]:
    """EX-9: the last days of keeping in [start, end]: an exam period's scripts (1 February of the following
    academic year) and a contested script's five years."""
    out = []
    contested = DeadlineFlag.objects.filter(rule="EX-9", kind=RETENTION_CONTESTED, model=M_RESULT)
    for period in ExamPeriod.objects.select_related("academic_year").order_by("starts_on"):
        year = period.academic_year
        until = deadline_rules.script_retention_until(year.ends_on, year.rules.committee)
        if start <= until <= end:
            label = f"{year.code} {period.code}"
            n = Result.objects.filter(exam_period=period, pk__in=contested.values("pk_value")).count()
            out.append(Due("EX-9", until, _("Last day to keep the exam scripts of %(period)s (UH 15.4.4); contested "
                                            "scripts kept five years: %(n)d") % {"period": label, "n": n},
                           ref=Ref(M_PERIOD, period.pk, label)))
    for flag in contested.filter(due_on__range=(start, end)).select_related("programme"):
        out.append(Due("EX-9", flag.due_on, _("Last day to keep a contested exam script (UH 15.4.4)"),
                       programme=flag.programme.code if flag.programme_id else "",
                       ref=Ref(M_RESULT, flag.pk_value, flag.label)))
    return sorted(out, key=lambda d: (d.due_on, d.programme, d.what))
