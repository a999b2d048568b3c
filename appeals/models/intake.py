"""Internal appeals (rules.md section 7, UH 19-20) and, with the appeals issue, the committee and the
ombudspersons' files."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
    contested_description = models.TextField(_("contested decision (description)"), blank=True)
    decision_notified_on = models.DateField(_("proclaimed or notified on"))
    postmarked_on = models.DateField(_("postmark of the registered letter"))
    received_on = models.DateField(_("received on"))
    email_notice_on = models.DateField(_("e-mail notice received on"), null=True, blank=True)
    lodge_by = models.DateField(_("last day to lodge (AP-2)"))
    decide_by = models.DateField(_("decision due by (AP-7)"))
    conservatory = models.BooleanField(_("conservatory appeal (AP-4)"), default=False)
    arguments_received_on = models.DateField(_("arguments received on"), null=True, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")

    class Meta:
        ordering = ["-received_on", "reference"]
        constraints = [
            models.CheckConstraint(name="appeal_received_after_postmark",
                                   condition=Q(received_on__gte=models.F("postmarked_on"))),
        ]

    def __str__(self):
        return self.reference

    @property
    def in_time(self) -> bool:
        return self.postmarked_on <= self.lodge_by
