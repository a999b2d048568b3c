"""Exam periods and results. (Deliberation, committees and proclamation come with the examinations issue.)"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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


class Outcome(models.TextChoices):
    NUMERIC = "numeric", _("Grade")
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")
    ABSENT = "absent", _("A (unauthorised absence)")
    ABSENT_JUSTIFIED = "absent_justified", _("Justified absence")


class Result(models.Model):
    """A result of one opportunity (EX-4). Counts from its exam period's publication date."""

    line = models.ForeignKey("enrolment.ProgrammeLine", on_delete=models.PROTECT, related_name="results")
    student = models.ForeignKey("students.Student", on_delete=models.PROTECT, related_name="results")
    academic_year = models.ForeignKey("enrolment.AcademicYear", on_delete=models.PROTECT, related_name="+")
    course_unit = models.ForeignKey("enrolment.CourseUnit", on_delete=models.PROTECT, related_name="results")
    exam_period = models.ForeignKey(ExamPeriod, on_delete=models.PROTECT, related_name="results")
    opportunity = models.PositiveSmallIntegerField(_("opportunity"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    grade = models.PositiveSmallIntegerField(_("grade"), null=True, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["academic_year__starts_on", "course_unit__code", "opportunity"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "academic_year", "course_unit", "opportunity"], name="result_unique_opportunity"
            ),
            models.CheckConstraint(
                name="result_grade_matches_outcome",
                condition=Q(outcome="numeric", grade__gte=0, grade__lte=20)
                | (~Q(outcome="numeric") & Q(grade__isnull=True)),
            ),
            models.CheckConstraint(name="result_opportunity_1_or_2", condition=Q(opportunity__in=[1, 2])),
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
