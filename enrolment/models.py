"""Academic calendar, programmes and course units, study contracts with their study-programme lines, degrees."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from config.regulations import PRESETS, Regulations, get_regulations

year_code_validator = RegexValidator(r"^\d{4}-\d{4}$", _("An academic year is written like 2026-2027."))
code_validator = RegexValidator(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,29}$", _("Use 1-30 letters, digits, '.', '_' or '-'."))


class AcademicYear(models.Model):
    code = models.CharField(_("code"), max_length=9, unique=True, validators=[year_code_validator])
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    regulations = models.CharField(
        _("regulations"), max_length=40, choices=[(c, r.label) for c, r in PRESETS.items()]
    )

    class Meta:
        ordering = ["starts_on"]
        constraints = [models.CheckConstraint(name="year_ends_after_start", condition=Q(ends_on__gt=F("starts_on")))]

    def __str__(self):
        return self.code

    @property
    def rules(self) -> Regulations:
        return get_regulations(self.regulations)


class EducationPeriod(models.Model):
    academic_year = models.ForeignKey(AcademicYear, on_delete=models.CASCADE, related_name="periods")
    code = models.CharField(_("code"), max_length=30, validators=[code_validator])
    semester = models.PositiveSmallIntegerField(_("semester"), choices=[(1, "1"), (2, "2")])
    starts_on = models.DateField(_("starts on"))
    lessons_end_on = models.DateField(_("lessons end on"))
    ends_on = models.DateField(_("ends on"))
    deregistration_deadline = models.DateField(_("deregistration deadline"))

    class Meta:
        ordering = ["academic_year__starts_on", "starts_on", "code"]
        constraints = [
            models.UniqueConstraint(fields=["academic_year", "code"], name="period_unique_code"),
            models.CheckConstraint(name="period_semester_1_or_2", condition=Q(semester__in=[1, 2])),
        ]

    def __str__(self):
        return f"{self.academic_year.code} {self.code}"


class ProgrammeKind(models.TextChoices):
    BACHELOR = "bachelor", _("Bachelor")
    MASTER = "master", _("Master")
    BRIDGING = "bridging", _("Bridging programme")
    PREPARATORY = "preparatory", _("Preparatory programme")
    ADVANCED_BACHELOR = "advanced_bachelor", _("Advanced bachelor")
    ADVANCED_MASTER = "advanced_master", _("Advanced master")
    POSTGRADUATE = "postgraduate", _("Postgraduate")
    ASSOCIATE = "associate", _("Associate degree")


class Programme(models.Model):
    code = models.CharField(_("code"), max_length=30, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=ProgrammeKind.choices)
    credits = models.PositiveIntegerField(_("credits"))
    educational = models.BooleanField(
        _("educational bachelor/master"), default=False, help_text=_("LA-2: free of learning account for holders")
    )

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"


class ResultKind(models.TextChoices):
    NUMERIC = "numeric", _("Numeric 0-20")
    PASS_FAIL = "pass_fail", _("Pass/fail")


class CourseUnit(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="course_units")
    code = models.CharField(_("code"), max_length=30, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200)
    credits = models.PositiveSmallIntegerField(_("credits"), validators=[MinValueValidator(1), MaxValueValidator(60)])
    period_code = models.CharField(_("education period"), max_length=30)
    exam_period_code = models.CharField(_("exam period (first opportunity)"), max_length=30)
    stage = models.PositiveSmallIntegerField(_("stage"), default=1)
    package = models.PositiveSmallIntegerField(_("deliberation package"), null=True, blank=True)
    result_kind = models.CharField(_("result"), max_length=10, choices=ResultKind.choices, default=ResultKind.NUMERIC)
    tolerance_excluded = models.BooleanField(_("excluded from tolerance"), default=False)
    opportunities = models.PositiveSmallIntegerField(_("exam opportunities"), default=2)

    class Meta:
        ordering = ["programme__code", "stage", "code"]
        constraints = [
            models.CheckConstraint(name="unit_credits_positive", condition=Q(credits__gte=1)),
            models.CheckConstraint(name="unit_opportunities_1_or_2", condition=Q(opportunities__in=[1, 2])),
            models.CheckConstraint(
                name="unit_package_1_or_2", condition=Q(package__isnull=True) | Q(package__in=[1, 2])
            ),
        ]

    def __str__(self):
        return unit_label(self)


def unit_label(unit: CourseUnit) -> str:
    """A course unit as option lists and the admin name it: "INF101 Programming (6 credits)", translated."""
    credits = ngettext("%(credits)d credit", "%(credits)d credits", unit.credits) % {"credits": unit.credits}
    return gettext("%(code)s %(name)s (%(credits)s)") % {"code": unit.code, "name": unit.name, "credits": credits}


class ContractKind(models.TextChoices):
    DIPLOMA = "diploma", _("Diploma contract")
    CREDIT = "credit", _("Credit contract")
    EXAM = "exam", _("Exam contract")


class DeregistrationReason(models.TextChoices):
    WITHDRAWAL = "withdrawal", _("Withdrawal")
    PROGRAMME_CHANGE = "programme_change", _("Change of programme")
    NO_PROGRAMME = "no_programme", _("No study programme two months after enrolment (UH 4.1.1)")


class StudyContract(models.Model):
    """A study contract (UH 3.1) for one programme in one academic year, with its study programme lines."""

    student = models.ForeignKey("students.Student", on_delete=models.PROTECT, related_name="contracts")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="contracts")
    academic_year = models.ForeignKey(AcademicYear, on_delete=models.PROTECT, related_name="contracts")
    kind = models.CharField(_("contract"), max_length=10, choices=ContractKind.choices)
    enrolled_on = models.DateField(_("enrolled on"))
    deregistered_on = models.DateField(_("deregistered on"), null=True, blank=True)
    deregistration_reason = models.CharField(
        _("deregistration reason"), max_length=20, choices=DeregistrationReason.choices, blank=True
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    deregistration_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["academic_year__starts_on", "enrolled_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "programme", "academic_year", "kind"], name="contract_unique_per_year"
            ),
            models.CheckConstraint(
                name="contract_deregistration_complete",
                condition=Q(deregistered_on__isnull=True, deregistration_reason="")
                | (Q(deregistered_on__isnull=False) & ~Q(deregistration_reason="")),
            ),
            models.CheckConstraint(
                name="contract_deregistered_after_enrolment",
                condition=Q(deregistered_on__isnull=True) | Q(deregistered_on__gte=F("enrolled_on")),
            ),
        ]

    def __str__(self):
        return f"{self.student.number} {self.programme.code} {self.academic_year.code} ({self.kind})"

    @property
    def active(self) -> bool:
        return self.deregistered_on is None


class ProgrammeLine(models.Model):
    """One course unit in a contract's annual study programme. Removal keeps the row: ``removed_on`` is the
    date of the student's request (LA-6), ``removal_recorded_*`` when and by whom staff processed it."""

    contract = models.ForeignKey(StudyContract, on_delete=models.PROTECT, related_name="lines")
    course_unit = models.ForeignKey(CourseUnit, on_delete=models.PROTECT, related_name="lines")
    # Denormalised from the contract so that the database can enforce EN-1.
    student = models.ForeignKey("students.Student", on_delete=models.PROTECT, related_name="+")
    academic_year = models.ForeignKey(AcademicYear, on_delete=models.PROTECT, related_name="+")
    added_on = models.DateField(_("added on"))
    removed_on = models.DateField(_("removal requested on"), null=True, blank=True)
    exempted = models.BooleanField(_("exempted"), default=False)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    removal_recorded_at = models.DateTimeField(null=True, blank=True)
    removal_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["course_unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "course_unit"], name="line_unique_unit_per_contract"),
            # EN-1: one contract per course unit per academic year (among lines not removed).
            models.UniqueConstraint(
                fields=["student", "academic_year", "course_unit"],
                condition=Q(removed_on__isnull=True),
                name="line_one_contract_per_unit_per_year",
            ),
            models.CheckConstraint(
                name="line_removed_after_added", condition=Q(removed_on__isnull=True) | Q(removed_on__gte=F("added_on"))
            ),
        ]
        # Exemptions of earlier years, per student (the deliberation proposal reads them for thousands at once).
        indexes = [models.Index(fields=["student"], condition=Q(exempted=True), name="line_exempted_by_student")]

    def __str__(self):
        return f"{self.contract} {self.course_unit.code}"


class Degree(models.Model):
    student = models.ForeignKey("students.Student", on_delete=models.PROTECT, related_name="degrees")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="degrees")
    awarded_on = models.DateField(_("awarded on"))
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["awarded_on"]
        constraints = [models.UniqueConstraint(fields=["student", "programme"], name="degree_unique_per_programme")]

    def __str__(self):
        return f"{self.student.number} {self.programme.code} {self.awarded_on}"


class ExceptionRule(models.TextChoices):
    LA14 = "LA-14", _("LA-14 insufficient learning account (UH 1.3)")
    EN2 = "EN-2", _("EN-2 first bachelor enrolment without the full first-year programme (UH 2.2)")
    EN3 = "EN-3", _("EN-3 more than the maximum credits in a year (UH 4.3)")


class EnrolmentException(models.Model):
    """A recorded decision by an authorised person that lets an enrolment pass a check it would fail."""

    student = models.ForeignKey("students.Student", on_delete=models.PROTECT, related_name="exceptions")
    academic_year = models.ForeignKey(AcademicYear, on_delete=models.PROTECT, related_name="+")
    rule = models.CharField(_("rule"), max_length=10, choices=ExceptionRule.choices)
    decided_by = models.CharField(_("decided by (name and office)"), max_length=200)
    decided_on = models.DateField(_("decided on"))
    reference = models.CharField(_("decision reference"), max_length=100)
    reason = models.TextField(_("reason"))
    max_credits = models.PositiveSmallIntegerField(_("credits allowed"), null=True, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-decided_on", "-id"]

    def __str__(self):
        return f"{self.rule} {self.student_id} {self.reference}"


class SweepStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class SweepRun(models.Model):
    """The log of the deadline sweeps (config/sweeps.py, rules.md section 9): one row per run, by
    ``run_deadlines`` or a Celery task, with the records it changed and those it left (and why)."""

    name = models.CharField(_("sweep"), max_length=60)
    rule = models.CharField(_("rule"), max_length=30, blank=True)
    as_of = models.DateField(_("as of"))
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=SweepStatus.choices, default=SweepStatus.RUNNING)
    count = models.PositiveIntegerField(_("records changed"), default=0)
    affected = models.JSONField(_("records changed"), default=list, blank=True)
    skipped = models.JSONField(_("records left"), default=list, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["name", "-started_at"], name="sweep_run_name_started")]
        constraints = [
            models.CheckConstraint(name="sweep_run_status_valid",
                                   condition=Q(status__in=["running", "done", "failed"])),
        ]

    def __str__(self):
        return f"{self.name} {self.as_of} {self.status} {self.count}"


class RefundWindowClosure(models.Model):
    """LA-6/LA-7: the day a learning-account refund window of an academic year closed (1 December for semester 1
    and year-long units, 15 March for semester 2), recorded once by the sweep. The ledger engine already decides
    each refund by the dates of the request; this row records that the deductions are now final."""

    academic_year = models.ForeignKey(AcademicYear, on_delete=models.PROTECT, related_name="refund_closures")
    semester = models.PositiveSmallIntegerField(_("semester"), choices=[(1, "1"), (2, "2")])
    cutoff = models.DateField(_("closed on"))
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["cutoff"]
        constraints = [
            models.UniqueConstraint(fields=["academic_year", "semester"], name="refund_window_closed_once"),
            models.CheckConstraint(name="refund_window_semester_1_or_2", condition=Q(semester__in=[1, 2])),
        ]

    def __str__(self):
        return f"{self.academic_year_id} S{self.semester} {self.cutoff}"


class NoticeAudience(models.TextChoices):
    STUDENT = "student", _("Student")
    CHAIR = "chair", _("Chair")
    SECRETARY = "secretary", _("Secretary")
    OMBUDSPERSON = "ombudsperson", _("Ombudsperson")
    ADMINISTRATION = "administration", _("Student administration")
    LECTURER = "lecturer", _("Lecturer")


class NoticeStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Not sent (gave up)")


class Notice(models.Model):
    """The outbox (enrolment/outbox.py): every notice to a student, chair, secretary or ombudsperson is stored
    here first, in the transaction of the decision it tells about, and sent afterwards by a task with retries.
    ``key`` names the notice (``appeals.hearing.12.invitation``): the same notice asked for twice is one row,
    and a row is sent at most once (``sent_at``)."""

    key = models.CharField(_("key"), max_length=200, unique=True)
    audience = models.CharField(_("to whom"), max_length=20, choices=NoticeAudience.choices)
    to = models.CharField(_("e-mail address"), max_length=254)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"))
    attachment_name = models.CharField(_("attachment"), max_length=200, blank=True)
    attachment_type = models.CharField(_("attachment type"), max_length=100, blank=True)
    attachment = models.BinaryField(_("attachment content"), null=True, blank=True)
    about_model = models.CharField(_("about (model)"), max_length=60, blank=True)
    about_pk = models.PositiveBigIntegerField(_("about (id)"), null=True, blank=True)
    about_label = models.CharField(_("about"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("stored at"), default=timezone.now)
    status = models.CharField(_("status"), max_length=10, choices=NoticeStatus.choices,
                              default=NoticeStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="notice_due"),
                   models.Index(fields=["about_model", "about_pk"], name="notice_about")]
        constraints = [
            models.CheckConstraint(name="notice_status_valid", condition=Q(status__in=["pending", "sent", "failed"])),
            models.CheckConstraint(name="notice_sent_has_time",
                                   condition=~Q(status="sent") | Q(sent_at__isnull=False)),
        ]

    def __str__(self):
        return f"{self.key} -> {self.to} ({self.status})"


class DeadlineFlag(models.Model):
    """A dated rule's mark on a record, set once by a sweep: an appeal nearing its decision date, an
    irregularity report past its limit, a window that closed. ``(rule, kind, model, pk)`` is unique, so a sweep
    that runs twice flags once. Flags are never edited; ``resolved_on`` is not kept here but read off the record."""

    rule = models.CharField(_("rule"), max_length=30)
    kind = models.CharField(_("kind"), max_length=30)
    model = models.CharField(_("record type"), max_length=60)
    pk_value = models.PositiveBigIntegerField(_("record id"))
    label = models.CharField(_("record"), max_length=300)
    due_on = models.DateField(_("due on"))
    flagged_on = models.DateField(_("flagged on"))
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.TextField(_("note"), blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-flagged_on", "-id"]
        indexes = [models.Index(fields=["model", "pk_value"], name="deadline_flag_record")]
        constraints = [
            models.UniqueConstraint(fields=["rule", "kind", "model", "pk_value"], name="deadline_flag_once"),
        ]

    def __str__(self):
        return f"{self.rule} {self.kind} {self.label}"
