"""Use cases of the ombudspersons (OM-1 .. OM-3; UH 21): appointments, standing aside, mediation cases and their
confidential notes, and the log of file views.

Each service runs in one transaction; where two writers could meet, the row they meet on is locked first
(the programme for an appointment, the case for a move or a note). Each is idempotent: the same request twice
finds what the first one wrote (unique keys), and refusals come back as :class:`OmbudsRefused` in plain words.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from config.audit import audit_step
from enrolment.models import Programme

from .. import queries_ombuds as queries
from .. import rules
from ..models import (
    FileKind,
    FileView,
    MediationCase,
    MediationNote,
    MediationStatus,
    MediationTransition,
    OmbudsAssignment,
    OmbudsRole,
    StandAside,
)


class OmbudsRefused(Exception):
    """A request the rules refuse; the message says why in plain words."""


# --- The view log ------------------------------------------------------------------------------------------------


def log_file_view(user, obj, page: str = "") -> FileView | None:
    """Record that ``user`` opened ``obj`` (an ``Appeal``, an ``Irregularity`` or a ``MediationCase``) now.

    For any page that shows a file, in any app: call it after the access check, before rendering, e.g.
    ``log_file_view(request.user, appeal, page="appeals:appeal_detail")``. One INSERT; an anonymous user is
    not logged (the page refuses him anyway)."""
    if user is None or not user.is_authenticated:
        return None
    kind = queries.kind_of(obj)
    return FileView.objects.create(user=user, page=page[:100], **{kind: obj})


# --- Appointments (OM-1) -----------------------------------------------------------------------------------------


@transaction.atomic
def assign(*, user, role: str, programme: Programme | None, since: date, until: date | None = None,
           by) -> tuple[OmbudsAssignment, bool, list[rules.CoverageWarning]]:
    """OM-1 (UH 21.1): appoint ``user`` for a term. Returns the appointment, whether it is new, and the OM-1
    warnings left for its programme (a missing deputy, ...), which never block.

    Refused: a programme for the central ombudsperson or none for a programme one, a term that ends before it
    starts, and a term overlapping one the same person already holds in the same capacity."""
    if role not in OmbudsRole.values:
        raise OmbudsRefused(_("Unknown capacity %(role)s.") % {"role": role})
    if (role == OmbudsRole.CENTRAL) != (programme is None):
        raise OmbudsRefused(_("The central ombudsperson is appointed for the institution, without a programme; "
                              "a programme ombudsperson or deputy for one programme."))
    if until is not None and until < since:
        raise OmbudsRefused(_("The term cannot end (%(until)s) before it starts (%(since)s).")
                            % {"until": until.isoformat(), "since": since.isoformat()})
    if programme is not None:
        Programme.objects.select_for_update().get(pk=programme.pk)
    same = OmbudsAssignment.objects.filter(user=user, role=role, programme=programme)
    existing = same.filter(since=since).first()
    if existing is not None:
        return existing, False, warnings_for(programme, since)
    overlapping = same.filter(Q(until__isnull=True) | Q(until__gte=since))
    if until is not None:
        overlapping = overlapping.filter(since__lte=until)
    if overlapping.exists():
        raise OmbudsRefused(_("%(name)s already holds this appointment in that period; end the current term "
                              "first.") % {"name": user.get_full_name() or user.username})
    assignment = OmbudsAssignment.objects.create(user=user, role=role, programme=programme, since=since, until=until,
                                                 recorded_by=by)
    return assignment, True, warnings_for(programme, since)


def warnings_for(programme: Programme | None, on: date) -> list[rules.CoverageWarning]:
    appointments = queries.appointments_on(on)
    if programme is None:
        return rules.om1_coverage_warnings({}, appointments.central)
    return [w for w in rules.om1_coverage_warnings(appointments.of_programmes([programme.pk]), appointments.central)
            if w.programme_id is not None]


@transaction.atomic
def end_assignment(pk: int, until: date, by) -> OmbudsAssignment:
    """OM-1: end a term on ``until`` (the last day in office). Ending it again on the same day changes nothing."""
    assignment = OmbudsAssignment.objects.select_for_update().get(pk=pk)
    if assignment.until == until:
        return assignment
    if until < assignment.since:
        raise OmbudsRefused(_("The term cannot end (%(until)s) before it starts (%(since)s).")
                            % {"until": until.isoformat(), "since": assignment.since.isoformat()})
    if assignment.until is not None and until > assignment.until:
        raise OmbudsRefused(_("This term already ended on %(until)s; record a new appointment instead.")
                            % {"until": assignment.until.isoformat()})
    assignment.until = until
    assignment.save(update_fields=["until"])
    return assignment


# --- Standing aside (OM-2) ---------------------------------------------------------------------------------------


@transaction.atomic
def stand_aside(*, user, obj, reason: str, explanation: str, by) -> tuple[StandAside, bool]:
    """OM-2 (UH 21.2.4): ``user`` stands aside for this file (involved, or related to a party); from now on the
    deputy handles it (or the central ombudsperson, or the dean's designee: ``rules.om2_who_handles``). Final:
    a stand-aside is never withdrawn. Recording it twice finds the first record."""
    kind = queries.kind_of(obj)
    explanation = explanation.strip()
    if not explanation:
        raise OmbudsRefused(_("Say briefly why you stand aside (kept with the file)."))
    existing = StandAside.objects.filter(user=user, **{kind: obj}).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return StandAside.objects.create(user=user, reason=reason, explanation=explanation, recorded_by=by,
                                             **{kind: obj}), True
    except IntegrityError:
        return StandAside.objects.get(user=user, **{kind: obj}), False


# --- Mediation cases (OM-2) --------------------------------------------------------------------------------------


@audit_step("Mediation opened")
@transaction.atomic
def open_mediation(*, student, programme: Programme, subject: str, kind: str, opened_on: date, by, today: date,
                   other_party=None, other_party_name: str = "", with_central: bool = False,
                   first_note: str = "") -> tuple[MediationCase, bool]:
    """OM-2 (UH 21.2.1, 21.2.5): open a mediation case between a student and a member of staff.

    Refused when the one who opens it would not handle it (the case would vanish from her workspace): she is
    not the programme's ombudsperson or deputy in charge, the central ombudsperson for a case brought to her,
    or she is the other party. The same case recorded twice (student, programme, day, subject) is found again.
    """
    subject = subject.strip()
    if not subject:
        raise OmbudsRefused(_("Give the subject of the dispute."))
    if other_party is None and not other_party_name.strip():
        raise OmbudsRefused(_("Name the member of staff the dispute is with."))
    if opened_on > today:
        raise OmbudsRefused(_("The opening day %(day)s lies after today.") % {"day": opened_on.isoformat()})
    Programme.objects.select_for_update().get(pk=programme.pk)
    existing = MediationCase.objects.filter(student=student, programme=programme, opened_on=opened_on,
                                            subject=subject).first()
    if existing is not None:
        return existing, False
    case = MediationCase.objects.create(
        student=student, programme=programme, subject=subject, kind=kind, opened_on=opened_on,
        other_party=other_party, other_party_name="" if other_party else other_party_name.strip(),
        with_central=with_central, created_by=by)
    if case.pk not in queries.handled_ids(by, FileKind.MEDIATION, today):
        raise OmbudsRefused(_("You would not handle this case: for %(programme)s it goes to another ombudsperson "
                              "(the programme's, its deputy or the central ombudsperson), or you are a party "
                              "to it.") % {"programme": programme.code})
    MediationTransition.objects.create(case=case, from_status="", to_status=MediationStatus.OPEN, by=by,
                                       note=_("Case opened."))
    if first_note.strip():
        MediationNote.objects.create(case=case, author=by, text=first_note.strip(), token=uuid.uuid4())
    return case, True


@audit_step("Mediation note added", by="author")
@transaction.atomic
def add_note(case_pk: int, *, author, text: str, token: uuid.UUID) -> tuple[MediationNote, bool]:
    """OM-2 (UH 21.2.2): a confidential note, with its author and time; never edited. The form's ``token``
    makes a form sent twice write one note."""
    text = text.strip()
    if not text:
        raise OmbudsRefused(_("A note cannot be empty."))
    case = MediationCase.objects.select_for_update().get(pk=case_pk)
    existing = MediationNote.objects.filter(token=token).first()
    if existing is not None:
        if existing.case_id != case.pk:
            raise OmbudsRefused(_("This form was already used for another case; open the form again."))
        return existing, False
    return MediationNote.objects.create(case=case, author=author, text=text, token=token), True


# The step's note stays with the case (UH 21.2.2): the audit search of the administration shows only the step.
@audit_step("Mediation moved to {target}")
@transaction.atomic
def move_mediation(case_pk: int, target: str, *, by, today: date, outcome: str = "", closed_on: date | None = None,
                   note: str = "") -> MediationCase:
    """OM-2: start the mediation, close the case with its outcome (resolved, not resolved, referred), or reopen
    it. The status and the transition (who, when, why) are written together; the case row is locked, and the
    same move asked twice (a double click) changes nothing the second time."""
    case = MediationCase.objects.select_for_update().get(pk=case_pk)
    if case.status == target and (target != MediationStatus.CLOSED
                                  or (case.outcome == outcome and case.closed_on == closed_on)):
        return case
    try:
        rules.om2_next_mediation_state(case.status, target)
    except rules.MediationMoveRefused as refused:
        raise OmbudsRefused(str(refused))
    if target == MediationStatus.CLOSED:
        problems = rules.om2_close_problems(case.opened_on, closed_on, outcome, today)
        if problems:
            raise OmbudsRefused(" ".join(problems))
        case.outcome, case.closed_on = outcome, closed_on
    else:
        case.outcome, case.closed_on = "", None
    previous, case.status = case.status, target
    case.save(update_fields=["status", "outcome", "closed_on"])
    MediationTransition.objects.create(case=case, from_status=previous, to_status=target,
                                       outcome=case.outcome, by=by, note=note.strip())
    return case
