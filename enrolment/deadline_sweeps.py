"""The student-administration sweeps of ``config.sweeps`` (rules.md section 9): EN-5, EN-6 and EN-10.

Each sweep reads what is due in bulk, decides with the pure rules of :mod:`enrolment.rules` and writes only the
records that change, under the row locks of the services it calls (EN-5: the students of a chunk of contracts,
each contract rechecked after the locks); the unique keys of flags and notices make a second run, or a
concurrent one, add nothing.

EN-5 (UH 4.1.1). "Students who have not yet requested an initial academic programme two months after their
enrolment will be deregistered by the student administration." The article opens with "the academic programme
will be established in the study contracts mentioned above", i.e. the diploma, credit and exam contracts of
UH 3.1, so the sweep applies to every contract kind: a contract without a single course unit gives no exam and
no credit, whatever its kind. The contract is deregistered on the day itself (``rules.en5_deregistration_day``),
not on the day the sweep runs, so the learning account follows LA-6/LA-7 for that day however late the sweep;
the reason is ``no_programme``; the student is told through the outbox. A programme added after the day but
before the sweep got there, and every EN-5 case under regulations that only *allow* the deregistration (PXL
Art. 23 §2 "may"), is flagged for staff instead (``DeadlineFlag``), once.

EN-6 (UH 3.4.2). Deregistration from year-long units closes after 15 December (the academic calendar's
deadline of the year-long period). The refusal itself is the removal guard
(``services.check_removal`` -> ``rules.removal_deadline_refusal``); the sweep records the closure once per
academic year (a ``DeadlineFlag`` on the year) for the log.

EN-10 (UH 4.6.3). Students enrolled in the year, with an e-mail address, are reminded of each
special-circumstances application date some days before it (``regulations.special_circumstances_*``): one
notice per student and date, stored in bulk (``notify_many``); the notice key makes a rerun add nothing.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db import transaction
from django.db.models import CharField, Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Concat, Greatest
from django.utils.translation import gettext as _

from config.sweeps import Due, Ref, SweepResult
from students.models import Student

from . import rules, services
from .flags import raise_flag
from .models import (
    AcademicYear,
    DeadlineFlag,
    EducationPeriod,
    Notice,
    NoticeAudience,
    ProgrammeLine,
    StudyContract,
)
from .outbox import notify_many

EN5_CHUNK = 500


# ------------------------------------------------------------------------------------------------ EN-5 ----
def _contract_label(contract: StudyContract) -> str:
    return (f"{contract.student.number} {contract.programme.code} {contract.academic_year.code} "
            f"({contract.kind}, enrolled {contract.enrolled_on.isoformat()})")


def _en5_candidates(as_of: date | None = None, without_lines: bool = False, year_ids: list[int] | None = None):
    """Active contracts that may lack a study programme on their EN-5 day, with the day their first line was
    added (``first_line``; removed lines count), in one query.

    The EN-5 day is never before the enrolment nor before the academic year starts
    (``rules.en5_deregistration_day``), so a contract with a line added by then certainly had its programme in
    time: that leaves out nearly every contract cheaply. ``without_lines``: only contracts with no line at all.
    ``year_ids``: only contracts (and lines) of these academic years.
    """
    lines = ProgrammeLine.objects.filter(contract=OuterRef("pk"))
    qs = StudyContract.objects.filter(deregistered_on__isnull=True)
    if year_ids is not None:
        lines = lines.filter(academic_year_id__in=year_ids)
        qs = qs.filter(academic_year_id__in=year_ids)
    if as_of is not None:
        qs = qs.filter(enrolled_on__lte=as_of)
    if without_lines:
        qs = qs.filter(~Exists(lines))
    else:
        in_time = lines.filter(added_on__lte=Greatest(OuterRef("enrolled_on"), OuterRef("academic_year__starts_on")))
        qs = qs.filter(~Exists(in_time))
    first = lines.order_by("added_on").values("added_on")[:1]
    return (qs.annotate(first_line=Subquery(first))
            .select_related("student", "programme", "academic_year").order_by("enrolled_on", "pk"))


def _en5_day(contract: StudyContract) -> date | None:
    year = contract.academic_year
    return rules.en5_deregistration_day(contract.enrolled_on, year.starts_on, year.ends_on, year.rules)


def _deregistered_notice(contract: StudyContract, day: date) -> dict:
    """The EN-5 notice to the student (for ``notify_many``)."""
    student = contract.student
    return {
        "key": f"en5.contract.{contract.pk}.deregistered", "audience": NoticeAudience.STUDENT, "to": student.email,
        "subject": _("Your enrolment in %(programme)s (%(year)s) has ended") % {
            "programme": contract.programme.code, "year": contract.academic_year.code},
        "body": _("Dear %(name)s,\n\nYou enrolled in %(programme)s for %(year)s on %(enrolled)s. Two months later, "
                  "on %(day)s, no study programme (course units) had been requested for this enrolment. The "
                  "education regulations (UH 4.1.1) then end the enrolment: it was deregistered as of %(day)s. "
                  "Your learning account is settled as for a deregistration on that day.\n\nIf you want to study "
                  "in this programme, please contact the student administration.\n") % {
            "name": student.full_name, "programme": f"{contract.programme.code} {contract.programme.name}",
            "year": contract.academic_year.code, "enrolled": contract.enrolled_on.isoformat(),
            "day": day.isoformat()},
        "about": Ref("enrolment.studycontract", contract.pk, _contract_label(contract)),
    }


def _deregister(due: list[tuple[StudyContract, date]], as_of: date) -> tuple[list[Ref], list[tuple[Ref, str]]]:
    """Deregister these contracts on their days, a chunk per transaction (the students' row locks, the ledgers
    and the notices in one go)."""
    affected, skipped = [], []
    for start in range(0, len(due), EN5_CHUNK):
        chunk = due[start:start + EN5_CHUNK]
        with transaction.atomic():
            done, refused = services.deregister_many_without_programme([(c.pk, day) for c, day in chunk],
                                                                       today=as_of)
            days = {c.pk: day for c, day in chunk}
            notify_many([_deregistered_notice(c, days[c.pk]) for c in done if c.student.email])
        for contract in done:
            affected.append(Ref("enrolment.studycontract", contract.pk, f"{_contract_label(contract)}: "
                                f"deregistered on {days[contract.pk].isoformat()} (EN-5)"))
        labels = {c.pk: _contract_label(c) for c, _day in chunk}
        # A concurrent sweep or staff came first.
        skipped.extend((Ref("enrolment.studycontract", pk, labels[pk]), reason) for pk, reason in refused)
    return affected, skipped


def deregister_without_programme(as_of: date) -> SweepResult:
    """EN-5 sweep (UH 4.1.1): deregister, dated their EN-5 day, the contracts that had no study programme on
    it; flag for staff those that got one only later, and those the regulations leave to staff (PXL)."""
    skipped, due = [], []
    done = set(DeadlineFlag.objects.filter(rule="EN-5", kind="year_done", model="enrolment.academicyear")
               .values_list("pk_value", flat=True))
    years = [y for y in AcademicYear.objects.order_by("starts_on") if y.pk not in done]
    candidates = list(_en5_candidates(as_of, year_ids=[y.pk for y in years]))
    for contract in candidates:
        day = _en5_day(contract)
        decision = rules.en5_decision(day, contract.first_line, as_of)
        if decision in (rules.En5.NOT_DUE, rules.En5.HAS_PROGRAMME):
            continue
        ref = Ref("enrolment.studycontract", contract.pk, _contract_label(contract))
        if decision == rules.En5.LATE_PROGRAMME or not contract.academic_year.rules.missing_programme_deregisters:
            if decision == rules.En5.LATE_PROGRAMME:
                kind = "late_programme"
                reason = (f"no study programme on {day.isoformat()} (EN-5), but one was added on "
                          f"{contract.first_line.isoformat()}: left to staff")
            else:
                kind = "missing_programme"
                reason = (f"no study programme on {day.isoformat()} (EN-5); the regulations allow, not require, "
                          f"the deregistration: left to staff")
            if raise_flag(rule="EN-5", kind=kind, ref=ref, due_on=day, flagged_on=as_of,
                          programme_id=contract.programme_id, note=reason):
                skipped.append((ref, reason))
            continue
        due.append((contract, day))
    affected, refused = _deregister(due, as_of)
    skipped.extend(refused)
    # Every EN-5 day of a year that has ended is behind us and was applied above: the year is not read again.
    # (Contracts recorded later in an ended year come from imports of history, which carry their own
    # deregistrations; the enrolment page never records a contract without course units.)
    notes = []
    for year in years:
        if as_of > year.ends_on and raise_flag(
                rule="EN-5", kind="year_done", due_on=year.ends_on, flagged_on=as_of,
                ref=Ref("enrolment.academicyear", year.pk, f"{year.code}: every EN-5 day passed and applied")):
            notes.append(f"{year.code}: every EN-5 day has passed and was applied")
    return SweepResult(affected=tuple(affected), skipped=tuple(skipped), notes=tuple(notes))


def upcoming_without_programme(start: date, end: date) -> list[Due]:
    """EN-5: the contracts that still have no study programme and reach their EN-5 day in [start, end]."""
    out = []
    # An EN-5 day lies within its academic year: only the years that overlap the range can have one in it.
    year_ids = list(AcademicYear.objects.filter(starts_on__lte=end, ends_on__gte=start).values_list("pk", flat=True))
    candidates = list(_en5_candidates(without_lines=True, year_ids=year_ids))
    for contract in candidates:
        day = _en5_day(contract)
        if day is None or not start <= day <= end:
            continue
        if contract.academic_year.rules.missing_programme_deregisters:
            what = _("%(student)s %(name)s: no study programme yet in %(programme)s; deregistered on %(day)s "
                     "unless one is recorded (UH 4.1.1)")
        else:
            what = _("%(student)s %(name)s: no study programme yet in %(programme)s; from %(day)s the enrolment "
                     "may be ended")
        out.append(Due("EN-5", day, what % {"student": contract.student.number, "name": contract.student.full_name,
                                             "programme": contract.programme.code, "day": day.isoformat()},
                       programme=contract.programme.code,
                       ref=Ref("enrolment.studycontract", contract.pk, _contract_label(contract))))
    return out


# ------------------------------------------------------------------------------------------------ EN-6 ----
def _year_long_deadlines() -> list[tuple[AcademicYear, date]]:
    """Each academic year with its EN-6 deadline for year-long units (2 queries)."""
    periods: dict[int, list[rules.PeriodDates]] = defaultdict(list)
    for p in EducationPeriod.objects.all():
        periods[p.academic_year_id].append(
            rules.PeriodDates(p.code, p.starts_on, p.lessons_end_on, p.deregistration_deadline))
    out = []
    for year in AcademicYear.objects.order_by("starts_on"):
        deadline = rules.year_long_deregistration_deadline(periods[year.pk], year.starts_on, year.rules)
        if deadline is not None:
            out.append((year, deadline))
    return out


def close_year_long_deregistration(as_of: date) -> SweepResult:
    """EN-6 sweep (UH 3.4.2): record, once per academic year, that deregistration from year-long units closed
    after its deadline. Removals after it are refused by the removal guard whether or not this ran."""
    affected = []
    for year, deadline in _year_long_deadlines():
        if not rules.year_long_deregistration_closed(as_of, deadline):
            continue
        ref = Ref("enrolment.academicyear", year.pk,
                  f"{year.code}: deregistration from year-long units closed after {deadline.isoformat()} (EN-6)")
        if raise_flag(rule="EN-6", kind="year_long_closed", ref=ref, due_on=deadline, flagged_on=as_of,
                      note="UH 3.4.2: removals of year-long units are refused from the day after."):
            affected.append(ref)
    return SweepResult(affected=tuple(affected))


def upcoming_year_long_deregistration(start: date, end: date) -> list[Due]:
    """EN-6: the last day of deregistration from year-long units, when it falls in [start, end]."""
    return [Due("EN-6", deadline,
                _("%(year)s: last day to deregister from year-long course units (UH 3.4.2)") % {"year": year.code},
                ref=Ref("enrolment.academicyear", year.pk, year.code))
            for year, deadline in _year_long_deadlines() if start <= deadline <= end]


# ----------------------------------------------------------------------------------------------- EN-10 ----
def _en10_key_prefix(year: AcademicYear, due: date) -> str:
    return f"en10.{year.code}.{due.isoformat()}."


def _en10_recipients(year: AcademicYear, due: date, as_of: date):
    """(id, number, name, e-mail) of the students enrolled in ``year`` on ``as_of`` with an e-mail address who
    have no reminder of ``due`` yet (one query; the notice key's unique index answers the last part)."""
    enrolled = StudyContract.objects.filter(student=OuterRef("pk"), academic_year=year, enrolled_on__lte=as_of).filter(
        Q(deregistered_on__isnull=True) | Q(deregistered_on__gt=as_of))
    reminded = Notice.objects.filter(key=OuterRef("en10_key"))
    return (Student.objects.exclude(email="").filter(Exists(enrolled))
            .annotate(en10_key=Concat(Value(_en10_key_prefix(year, due)), Cast("pk", CharField())))
            .filter(~Exists(reminded)).order_by("pk")
            .values_list("pk", "number", "first_name", "last_name", "email"))


def remind_special_circumstances(as_of: date) -> SweepResult:
    """EN-10 sweep (UH 4.6.3): one reminder per enrolled student and application date, from the reminder day up
    to the date itself."""
    affected = []
    for year in AcademicYear.objects.order_by("starts_on"):
        for due in rules.special_circumstances_reminders_due(as_of, year.starts_on, year.rules):
            with transaction.atomic():
                # Two runs at once: the second waits here, then finds every reminder stored.
                AcademicYear.objects.select_for_update().filter(pk=year.pk).first()
                affected.extend(_remind(year, due, as_of))
    return SweepResult(affected=tuple(affected))


def _remind(year: AcademicYear, due: date, as_of: date) -> list[Ref]:
    """The reminders of one application date to the students who have none yet (in the caller's transaction)."""
    prefix = _en10_key_prefix(year, due)
    subject = _("Special circumstances: apply by %(date)s") % {"date": due.isoformat()}
    notices, refs = [], []
    for pk, number, first_name, last_name, email in _en10_recipients(year, due, as_of):
        body = _("Dear %(name)s,\n\nIf you are a student in special circumstances (a disability, top sport, work, "
                 "art, entrepreneurship or other special circumstances) and want this recognised, or want "
                 "examination facilities, for the coming examination period, submit your application with its "
                 "supporting documents no later than %(date)s (UH 4.6.3). The criteria and the procedure are on the "
                 "university website; the recognition and the facilities granted are shown in your student "
                 "portal.\n") % {"name": f"{first_name} {last_name}", "date": due.isoformat()}
        ref = Ref("students.student", pk, f"{number}: reminder of {due.isoformat()} (EN-10)")
        notices.append({"key": f"{prefix}{pk}", "audience": NoticeAudience.STUDENT, "to": email,
                        "subject": subject, "body": body, "about": ref})
        refs.append(ref)
    notify_many(notices)
    return refs


def upcoming_special_circumstances(start: date, end: date) -> list[Due]:
    """EN-10: the special-circumstances application dates in [start, end] (institution-wide)."""
    out = []
    for year in AcademicYear.objects.order_by("starts_on"):
        regs = year.rules
        for due in rules.special_circumstances_dates(year.starts_on, regs):
            if start <= due <= end:
                out.append(Due("EN-10", due, _("Special-circumstances applications due; students are reminded "
                                               "%(days)d days before (UH 4.6.3)")
                               % {"days": regs.special_circumstances_reminder_days},
                               ref=Ref("enrolment.academicyear", year.pk, year.code)))
    return out
