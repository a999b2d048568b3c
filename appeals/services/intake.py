"""Appeal intake (AP-1 .. AP-4, AP-7; UH 19.2-19.4): register an appeal, move its status, record the admissibility
checklist and the arguments of a conservatory appeal, keep its evidence documents.

Status moves go through :func:`move_appeal` only: it locks the appeal, asks ``appeals.rules.next_appeal_state``,
updates the status with ``UPDATE ... WHERE status = <old>`` (two clicks cannot both win) and writes the
:class:`AppealTransition` in the same transaction. The committee's and the ombudspersons' services call it too.
Refusals and the notes on the file are in the language of the person who acts (``gettext``). Every step is
idempotent: the intake form carries a key, a checklist equal to the current one writes nothing, a
document is stored once per appeal (its SHA-256), the arguments' date once.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from config.audit import audit_step
from config.calendar import holidays_around
from config.sweeps import Ref
from enrolment.flags import raise_flag
from examinations.models import Irregularity, StudyProgressDecision

from .. import rules
from ..models import (
    AdmissibilityAnswer,
    AdmissibilityCheck,
    AdmissibilityOutcome,
    AdmissibilityPoint,
    Appeal,
    AppealSequence,
    AppealStatus,
    AppealTransition,
    DecisionKind,
    EvidenceDocument,
)

POINT_WORDS = dict(AdmissibilityPoint.choices)


class AppealRefused(Exception):
    """A step on an appeal that may not be taken, with the reason in plain words."""


# ---------------------------------------------------------------------------------------------------------------
# The status


def _lock(appeal_id: int) -> Appeal:
    try:
        return Appeal.objects.select_for_update(of=("self",)).select_related("student").get(pk=appeal_id)
    except Appeal.DoesNotExist:
        raise AppealRefused(_("There is no such appeal."))


@audit_step("Appeal moved to {target}", reason="note")
@transaction.atomic
def move_appeal(appeal_id: int, target: str, *, by, note: str = "", expected: str | None = None,
                **fields) -> Appeal:
    """Move the appeal to ``target`` (``appeals.rules.TRANSITIONS``), with ``fields`` updated in the same
    statement, and write its transition (who, when, why). ``expected``: the status the caller saw; when the
    appeal has moved on meanwhile the move is refused instead of applied to a file the caller did not see."""
    appeal = _lock(appeal_id)
    old = appeal.status
    if expected is not None and old != expected:
        raise AppealRefused(_("The appeal was changed meanwhile; reload it and try again."))
    try:
        rules.next_appeal_state(old, target)
    except rules.IllegalAppealTransition as illegal:
        raise AppealRefused(str(illegal))
    changed = Appeal.objects.filter(pk=appeal.pk, status=old).update(status=target, **fields)
    if changed != 1:
        raise AppealRefused(_("The appeal was changed meanwhile; reload it and try again."))
    AppealTransition.objects.create(appeal=appeal, from_status=old, to_status=target, by=by, note=note)
    appeal.refresh_from_db()
    return appeal


def _note_on_file(appeal: Appeal, note: str, by) -> None:
    """A fact recorded on the file that keeps its status (the arguments of a conservatory appeal)."""
    AppealTransition.objects.create(appeal=appeal, from_status=appeal.status, to_status=appeal.status, by=by,
                                    note=note)


# ---------------------------------------------------------------------------------------------------------------
# Intake

#: AP-2's marks on an appeal (``enrolment.models.DeadlineFlag``): an appeal lodged after its window closed.
LATE_FLAG = ("AP-2", "late")


def flag_late(appeal: Appeal, flagged_on: date, note: str = ""):
    """AP-2 (UH 19.3.2): mark a late appeal once (the intake when it registers one, the AP-2 sweep for appeals that
    came in otherwise, e.g. by a dataset import). Returns the new flag, or None when it was marked before."""
    rule, kind = LATE_FLAG
    return raise_flag(rule=rule, kind=kind, ref=Ref("appeals.appeal", appeal.pk, appeal.reference),
                      due_on=appeal.lodge_by, flagged_on=flagged_on, programme_id=appeal.programme_id,
                      note=note or f"postmarked {appeal.postmarked_on.isoformat()}, after the last day "
                                   f"{appeal.lodge_by.isoformat()} (AP-2)")


@dataclass(frozen=True)
class IntakeDates:
    """What the intake shows before it is confirmed: AP-2's last day, AP-3's verdict on the postmark, AP-7's
    decision date."""

    lodge_by: date
    decide_by: date
    in_time: bool


def intake_dates(decision_notified_on: date, postmarked_on: date, received_on: date) -> IntakeDates:
    last = rules.lodge_by(decision_notified_on, holidays_around(decision_notified_on))
    return IntakeDates(lodge_by=last, decide_by=rules.decide_by(received_on),
                       in_time=rules.in_time(postmarked_on, last))


def next_reference(year: int) -> str:
    """APP-<year>-<nnnn>, the next free number of the year of receipt; the year's row is locked until the caller's
    transaction ends, so two intakes never take the same number. A reference already used (a dataset import that
    chose it) is skipped."""
    seq, _created = AppealSequence.objects.select_for_update().get_or_create(year=year)
    n = seq.last
    while True:
        n += 1
        reference = f"APP-{year}-{n:04d}"
        if not Appeal.objects.filter(reference=reference).exists():
            break
    AppealSequence.objects.filter(pk=year).update(last=n)
    return reference


def student_decisions(student_id: int):
    """AP-1 a: the student's proclaimed study-progress decisions that stand (current versions), newest first."""
    return (StudyProgressDecision.objects.filter(student_id=student_id, is_current=True)
            .select_related("programme", "exam_period__academic_year", "proclamation")
            .order_by("-proclamation__published_on", "programme__code"))


def student_irregularity_decisions(student_id: int):
    """AP-1 b: the exam-related disciplinary decisions on the student (an irregularity established)."""
    return (Irregularity.objects.filter(student_id=student_id, irregularity_found=True, decided_on__isnull=False)
            .select_related("course_unit", "exam_period__academic_year", "committee__programme")
            .order_by("-decided_on"))


def irregularity_notified_on(irr: Irregularity) -> date | None:
    """When the disciplinary decision reached the student: the letter (IR-5); the rector's decision when the case
    went to the rector and no letter is on record (UH 18.3.3)."""
    return irr.letter_sent_on or irr.rector_decided_on


@audit_step("Appeal registered")
def register_appeal(*, student, decision_kind: str, postmarked_on: date, received_on: date,
                    decision_notified_on: date | None = None, contested_decision: StudyProgressDecision | None = None,
                    contested_irregularity: Irregularity | None = None, description: str = "", programme=None,
                    email_notice_on: date | None = None, conservatory: bool = False, intake_key: str | None = None,
                    by=None, today: date | None = None) -> tuple[Appeal, bool]:
    """AP-1 .. AP-3, AP-7 (UH 19.2-19.4.1): the secretary registers a registered letter as an appeal.

    The contested decision is a recorded study-progress decision (an exam decision), an irregularity decision (an
    exam-related disciplinary decision) or any other kind of AP-1 described by hand. ``lodge_by`` (AP-2) and
    ``decide_by`` (AP-7) are computed and stored. A late letter is registered all the same and shows as late (a
    note on its first transition and the AP-2 ``late`` flag): the committee decides on admissibility (UH 19.4.2).
    With the same ``intake_key`` (a double submit) the appeal already made is returned, ``created`` False. The
    reference is APP-<year of receipt>-<number>.
    """
    description = (description or "").strip()
    if contested_decision is not None and contested_irregularity is not None:
        raise AppealRefused(_("An appeal contests one decision."))
    if contested_decision is not None:
        if contested_decision.student_id != student.pk:
            raise AppealRefused(_("This decision is not one of this student's."))
        decision_kind = DecisionKind.EXAM_DECISION
        programme = contested_decision.programme
        proclaimed = contested_decision.proclamation.published_on
        decision_notified_on = decision_notified_on or proclaimed
        if decision_notified_on < proclaimed:
            raise AppealRefused(_("The decision was proclaimed on %(date)s; it cannot have been notified before.")
                                % {"date": proclaimed})
    elif contested_irregularity is not None:
        if contested_irregularity.student_id != student.pk:
            raise AppealRefused(_("This irregularity decision is not one of this student's."))
        decision_kind = DecisionKind.DISCIPLINARY_DECISION
        programme = contested_irregularity.committee.programme
        decision_notified_on = decision_notified_on or irregularity_notified_on(contested_irregularity)
    elif not description:
        raise AppealRefused(_("Describe the contested decision (which decision, by whom, of when)."))
    if decision_kind not in DecisionKind.values:
        raise AppealRefused(_("Choose the kind of the contested decision (AP-1)."))
    if decision_notified_on is None:
        raise AppealRefused(_("Enter the date the decision was proclaimed or notified."))
    problems = []
    if received_on < postmarked_on:
        problems.append(_("The letter cannot be received (%(received)s) before its postmark (%(postmark)s).")
                        % {"received": received_on, "postmark": postmarked_on})
    if postmarked_on < decision_notified_on:
        problems.append(_("The postmark (%(postmark)s) is before the decision was proclaimed or notified "
                          "(%(notified)s).") % {"postmark": postmarked_on, "notified": decision_notified_on})
    if today is not None:
        for label, day in ((_("postmark"), postmarked_on), (_("receipt"), received_on),
                           (_("e-mail notice"), email_notice_on),
                           (_("proclamation or notification"), decision_notified_on)):
            if day is not None and day > today:
                problems.append(_("The date of the %(what)s (%(date)s) lies after today.")
                                % {"what": label, "date": day})
    if problems:
        raise AppealRefused(" ".join(problems))
    dates = intake_dates(decision_notified_on, postmarked_on, received_on)
    with transaction.atomic():
        if intake_key:
            existing = Appeal.objects.filter(intake_key=intake_key).first()
            if existing is not None:
                return existing, False
        try:
            with transaction.atomic():
                appeal = Appeal.objects.create(
                    reference=next_reference(received_on.year), student=student, decision_kind=decision_kind,
                    contested_decision=contested_decision, contested_irregularity=contested_irregularity,
                    contested_description=description, programme=programme,
                    decision_notified_on=decision_notified_on, postmarked_on=postmarked_on, received_on=received_on,
                    email_notice_on=email_notice_on, lodge_by=dates.lodge_by, decide_by=dates.decide_by,
                    conservatory=conservatory, intake_key=intake_key or None, recorded_by=by)
        except IntegrityError:
            existing = Appeal.objects.filter(intake_key=intake_key).first() if intake_key else None
            if existing is None:
                raise
            return existing, False
        note = _("Registered.")
        if not dates.in_time:
            note += " " + _("Postmarked %(postmark)s, after the last day %(last)s (AP-2): late; the committee decides "
                            "on admissibility.") % {"postmark": postmarked_on, "last": dates.lodge_by}
        if conservatory:
            note += " " + _("Conservatory appeal (AP-4): the arguments follow after the inspection.")
        AppealTransition.objects.create(appeal=appeal, from_status="", to_status=AppealStatus.RECEIVED, by=by,
                                        note=note)
        if not dates.in_time:
            flag_late(appeal, flagged_on=today or received_on)
    return appeal, True


@audit_step("Arguments received")
@transaction.atomic
def record_arguments(appeal_id: int, *, received_on: date, by, today: date | None = None) -> Appeal:
    """AP-4 (UH 19.3.5): the arguments of a conservatory appeal, received after the inspection and explanation.
    The same date again changes nothing; another date once one is recorded is refused."""
    appeal = _lock(appeal_id)
    if not appeal.conservatory:
        raise AppealRefused(_("Only a conservatory appeal (AP-4) receives its arguments later."))
    if appeal.arguments_received_on is not None:
        if appeal.arguments_received_on == received_on:
            return appeal
        raise AppealRefused(_("The arguments are on file as received on %(date)s.")
                             % {"date": appeal.arguments_received_on})
    if received_on < appeal.postmarked_on:
        raise AppealRefused(_("The arguments cannot come before the appeal itself (%(date)s).")
                             % {"date": appeal.postmarked_on})
    if today is not None and received_on > today:
        raise AppealRefused(_("The date %(date)s lies after today.") % {"date": received_on})
    if appeal.status == AppealStatus.DECIDED:
        raise AppealRefused(_("The appeal is decided."))
    Appeal.objects.filter(pk=appeal.pk).update(arguments_received_on=received_on)
    appeal.refresh_from_db()
    _note_on_file(appeal, _("Arguments of the conservatory appeal received on %(date)s (AP-4); the admissibility "
                            "check can be completed.") % {"date": received_on}, by)
    return appeal


# ---------------------------------------------------------------------------------------------------------------
# AP-3: the admissibility checklist


def same_decision_q(appeal: Appeal) -> Q:
    """Other appeals against the same study-progress decision: the same record, or, for a decision described by
    hand, the same student, kind and date of notification (the closest the facts allow)."""
    if appeal.contested_decision_id:
        q = Q(contested_decision_id=appeal.contested_decision_id)
    elif appeal.contested_irregularity_id:
        q = Q(contested_irregularity_id=appeal.contested_irregularity_id)
    else:
        q = Q(student_id=appeal.student_id, decision_kind=appeal.decision_kind,
              decision_notified_on=appeal.decision_notified_on, contested_decision__isnull=True,
              contested_irregularity__isnull=True)
    return q & ~Q(pk=appeal.pk)


def other_appeals(appeal: Appeal) -> list[tuple[Appeal, date | None]]:
    """The other appeals on the same decision, each with the day it was decided (its move to ``decided``), if it
    was; one query."""
    others = list(Appeal.objects.filter(same_decision_q(appeal)).order_by("postmarked_on", "reference"))
    decided = {}
    for t in AppealTransition.objects.filter(appeal__in=others, to_status=AppealStatus.DECIDED).order_by("at"):
        decided.setdefault(t.appeal_id, timezone.localdate(t.at))
    return [(a, decided.get(a.pk)) for a in others]


def computed_points(appeal: Appeal, others: list[tuple[Appeal, date | None]] | None = None) -> dict:
    """AP-3: the points the facts answer: ``{point: (satisfied, reason)}`` for in time and not appealed before."""
    if others is None:
        others = other_appeals(appeal)
    late = (False, _("Postmarked %(postmark)s, after the last day to lodge %(last)s (AP-2, UH 19.3.2).")
            % {"postmark": appeal.postmarked_on, "last": appeal.lodge_by})
    in_time = (True, "") if appeal.in_time else late
    before = rules.earlier_decided_appeals(appeal.postmarked_on, [(a.reference, d) for a, d in others])
    if before:
        not_before = (False, _("The decision was already the subject of appeal %(references)s, decided before this "
                               "one was lodged (UH 19.3.4).") % {"references": ", ".join(before)})
    else:
        not_before = (True, "")
    return {rules.IN_TIME: in_time, rules.NOT_APPEALED_BEFORE: not_before}


@audit_step("Admissibility checked", reason="note")
@transaction.atomic
def record_admissibility(appeal_id: int, *, answers: dict[str, tuple[bool, str]], checked_on: date,
                         signed_by: str = "", note: str = "", by, today: date | None = None) -> AdmissibilityCheck:
    """AP-3 / AP-4 (UH 19.3.4-5): the secretary's checklist. ``answers`` gives the points she reads in the letter
    (name, address, signature, decision identified, arguments) as ``(satisfied, reason)``; the points the facts
    answer (in time, not appealed before) are computed here. Every failed point needs its reason.

    The outcome (``appeals.rules.admissibility_outcome``) moves the status: admissible or inadmissible; a
    conservatory appeal without its arguments stays received, its checklist pending. A checklist equal to the
    current one writes nothing; another one becomes the next version (before the committee takes the file up).
    """
    appeal = _lock(appeal_id)
    if appeal.status not in (AppealStatus.RECEIVED, AppealStatus.ADMISSIBLE, AppealStatus.INADMISSIBLE):
        raise AppealRefused(_("The committee has taken the appeal up; its admissibility is the committee's to "
                              "decide (UH 19.4.2)."))
    if today is not None and checked_on > today:
        raise AppealRefused(_("The date %(date)s lies after today.") % {"date": checked_on})
    if checked_on < appeal.received_on:
        raise AppealRefused(_("The appeal was received on %(date)s; it cannot be checked before.")
                            % {"date": appeal.received_on})
    arguments_pending = appeal.conservatory and appeal.arguments_received_on is None
    points: dict[str, tuple[bool | None, str]] = {}
    problems = []
    for point in rules.POINTS:
        if point in rules.COMPUTED_POINTS:
            continue
        if point == rules.ARGUMENTS and arguments_pending:
            points[point] = (None, "")
            continue
        if point not in answers:
            problems.append(_("Answer the point '%(point)s'.") % {"point": POINT_WORDS[point]})
            continue
        satisfied, reason = answers[point]
        reason = (reason or "").strip()
        if satisfied is False and not reason:
            problems.append(_("Give the reason why the point '%(point)s' is not met.")
                            % {"point": POINT_WORDS[point]})
        points[point] = (bool(satisfied), "" if satisfied else reason)
    if problems:
        raise AppealRefused(" ".join(problems))
    points.update(computed_points(appeal))
    if points[rules.SIGNATURE][0] and not signed_by:
        raise AppealRefused(_("Say who signed the appeal: the student or the lawyer (UH 19.3.4)."))
    outcome = rules.admissibility_outcome({p: v[0] for p, v in points.items()}, conservatory=appeal.conservatory,
                                          arguments_received=appeal.arguments_received_on is not None)
    current = (AdmissibilityCheck.objects.filter(appeal=appeal, is_current=True)
               .prefetch_related("answers").first())
    if current is not None:
        same = {a.point: (a.satisfied, a.reason) for a in current.answers.all()} == points
        if same and current.signed_by == signed_by and current.outcome == outcome and current.note == note.strip():
            return current
    if outcome == AdmissibilityOutcome.PENDING and appeal.status != AppealStatus.RECEIVED:
        raise AppealRefused(_("This checklist leaves the outcome open, but the appeal was already found "
                              "%(status)s.") % {"status": rules.state_words()[appeal.status]})
    version = 1
    if current is not None:
        version = current.version + 1
        AdmissibilityCheck.objects.filter(pk=current.pk).update(is_current=False)
    check = AdmissibilityCheck.objects.create(appeal=appeal, version=version, checked_on=checked_on,
                                              signed_by=signed_by, outcome=outcome, note=note.strip(), recorded_by=by)
    AdmissibilityAnswer.objects.bulk_create([
        AdmissibilityAnswer(checklist=check, point=p, satisfied=points[p][0], reason=points[p][1])
        for p in rules.POINTS])
    target = {AdmissibilityOutcome.ADMISSIBLE: AppealStatus.ADMISSIBLE,
              AdmissibilityOutcome.INADMISSIBLE: AppealStatus.INADMISSIBLE}.get(outcome)
    failed = [f"{POINT_WORDS[p]}: {points[p][1]}" for p in rules.POINTS if points[p][0] is False]
    words = _("Admissibility checklist (version %(version)s): %(outcome)s.") % {
        "version": version, "outcome": check.get_outcome_display()} + (" " + " ".join(failed) if failed else "")
    if target is not None and target != appeal.status:
        move_appeal(appeal.pk, target, by=by, note=words, expected=appeal.status)
    else:
        _note_on_file(appeal, words, by)
    return check


# ---------------------------------------------------------------------------------------------------------------
# Evidence documents

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
#: The types accepted, by their first bytes (never by the name or the browser's word alone), with their extensions.
SIGNATURES = (
    (b"%PDF-", "application/pdf", (".pdf",)),
    (b"\xff\xd8\xff", "image/jpeg", (".jpg", ".jpeg")),
    (b"\x89PNG\r\n\x1a\n", "image/png", (".png",)),
)
_UNSAFE = re.compile(r"[^A-Za-z0-9._ ()-]+")


def sniff_type(head: bytes) -> str | None:
    """The content type of a file by its magic bytes: PDF, JPEG or PNG; None for anything else."""
    for magic, content_type, _extensions in SIGNATURES:
        if head.startswith(magic):
            return content_type
    return None


def safe_filename(name: str) -> str:
    """The uploaded file's name as shown and offered on download. A name that tries to name a path (separators,
    ``..``, a leading dot, control characters) is refused; other unusual characters become ``_``."""
    if not name or "/" in name or "\\" in name or ".." in name or name.startswith(".") or any(
            ord(c) < 32 for c in name):
        raise AppealRefused(_("The file name is not acceptable; rename the file (letters, digits, dots and dashes)."))
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    stem = _UNSAFE.sub("_", stem).strip(" ._-")[:110] or "document"
    ext = _UNSAFE.sub("", ext)[:10]
    cleaned = f"{stem}.{ext}" if ext else stem
    return cleaned


def check_upload(name: str, size: int, head: bytes) -> tuple[str, str]:
    """(sanitised name, content type) of an acceptable evidence file, else :class:`AppealRefused` with the reason."""
    clean = safe_filename(name)
    if size <= 0:
        raise AppealRefused(_("The file is empty."))
    if size > MAX_EVIDENCE_BYTES:
        raise AppealRefused(_("The file is larger than %(n)s MB.") % {"n": MAX_EVIDENCE_BYTES // (1024 * 1024)})
    content_type = sniff_type(head)
    if content_type is None:
        raise AppealRefused(_("Only PDF, JPEG and PNG files are accepted; this file's content is none of these."))
    extensions = next(ext for _magic, ct, ext in SIGNATURES if ct == content_type)
    if not clean.lower().endswith(extensions):
        raise AppealRefused(_("The file's content is %(type)s, but its name ends otherwise; rename it to end in "
                              "%(extension)s.") % {"type": content_type, "extension": extensions[0]})
    return clean, content_type


@audit_step("Document added")
def add_document(appeal_id: int, *, upload, title: str, received_on: date, by,
                 today: date | None = None) -> tuple[EvidenceDocument, bool]:
    """UH 19.3.4 ("relevant documents"), UH 19.4.1 (the secretary keeps the file): store an evidence document in
    the private storage. The same file twice on one appeal is stored once (``created`` False)."""
    title = (title or "").strip()
    if not title:
        raise AppealRefused(_("Say what the document is."))
    if today is not None and received_on > today:
        raise AppealRefused(_("The date %(date)s lies after today.") % {"date": received_on})
    size = upload.size
    if size > MAX_EVIDENCE_BYTES:  # before reading it: a large upload is refused unread
        raise AppealRefused(_("The file is larger than %(n)s MB.") % {"n": MAX_EVIDENCE_BYTES // (1024 * 1024)})
    upload.seek(0)
    data = upload.read(MAX_EVIDENCE_BYTES + 1)
    clean, content_type = check_upload(getattr(upload, "name", ""), len(data), data[:16])
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        appeal = _lock(appeal_id)
        if appeal.status == AppealStatus.DECIDED:
            raise AppealRefused(_("The appeal is decided; its file is closed."))
        existing = EvidenceDocument.objects.filter(appeal=appeal, sha256=digest).first()
        if existing is not None:
            return existing, False
        doc = EvidenceDocument(appeal=appeal, title=title[:200], original_name=clean, content_type=content_type,
                               size=len(data), sha256=digest, received_on=received_on, uploaded_by=by)
        doc.file.save(clean, ContentFile(data), save=False)
        stored = doc.file.name
        try:
            doc.save()
        except Exception:
            doc.file.storage.delete(stored)
            raise
    return doc, True
