"""Irregularities (rules.md section 6, IR-1..IR-5; UH 18): report, hearing, bureau decision, sanctions, letter.

The file's status is a cache of its last transition; transitions are an append-only table written by the
services in the same transaction, with a conditional update so two clicks cannot both move the file.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .results import AppendOnly


class IrregularityStatus(models.TextChoices):
    REPORTED = "reported", _("Reported to the chair")
    INFORMED = "informed", _("Ombudsperson and student informed")
    HEARING_PLANNED = "hearing_planned", _("Hearing planned")
    HEARD = "heard", _("Heard")
    DECIDED = "decided", _("Decided by the bureau")
    REFERRED = "referred", _("Referred to the rector")
    NOTIFIED = "notified", _("Decision letter sent")


class Irregularity(models.Model):
    student = models.ForeignKey("students.Student", on_delete=models.PROTECT, related_name="irregularities")
    course_unit = models.ForeignKey("enrolment.CourseUnit", on_delete=models.PROTECT, related_name="+")
    exam_period = models.ForeignKey("examinations.ExamPeriod", on_delete=models.PROTECT, related_name="+")
    committee = models.ForeignKey("examinations.ExamCommittee", on_delete=models.PROTECT,
                                  related_name="irregularities")
    discovered_on = models.DateField(_("discovered on"))
    reported_on = models.DateField(_("reported to the chair on"))
    reported_by_name = models.CharField(_("reported by (invigilator)"), max_length=200)
    description = models.TextField(_("what happened"))
    # IR-1 (UH 18.1.1): a report after the limit of five working days is flagged, never refused.
    reported_late = models.BooleanField(_("reported after the limit"), default=False)
    status = models.CharField(max_length=20, choices=IrregularityStatus.choices, default=IrregularityStatus.REPORTED)
    ombudsperson_informed_on = models.DateField(_("ombudsperson informed on"), null=True, blank=True)
    student_informed_on = models.DateField(_("student informed on"), null=True, blank=True)
    # IR-3 (UH 18.2.6): who acts for a chair or vice chair who is a party to the case, and why.
    acting_chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    acting_vice_chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                          blank=True, related_name="+")
    replacement_reason = models.TextField(_("why the chair or vice chair is replaced"), blank=True)
    chair_is_party = models.BooleanField(_("the chair is a party"), default=False)
    vice_chair_is_party = models.BooleanField(_("the vice chair is a party"), default=False)
    irregularity_found = models.BooleanField(_("irregularity established"), null=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision_reasons = models.TextField(_("reasons"), blank=True)
    retake_allowed = models.BooleanField(_("may retake the exam"), default=False)  # IR-3: no irregularity
    referred_to_rector = models.BooleanField(_("very serious: referred to the rector"), default=False)
    referred_on = models.DateField(_("proposed to the rector on"), null=True, blank=True)
    rector_decided_on = models.DateField(_("the rector decided on"), null=True, blank=True)
    rector_decision = models.TextField(_("the rector's decision"), blank=True)
    letter_sent_on = models.DateField(_("decision letter sent on"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-reported_on", "-id"]
        verbose_name_plural = _("irregularities")
        constraints = [
            models.CheckConstraint(name="irregularity_reported_after_discovery",
                                   condition=Q(reported_on__gte=models.F("discovered_on"))),
            models.CheckConstraint(name="irregularity_decision_has_reasons",
                                   condition=Q(decided_on__isnull=True) | ~Q(decision_reasons="")),
            models.CheckConstraint(name="irregularity_status_known",
                                   condition=Q(status__in=[s.value for s in IrregularityStatus])),
            # One file per student, unit and exam period: a second report of the same facts is the same file.
            models.UniqueConstraint(fields=["student", "course_unit", "exam_period"], name="irregularity_once"),
        ]

    def __str__(self):
        return f"{self.student_id} {self.course_unit_id} {self.reported_on}"


class IrregularityTransition(AppendOnly):
    irregularity = models.ForeignKey(Irregularity, on_delete=models.PROTECT, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=IrregularityStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=IrregularityStatus.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                           related_name="+")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]


class Hearing(models.Model):
    """IR-2: the bureau hears the student and the examiner, the ombudsperson present; counsel allowed."""

    irregularity = models.OneToOneField(Irregularity, on_delete=models.PROTECT, related_name="hearing")
    invited_on = models.DateField(_("invitation sent on"))
    held_on = models.DateField(_("held on"))
    student_attended = models.BooleanField(_("student attended"), null=True)
    examiner_attended = models.BooleanField(_("examiner attended"), null=True)
    ombudsperson_attended = models.BooleanField(_("ombudsperson attended"), null=True)
    counsel = models.CharField(_("counsel of the student"), max_length=200, blank=True)
    report = models.TextField(_("hearing report"), blank=True)
    report_written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                          blank=True, related_name="+")

    class Meta:
        constraints = [
            models.CheckConstraint(name="hearing_after_invitation", condition=Q(held_on__gte=models.F("invited_on"))),
        ]


class SanctionKind(models.TextChoices):
    ADJUSTED_GRADE = "adjusted_grade", _("Adjusted grade")
    ZERO = "zero", _("0 for the exam, part or unit")
    FIRST_DISREGARDED = "first_disregarded", _("First-opportunity mark disregarded (irregularity in the second)")
    NO_GRADES_FOR_PERIOD = "no_grades_period", _("No grades for the exam period")
    FIRST_ANNULLED = "first_annulled", _("First opportunity annulled")
    EXCLUDED_SECOND = "excluded_second", _("Also excluded from the second opportunity")


class Sanction(AppendOnly):
    """IR-4: a sanction the bureau decided, applied to the results it names as new result versions."""

    irregularity = models.ForeignKey(Irregularity, on_delete=models.PROTECT, related_name="sanctions")
    kind = models.CharField(_("sanction"), max_length=20, choices=SanctionKind.choices)
    adjusted_grade = models.PositiveSmallIntegerField(_("adjusted grade"), null=True, blank=True)
    # UH 18.3.1: in a first opportunity the bureau may keep the grades of some units (their codes).
    retained_units = models.JSONField(_("grades retained"), default=list, blank=True)
    # The result versions this sanction wrote (each supersedes the version it replaced).
    results = models.ManyToManyField("examinations.Result", related_name="sanctions", blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="sanction_adjusted_grade_given",
                condition=(Q(kind="adjusted_grade") & Q(adjusted_grade__gte=0) & Q(adjusted_grade__lte=20))
                | (~Q(kind="adjusted_grade") & Q(adjusted_grade__isnull=True)),
            ),
            # IR-4 (UH 18.3.1): one of the sanctions, and in addition at most the exclusion from the second.
            models.UniqueConstraint(fields=["irregularity"], condition=~Q(kind="excluded_second"),
                                    name="sanction_one_main"),
            models.UniqueConstraint(fields=["irregularity"], condition=Q(kind="excluded_second"),
                                    name="sanction_one_exclusion"),
        ]
