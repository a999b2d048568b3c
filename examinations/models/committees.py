"""Examination committees and their bureau, ties, meetings, deliberation decisions and sign-off (rules.md
section 5, EC-1..EC-7; DL-7..DL-9)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .results import AppendOnly


class ExamCommittee(models.Model):
    """EC-1: one examination committee per programme."""

    programme = models.OneToOneField("enrolment.Programme", on_delete=models.PROTECT, related_name="committee")
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    def __str__(self):
        return f"{self.programme.code}"


class CommitteeRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    VICE_CHAIR = "vice_chair", _("Vice chair")
    SECRETARY = "secretary", _("Secretary")
    MEMBER = "member", _("Member")
    OMBUDSPERSON = "ombudsperson", _("Ombudsperson (advisory, no vote)")
    ACADEMIC_ADVISOR = "academic_advisor", _("Academic advisor (assists, no vote)")


VOTING_ROLES = (CommitteeRole.CHAIR, CommitteeRole.VICE_CHAIR, CommitteeRole.SECRETARY, CommitteeRole.MEMBER)


class CommitteeMember(models.Model):
    committee = models.ForeignKey(ExamCommittee, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="committee_seats")
    role = models.CharField(_("role"), max_length=20, choices=CommitteeRole.choices)
    since = models.DateField(_("member since"))
    until = models.DateField(_("member until"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["committee", "role", "user__last_name"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "user"], condition=Q(until__isnull=True),
                                    name="committee_member_once"),
            models.UniqueConstraint(fields=["committee", "role"], condition=Q(until__isnull=True)
                                    & Q(role__in=["chair", "vice_chair", "secretary"]),
                                    name="committee_one_officer_per_role"),
            models.CheckConstraint(name="committee_member_until_after_since",
                                   condition=Q(until__isnull=True) | Q(until__gte=models.F("since"))),
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()})"

    @property
    def votes(self) -> bool:
        return self.role in VOTING_ROLES


class TieKind(models.TextChoices):
    FAMILY = "family", _("Family tie up to the third degree")
    COHABITATION = "cohabitation", _("Cohabitation")


class TieDeclaration(models.Model):
    """EC-4 / EX-11: a staff member's family (third degree) or cohabitation tie with a student. Excludes her from
    that student's deliberation and from grading him."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ties")
    student = models.ForeignKey("students.Student", on_delete=models.PROTECT, related_name="ties")
    kind = models.CharField(_("tie"), max_length=20, choices=TieKind.choices)
    declared_on = models.DateField(_("declared on"))
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "student"], name="tie_declared_once")]

    def __str__(self):
        return f"{self.person_id} ~ {self.student_id} ({self.kind})"


class MeetingKind(models.TextChoices):
    COMMITTEE = "committee", _("Examination committee")
    BUREAU = "bureau", _("Bureau")


class MeetingForm(models.TextChoices):
    PHYSICAL = "physical", _("Physical")
    ELECTRONIC = "electronic", _("Electronic")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    OPEN = "open", _("In session")
    CLOSED = "closed", _("Closed, awaiting signatures")
    SIGNED = "signed", _("Signed")


class Meeting(models.Model):
    """EC-2/EC-6: a meeting of the committee or its bureau for an exam period."""

    committee = models.ForeignKey(ExamCommittee, on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind.choices, default=MeetingKind.COMMITTEE)
    form = models.CharField(_("form"), max_length=20, choices=MeetingForm.choices, default=MeetingForm.PHYSICAL)
    exam_period = models.ForeignKey("examinations.ExamPeriod", on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField(_("date"))
    status = models.CharField(max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED)
    presiding = models.ForeignKey(CommitteeMember, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("presiding"))
    presiding_reason = models.TextField(_("why the chair does not preside"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_on", "-id"]
        constraints = [
            models.CheckConstraint(name="meeting_status_known",
                                   condition=Q(status__in=["planned", "open", "closed", "signed"])),
        ]

    def __str__(self):
        return f"{self.committee} {self.get_kind_display()} {self.held_on}"


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(CommitteeMember, on_delete=models.PROTECT, related_name="+")
    present = models.BooleanField(_("present"), default=True)
    replaces = models.CharField(_("replaces (bureau)"), max_length=20, blank=True)  # EC-6: chair / vice_chair
    note = models.CharField(_("note"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="attendance_once")]


class Decision(AppendOnly):
    """A student's deliberation decision in a meeting (DL-7, DL-8, EC-3), in versions until the report is
    signed. ``proposal`` keeps the proposal it was taken on, so the report shows what was deviated from."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions")
    student = models.ForeignKey("students.Student", on_delete=models.PROTECT, related_name="+")
    proposal = models.JSONField(default=dict)
    follows_proposal = models.BooleanField(_("follows the proposal"), default=True)
    programme_passed = models.BooleanField(_("programme passed"))
    passed_packages = models.JSONField(default=list)  # package numbers declared passed
    distinction = models.CharField(_("degree of distinction"), max_length=40, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    vote_requested = models.BooleanField(_("a vote was asked for"), default=False)
    secret_ballot = models.BooleanField(_("secret ballot"), default=False)
    votes_for = models.PositiveSmallIntegerField(default=0)
    votes_against = models.PositiveSmallIntegerField(default=0)
    abstentions = models.PositiveSmallIntegerField(default=0)
    excluded_members = models.JSONField(default=list)  # user ids kept out by EC-4
    version = models.PositiveSmallIntegerField(default=1)
    is_current = models.BooleanField(default=True)
    supersedes = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="superseded_by")
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "student__number", "version"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "student", "version"], name="decision_unique_version"),
            models.UniqueConstraint(fields=["meeting", "student"], condition=Q(is_current=True),
                                    name="decision_one_current"),
            models.CheckConstraint(name="decision_deviation_has_reason",
                                   condition=Q(follows_proposal=True) | ~Q(reason="")),
        ]


class ToleranceChoice(models.Model):
    """DL-9: the student uses tolerance for a fail; final, the grade is kept for the career."""

    student = models.ForeignKey("students.Student", on_delete=models.PROTECT, related_name="+")
    academic_year = models.ForeignKey("enrolment.AcademicYear", on_delete=models.PROTECT, related_name="+")
    course_unit = models.ForeignKey("enrolment.CourseUnit", on_delete=models.PROTECT, related_name="+")
    chosen_on = models.DateField(_("chosen on"))
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["student", "academic_year", "course_unit"], name="tolerance_choice_once"),
        ]


class MeetingSignature(AppendOnly):
    """EC-5 / EC-6: the chair's and the secretary's (bureau: chair's and vice chair's) sign-off of the report."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="signatures")
    role = models.CharField(max_length=20, choices=CommitteeRole.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "role"], name="signature_once_per_role")]
