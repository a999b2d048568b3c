"""Exam periods, results and their versions, proclamation and study-progress decisions (rules.md section 3).

Results and decisions are append-only: a change is a new version that supersedes the current one (who, when,
why, by which procedure). The only column ever updated is ``is_current``, by the services, when a newer
version takes over; ``save()`` on an existing row refuses.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class AppendOnly(models.Model):
    """Rows are written once. Superseding is done by the services with ``QuerySet.update(is_current=False)``."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValueError(f"{type(self).__name__} records are never edited; record a new version instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError(f"{type(self).__name__} records are never deleted.")


class ExamPeriod(models.Model):
    academic_year = models.ForeignKey("enrolment.AcademicYear", on_delete=models.CASCADE, related_name="exam_periods")
    code = models.CharField(_("code"), max_length=30)
    opportunity = models.PositiveSmallIntegerField(_("opportunity"), choices=[(1, "1"), (2, "2")])
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    results_published_on = models.DateField(_("results published on"))

    class Meta:
        ordering = ["academic_year__starts_on", "starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["academic_year", "code"], name="exam_period_unique_code"),
            models.CheckConstraint(name="exam_period_opportunity_1_or_2", condition=Q(opportunity__in=[1, 2])),
        ]

    def __str__(self):
        return f"{self.academic_year.code} {self.code}"


class CourseUnitLecturer(models.Model):
    """The lecturers of a course unit; the coordinating one delivers its results (UH 15.2)."""

    course_unit = models.ForeignKey("enrolment.CourseUnit", on_delete=models.CASCADE, related_name="lecturers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="course_units")
    coordinating = models.BooleanField(_("coordinating lecturer"), default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["course_unit", "user"], name="unit_lecturer_unique"),
            models.UniqueConstraint(fields=["course_unit"], condition=Q(coordinating=True),
                                    name="unit_one_coordinator"),
        ]

    def __str__(self):
        return f"{self.course_unit_id} {self.user_id}"


class Outcome(models.TextChoices):
    NUMERIC = "numeric", _("Grade")
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")
    ABSENT = "absent", _("A (unauthorised absence)")
    ABSENT_JUSTIFIED = "absent_justified", _("Justified absence")


class ResultProcedure(models.TextChoices):
    DATASET = "dataset", _("Dataset import")
    ENTRY = "entry", _("Entered by the lecturer or the administration")
    FILE = "file", _("Results file import")
    MATERIAL_ERROR = "material_error", _("Material-error correction (EX-10)")
    APPEAL = "appeal", _("Appeal outcome")
    IRREGULARITY = "irregularity", _("Irregularity sanction (IR-4)")
    SWEEP = "sweep", _("Not registered for the second opportunity (EX-2)")


# Procedures that may change a result after its proclamation (EX-8, EX-10, UH 18.3, UH 19-20).
AFTER_PUBLICATION = (ResultProcedure.MATERIAL_ERROR, ResultProcedure.APPEAL, ResultProcedure.IRREGULARITY)


class Result(AppendOnly):
    """A result of one opportunity (EX-4), in versions. Counts for the learning account from the proclamation
    of its exam period for the programme (LA-4, LA-5), a later version from its decision date."""

    line = models.ForeignKey("enrolment.ProgrammeLine", on_delete=models.PROTECT, related_name="results")
    student = models.ForeignKey("students.Student", on_delete=models.PROTECT, related_name="results")
    academic_year = models.ForeignKey("enrolment.AcademicYear", on_delete=models.PROTECT, related_name="+")
    course_unit = models.ForeignKey("enrolment.CourseUnit", on_delete=models.PROTECT, related_name="results")
    exam_period = models.ForeignKey(ExamPeriod, on_delete=models.PROTECT, related_name="results")
    opportunity = models.PositiveSmallIntegerField(_("opportunity"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    grade = models.PositiveSmallIntegerField(_("grade"), null=True, blank=True)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    is_current = models.BooleanField(default=True)
    supersedes = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="superseded_by")
    procedure = models.CharField(_("procedure"), max_length=20, choices=ResultProcedure.choices,
                                 default=ResultProcedure.ENTRY)
    reason = models.TextField(_("reason"), blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["academic_year__starts_on", "course_unit__code", "opportunity", "version"]
        indexes = [models.Index(fields=["exam_period", "course_unit"], name="result_period_unit")]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "academic_year", "course_unit", "opportunity", "version"],
                name="result_unique_version",
            ),
            models.UniqueConstraint(
                fields=["student", "academic_year", "course_unit", "opportunity"], condition=Q(is_current=True),
                name="result_one_current",
            ),
            models.CheckConstraint(
                name="result_grade_matches_outcome",
                condition=Q(outcome="numeric", grade__gte=0, grade__lte=20)
                | (~Q(outcome="numeric") & Q(grade__isnull=True)),
            ),
            models.CheckConstraint(name="result_opportunity_1_or_2", condition=Q(opportunity__in=[1, 2])),
            models.CheckConstraint(name="result_version_positive", condition=Q(version__gte=1)),
            models.CheckConstraint(
                name="result_correction_has_reason",
                condition=Q(version=1) | ~Q(reason=""),
            ),
        ]

    def __str__(self):
        return f"{self.student_id} {self.course_unit_id} opp{self.opportunity} {self.display}"

    @property
    def display(self) -> str:
        if self.outcome == Outcome.NUMERIC:
            return str(self.grade)
        return {"pass": "pass", "fail": "fail", "absent": "A", "absent_justified": "AJ"}[self.outcome]

    @property
    def credit_certificate(self) -> bool:
        """EX-4: >= 10/20 or "pass"."""
        return self.outcome == Outcome.PASS or (self.outcome == Outcome.NUMERIC and self.grade >= 10)


class Proclamation(AppendOnly):
    """EX-8: the announcement of an exam period's results for one programme. From its date results are final
    (changed only by EX-10 or an appeal), the 7-day appeal and inspection windows open (EX-8, EX-9), and the
    results count for the learning account (LA-4, LA-5). A dataset import records the announcement it implies."""

    exam_period = models.ForeignKey(ExamPeriod, on_delete=models.PROTECT, related_name="proclamations")
    programme = models.ForeignKey("enrolment.Programme", on_delete=models.PROTECT, related_name="proclamations")
    published_on = models.DateField(_("announced on"))
    meeting = models.ForeignKey("examinations.Meeting", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="proclamations")
    from_dataset = models.BooleanField(default=False)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_on", "programme__code"]
        constraints = [
            models.UniqueConstraint(fields=["exam_period", "programme"], name="proclamation_once"),
        ]

    def __str__(self):
        return f"{self.programme_id} {self.exam_period_id} {self.published_on}"


class DecisionProcedure(models.TextChoices):
    PROCLAMATION = "proclamation", _("Proclamation")
    MATERIAL_ERROR = "material_error", _("Material-error correction (EX-10)")
    APPEAL = "appeal", _("Appeal outcome")


class StudyProgressDecision(AppendOnly):
    """A student's outcome of an exam period in a programme, as proclaimed, in versions (AP-1 contests it)."""

    student = models.ForeignKey("students.Student", on_delete=models.PROTECT, related_name="progress_decisions")
    programme = models.ForeignKey("enrolment.Programme", on_delete=models.PROTECT, related_name="+")
    exam_period = models.ForeignKey(ExamPeriod, on_delete=models.PROTECT, related_name="progress_decisions")
    proclamation = models.ForeignKey(Proclamation, on_delete=models.PROTECT, related_name="decisions")
    decided_on = models.DateField(_("decided on"))
    programme_passed = models.BooleanField(_("programme passed"))
    distinction = models.CharField(_("degree of distinction"), max_length=40, blank=True)
    weighted_percentage = models.PositiveSmallIntegerField(null=True, blank=True)
    packages = models.JSONField(_("packages"), default=list)  # [{"package", "passed", "failed", "tolerated", ...}]
    deviates = models.BooleanField(_("deviates from the proposal"), default=False)
    reason = models.TextField(_("reason"), blank=True)
    version = models.PositiveSmallIntegerField(default=1)
    is_current = models.BooleanField(default=True)
    supersedes = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="superseded_by")
    procedure = models.CharField(max_length=20, choices=DecisionProcedure.choices,
                                 default=DecisionProcedure.PROCLAMATION)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["exam_period__starts_on", "student__number", "version"]
        constraints = [
            models.UniqueConstraint(fields=["student", "programme", "exam_period", "version"],
                                    name="progress_decision_unique_version"),
            models.UniqueConstraint(fields=["student", "programme", "exam_period"], condition=Q(is_current=True),
                                    name="progress_decision_one_current"),
            models.CheckConstraint(name="progress_decision_deviation_has_reason",
                                   condition=Q(deviates=False) | ~Q(reason="")),
        ]

    def __str__(self):
        return f"{self.student_id} {self.programme_id} {self.exam_period_id} v{self.version}"


class SecondOpportunityRegistration(models.Model):
    """EX-2: the student registers a failed unit for the second opportunity (11 July - 8 August)."""

    student = models.ForeignKey("students.Student", on_delete=models.PROTECT, related_name="+")
    academic_year = models.ForeignKey("enrolment.AcademicYear", on_delete=models.PROTECT, related_name="+")
    course_unit = models.ForeignKey("enrolment.CourseUnit", on_delete=models.PROTECT, related_name="+")
    registered_on = models.DateField(_("registered on"))
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["student", "academic_year", "course_unit"],
                                    name="second_opportunity_registration_once"),
        ]


class RetakeStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    GRANTED = "granted", _("Granted")
    LATE = "late", _("Refused: after 10 working days")


class RetakeRequest(models.Model):
    """EX-3: a written request to retake a tolerated fail in the second opportunity, within 10 working days."""

    student = models.ForeignKey("students.Student", on_delete=models.PROTECT, related_name="+")
    academic_year = models.ForeignKey("enrolment.AcademicYear", on_delete=models.PROTECT, related_name="+")
    course_unit = models.ForeignKey("enrolment.CourseUnit", on_delete=models.PROTECT, related_name="+")
    requested_on = models.DateField(_("requested on"))
    status = models.CharField(max_length=12, choices=RetakeStatus.choices, default=RetakeStatus.REQUESTED)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["student", "academic_year", "course_unit"], name="retake_request_once"),
        ]


class MaterialError(models.Model):
    """EX-10: a reported material error in a published result and what was decided about it."""

    result = models.ForeignKey(Result, on_delete=models.PROTECT, related_name="material_errors")
    reported_on = models.DateField(_("reported on"))
    reported_by_name = models.CharField(_("reported by"), max_length=200)
    description = models.TextField(_("what is wrong"))
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    corrected = models.BooleanField(_("corrected"), null=True)
    correction = models.OneToOneField(Result, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    student_notified_on = models.DateField(_("student notified on"), null=True, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-reported_on"]
