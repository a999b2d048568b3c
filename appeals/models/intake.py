"""Internal appeals as received and checked by the appeals committee's secretary (rules.md section 7: AP-1 ..
AP-4, AP-7; UH 19.2-19.4): the appeal, its status and transitions, the admissibility checklist, evidence.

The appeal's ``status`` is a cache of its last :class:`AppealTransition`; the allowed moves are
``appeals.rules.TRANSITIONS`` and the only writer is ``appeals.services.intake.move_appeal`` (a conditional update,
so two clicks cannot both move the file). The committee's and the ombudspersons' models refer to :class:`Appeal`.
"""

import os
import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from examinations.models.results import AppendOnly


class DecisionKind(models.TextChoices):
    """AP-1 (UH 19.2 a-j) and AP-9 (UH 4.6.4, 2.4): the study-progress decisions an appeal may contest."""

    EXAM_DECISION = "exam_decision", _("Exam decision")
    DISCIPLINARY_DECISION = "disciplinary_decision", _("Exam-related disciplinary decision")
    APTITUDE_CERTIFICATE = "aptitude_certificate", _("Aptitude certificate")
    EXEMPTION = "exemption", _("Exemption")
    BRIDGING_IMPOSITION = "bridging_imposition", _("Imposed bridging or preparatory programme")
    STUDY_PROGRESS_MEASURE = "study_progress_measure", _("Study-progress measure")
    UNIT_REFUSAL = "unit_refusal", _("Refusal to add a unit to an individual programme")
    DIPLOMA_EQUIVALENCE = "diploma_equivalence", _("Foreign-diploma equivalence")
    LEARNING_ACCOUNT_REFUSAL = "learning_account_refusal", _("Refusal for an insufficient learning account")
    SUBSTANTIAL_DIFFERENCES = "substantial_differences", _("Substantial-differences decision")
    ADJUSTMENT_REFUSAL = "adjustment_refusal", _("Refused reasonable adjustments (disability)")
    REENROLMENT_REFUSAL = "reenrolment_refusal", _("Refused re-enrolment after reconsideration")


class AppealStatus(models.TextChoices):
    """The appeal's file (UH 19.3-19.4); the moves between them are ``appeals.rules.TRANSITIONS``."""

    RECEIVED = "received", _("Received")
    ADMISSIBLE = "admissible", _("Admissibility checked: admissible")
    INADMISSIBLE = "inadmissible", _("Admissibility checked: inadmissible")
    HEARING_PLANNED = "hearing_planned", _("With the committee: hearing planned")
    HEARD = "heard", _("With the committee: heard")
    DECIDED = "decided", _("Decided")


class Appeal(models.Model):
    """An internal appeal as received by the appeals committee's secretary (AP-2, AP-3, AP-7).

    ``lodge_by`` and ``decide_by`` are computed at intake from the dates (appeals.rules) and stored, so lists
    and sweeps filter on them; they never change because the dates they come from are facts of the intake.
    """

    reference = models.CharField(_("reference"), max_length=40, unique=True)
    student = models.ForeignKey("students.Student", on_delete=models.PROTECT, related_name="appeals")
    decision_kind = models.CharField(_("contested decision"), max_length=40, choices=DecisionKind.choices)
    contested_decision = models.ForeignKey("examinations.StudyProgressDecision", on_delete=models.PROTECT,
                                           null=True, blank=True, related_name="appeals")
    contested_irregularity = models.ForeignKey("examinations.Irregularity", on_delete=models.PROTECT, null=True,
                                               blank=True, related_name="appeals")
    contested_description = models.TextField(_("contested decision (description)"), blank=True)
    # The programme whose decision is contested (scoping for ombudspersons); empty for dataset imports.
    programme = models.ForeignKey("enrolment.Programme", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    decision_notified_on = models.DateField(_("proclaimed or notified on"))
    postmarked_on = models.DateField(_("postmark of the registered letter"))
    received_on = models.DateField(_("received on"))
    email_notice_on = models.DateField(_("e-mail notice received on"), null=True, blank=True)
    lodge_by = models.DateField(_("last day to lodge (AP-2)"))
    decide_by = models.DateField(_("decision due by (AP-7)"))
    conservatory = models.BooleanField(_("conservatory appeal (AP-4)"), default=False)
    arguments_received_on = models.DateField(_("arguments received on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=AppealStatus.choices,
                              default=AppealStatus.RECEIVED)
    # A double submit of the intake form carries the same key and finds the appeal it made (idempotent intake).
    intake_key = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_on", "reference"]
        constraints = [
            models.CheckConstraint(name="appeal_received_after_postmark",
                                   condition=Q(received_on__gte=models.F("postmarked_on"))),
            models.CheckConstraint(name="appeal_status_known",
                                   condition=Q(status__in=[s.value for s in AppealStatus])),
            models.CheckConstraint(name="appeal_contests_one_record",
                                   condition=Q(contested_decision__isnull=True)
                                   | Q(contested_irregularity__isnull=True)),
            models.CheckConstraint(name="appeal_decision_record_is_exam_decision",
                                   condition=Q(contested_decision__isnull=True) | Q(decision_kind="exam_decision")),
            models.CheckConstraint(name="appeal_irregularity_record_is_disciplinary",
                                   condition=Q(contested_irregularity__isnull=True)
                                   | Q(decision_kind="disciplinary_decision")),
            # AP-4: only a conservatory appeal receives its arguments after the letter.
            models.CheckConstraint(name="appeal_arguments_later_only_conservatory",
                                   condition=Q(conservatory=True) | Q(arguments_received_on__isnull=True)),
        ]
        indexes = [models.Index(fields=["status", "decide_by"], name="appeal_status_decide_by")]

    def __str__(self):
        return self.reference

    @property
    def in_time(self) -> bool:
        return self.postmarked_on <= self.lodge_by

    @property
    def late(self) -> bool:
        """AP-2/AP-3: postmarked after the last day; registered anyway, the committee decides (UH 19.4.2)."""
        return not self.in_time

    @property
    def contested_label(self) -> str:
        if self.contested_decision_id:
            d = self.contested_decision
            return f"{d.exam_period.academic_year.code} {d.exam_period.code} · {d.programme.code}"
        if self.contested_irregularity_id:
            i = self.contested_irregularity
            return f"{i.course_unit.code} · {i.exam_period.academic_year.code} {i.exam_period.code}"
        return self.contested_description


class AppealTransition(AppendOnly):
    """One move of an appeal's status (who, when, why); written with the status in one transaction."""

    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=AppealStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=AppealStatus.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                           related_name="+")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.appeal_id} {self.from_status or '-'} -> {self.to_status}"


class AppealSequence(models.Model):
    """The last reference number given per year of receipt (APP-2027-0001); locked when a number is taken."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)


class AdmissibilityPoint(models.TextChoices):
    """AP-3 (UH 19.3.1-4): the points of the admissibility checklist (``appeals.rules.POINTS``)."""

    NAME = "name", _("Name of the student")
    ADDRESS = "address", _("Correspondence address")
    SIGNATURE = "signature", _("Signature of the student or the lawyer")
    DECISION_IDENTIFIED = "decision_identified", _("The contested decision is identified")
    ARGUMENTS = "arguments", _("The arguments are described")
    IN_TIME = "in_time", _("Lodged in time (postmark, AP-2)")
    NOT_APPEALED_BEFORE = "not_appealed_before", _("Not decided on in an earlier appeal")


class AdmissibilityOutcome(models.TextChoices):
    ADMISSIBLE = "admissible", _("Admissible")
    INADMISSIBLE = "inadmissible", _("Inadmissible")
    PENDING = "pending", _("Pending (conservatory appeal awaiting its arguments)")


class SignedBy(models.TextChoices):
    STUDENT = "student", _("The student")
    LAWYER = "lawyer", _("The student's lawyer")


class AdmissibilityCheck(AppendOnly):
    """AP-3: the secretary's checklist of an appeal, in versions (a correction or the completion of a conservatory
    appeal is a new version; the current one is ``is_current``)."""

    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="checks")
    version = models.PositiveSmallIntegerField(default=1)
    is_current = models.BooleanField(default=True)
    checked_on = models.DateField(_("checked on"))
    signed_by = models.CharField(_("signed by"), max_length=10, choices=SignedBy.choices, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=AdmissibilityOutcome.choices)
    note = models.TextField(_("note"), blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["appeal", "version"]
        constraints = [
            models.UniqueConstraint(fields=["appeal", "version"], name="admissibility_check_unique_version"),
            models.UniqueConstraint(fields=["appeal"], condition=Q(is_current=True),
                                    name="admissibility_check_one_current"),
        ]

    def __str__(self):
        return f"{self.appeal_id} v{self.version} {self.outcome}"


class AdmissibilityAnswer(AppendOnly):
    """One point of a checklist: satisfied or not (``None``: not answerable yet), with the reason of a failure."""

    checklist = models.ForeignKey(AdmissibilityCheck, on_delete=models.PROTECT, related_name="answers")
    point = models.CharField(max_length=30, choices=AdmissibilityPoint.choices)
    satisfied = models.BooleanField(null=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["checklist", "id"]
        constraints = [
            models.UniqueConstraint(fields=["checklist", "point"], name="admissibility_answer_once"),
            models.CheckConstraint(name="admissibility_failure_has_reason",
                                   condition=~Q(satisfied=False) | ~Q(reason="")),
        ]


# ---------------------------------------------------------------------------------------------------------------
# Evidence: stored outside the public media, served only by a permission-checked view.


class PrivateStorage(FileSystemStorage):
    """Files under ``settings.PRIVATE_MEDIA_ROOT`` (read when used, so tests may point it elsewhere). It has no
    URL: nothing is served from it except through a view that checks who asks."""

    @property
    def base_location(self):
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private files have no URL; they are served by a permission-checked view.")


def private_storage():
    return PrivateStorage()


def evidence_path(instance, filename) -> str:
    """A random stored name: the original name (already sanitised) is kept in ``original_name`` only."""
    suffix = PurePath(filename).suffix.lower()
    return f"appeals/{instance.appeal_id}/{uuid.uuid4().hex}{suffix}"


class EvidenceDocument(AppendOnly):
    """A document of the appeal's file (UH 19.3.4 "relevant documents", UH 19.4.1): PDF, JPEG or PNG."""

    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="documents")
    title = models.CharField(_("what it is"), max_length=200)
    file = models.FileField(storage=private_storage, upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=150)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    received_on = models.DateField(_("received on"))
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")

    class Meta:
        ordering = ["appeal", "uploaded_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["appeal", "sha256"], name="evidence_once_per_appeal"),
            models.CheckConstraint(name="evidence_known_type",
                                   condition=Q(content_type__in=["application/pdf", "image/jpeg", "image/png"])),
        ]

    def __str__(self):
        return f"{self.appeal_id} {self.original_name}"
