"""Students and their learning-account ledger (LA-1, LA-15)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

student_number_validator = RegexValidator(
    r"^[0-9A-Za-z][0-9A-Za-z-]{0,19}$", _("A student number has 1-20 letters, digits or hyphens.")
)


class Student(models.Model):
    number = models.CharField(_("student number"), max_length=20, unique=True, validators=[student_number_validator])
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    date_of_birth = models.DateField(_("date of birth"))
    email = models.EmailField(_("e-mail"))
    street = models.CharField(_("street and number"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=20)
    city = models.CharField(_("city"), max_length=100)
    country = models.CharField(_("country"), max_length=2, default="BE")
    first_enrolled_year = models.CharField(
        _("first academic year in Flemish higher education"), max_length=9, blank=True
    )
    # The opening position imported from the government's register (LA-1); empty: 140 on first enrolment.
    register_balance = models.IntegerField(_("register balance"), null=True, blank=True)
    register_as_of = models.DateField(_("register balance as of"), null=True, blank=True)
    register_bonus_used = models.PositiveSmallIntegerField(
        _("bonus credits already used"), default=0, validators=[MaxValueValidator(60)],
        help_text=_("How many of the 60 bonus credits (LA-5) the student already used."),
    )
    register_master_obtained = models.BooleanField(_("initial master's degree already obtained"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["last_name", "first_name", "number"]
        indexes = [models.Index(fields=["last_name", "first_name"])]
        constraints = [
            models.CheckConstraint(
                name="student_register_balance_and_date_together",
                condition=models.Q(register_balance__isnull=True, register_as_of__isnull=True)
                | models.Q(register_balance__isnull=False, register_as_of__isnull=False),
            ),
            models.CheckConstraint(
                name="student_register_bonus_range", condition=models.Q(register_bonus_used__lte=60)
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.first_name} {self.last_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class MovementKind(models.TextChoices):
    OPENING = "opening", _("Opening balance")
    ENROLMENT = "enrolment", _("Enrolment")
    ADDITION = "addition", _("Course unit added")
    REFUND = "refund", _("Refund")
    RESTITUTION = "restitution", _("Restitution (credit obtained)")
    BONUS = "bonus", _("Bonus (first 60 credits)")
    DEGREE = "degree", _("Master's degree")
    REBUILD = "rebuild", _("Rebuild")
    CORRECTION = "correction", _("Correction")


class ImmutableQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Ledger movements are append-only: record a correction instead.")

    def delete(self):
        raise PermissionError("Ledger movements are append-only: record a correction instead.")


class LedgerMovement(models.Model):
    """One dated movement of a learning account (LA-15). Never edited or deleted: corrections are new rows.

    ``cause`` names the fact the movement comes from (``enrol:<contract>``, ``refund:<line>``, ...);
    ``revision`` counts the rows written for that cause, so the pair is unique and a re-run writes nothing.
    Causes starting with ``manual:`` are corrections recorded by staff (LA-13).
    """

    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="movements")
    on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=MovementKind.choices)
    credits = models.IntegerField(_("credits"))
    academic_year = models.ForeignKey(
        "enrolment.AcademicYear", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    course_unit = models.ForeignKey(
        "enrolment.CourseUnit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cause = models.CharField(max_length=80)
    revision = models.PositiveIntegerField(default=0)
    article = models.CharField(_("rule"), max_length=40, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    reference = models.CharField(_("decision reference"), max_length=100, blank=True)
    # The one-time token of the form that recorded a staff correction (LA-13): a second submit of the same
    # form (Back, then Confirm again) finds it taken and changes nothing.
    form_token = models.UUIDField(null=True, blank=True, editable=False)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ImmutableQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["student", "cause", "revision"], name="movement_unique_cause_revision"),
            models.UniqueConstraint(fields=["form_token"], name="movement_unique_form_token"),
            models.CheckConstraint(name="movement_credits_not_zero", condition=~models.Q(credits=0)),
        ]
        indexes = [models.Index(fields=["student", "on"])]

    def __str__(self):
        return f"{self.student_id} {self.on} {self.kind} {self.credits:+d}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise PermissionError("Ledger movements are append-only: record a correction instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Ledger movements are append-only: record a correction instead.")



class AuditEvent(models.Model):
    """One audit entry for a change made in bulk without a history row per record: a dataset import (60,000
    students in one transaction) is recorded once, with who, when, which file and what it changed. Written
    once, never edited."""

    class Kind(models.TextChoices):
        DATASET_IMPORT = "dataset_import", _("Dataset import")
        RETENTION = "retention", _("Retention (documents removed, EX-9)")

    at = models.DateTimeField(_("when"), default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                           related_name="+", verbose_name=_("by"))
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    source = models.CharField(_("file"), max_length=300, blank=True)
    summary = models.TextField(_("what it changed"), blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["at"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M} {self.source}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValueError("Audit events are never edited.")
        super().save(*args, **kwargs)
