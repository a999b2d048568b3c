"""The ombudspersons (rules.md section 8, OM-1 .. OM-3; UH 21): appointments per programme with deputies and a
central ombudsperson, standing aside on a file, mediation cases with confidential notes, and the log of every
view of a file (appeal, irregularity or mediation case).

Stand-asides, notes, transitions and views are append-only: they are the record of who did what and when.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

__all__ = [
    "FileKind", "FileView", "MediationCase", "MediationKind", "MediationNote", "MediationOutcome",
    "MediationStatus", "MediationTransition", "OmbudsAssignment", "OmbudsRole", "StandAside", "StandAsideReason",
]


class AppendOnlyRecord(models.Model):
    """Rows are written once: never edited, never deleted."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValueError(f"{type(self).__name__} records are never edited; record a new one instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError(f"{type(self).__name__} records are never deleted.")


class OmbudsRole(models.TextChoices):
    PRINCIPAL = "principal", _("Ombudsperson of the programme")
    DEPUTY = "deputy", _("Deputy ombudsperson of the programme")
    CENTRAL = "central", _("Central ombudsperson")


class OmbudsAssignment(models.Model):
    """OM-1 (UH 21.1): an appointment for a term. A programme ombudsperson or deputy names the programme; the
    central ombudsperson (appointed by the rector) names none. A term ends by setting ``until``."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ombuds_assignments",
                             verbose_name=_("ombudsperson"))
    programme = models.ForeignKey("enrolment.Programme", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="ombuds_assignments", verbose_name=_("programme"))
    role = models.CharField(_("capacity"), max_length=20, choices=OmbudsRole.choices)
    since = models.DateField(_("from"))
    until = models.DateField(_("until"), null=True, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")

    class Meta:
        ordering = ["programme__code", "role", "since", "id"]
        constraints = [
            models.CheckConstraint(name="ombuds_role_known", condition=Q(role__in=["principal", "deputy", "central"])),
            models.CheckConstraint(name="ombuds_central_has_no_programme",
                                   condition=(Q(role="central") & Q(programme__isnull=True))
                                   | (~Q(role="central") & Q(programme__isnull=False))),
            models.CheckConstraint(name="ombuds_until_after_since",
                                   condition=Q(until__isnull=True) | Q(until__gte=models.F("since"))),
            models.UniqueConstraint(fields=["user", "programme", "role", "since"], name="ombuds_assignment_once",
                                    condition=Q(programme__isnull=False)),
            models.UniqueConstraint(fields=["user", "role", "since"], name="ombuds_central_assignment_once",
                                    condition=Q(programme__isnull=True)),
        ]

    def __str__(self):
        where = self.programme.code if self.programme_id else _("central")
        return f"{self.user} ({self.get_role_display()}, {where})"

    def current_on(self, day) -> bool:
        return self.since <= day and (self.until is None or self.until >= day)


class FileKind(models.TextChoices):
    APPEAL = "appeal", _("Appeal")
    IRREGULARITY = "irregularity", _("Irregularity")
    MEDIATION = "mediation", _("Mediation case")


def _one_file_constraint(name: str) -> models.CheckConstraint:
    appeal, irr, med = Q(appeal__isnull=False), Q(irregularity__isnull=False), Q(mediation__isnull=False)
    return models.CheckConstraint(name=name, condition=(appeal & ~irr & ~med) | (~appeal & irr & ~med)
                                  | (~appeal & ~irr & med))


class FileRef(models.Model):
    """Points at exactly one file: an appeal, an irregularity file or a mediation case."""

    appeal = models.ForeignKey("appeals.Appeal", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    irregularity = models.ForeignKey("examinations.Irregularity", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    mediation = models.ForeignKey("appeals.MediationCase", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")

    class Meta:
        abstract = True

    @property
    def file_kind(self) -> str:
        if self.appeal_id:
            return FileKind.APPEAL
        if self.irregularity_id:
            return FileKind.IRREGULARITY
        return FileKind.MEDIATION

    @property
    def file_id(self) -> int:
        return self.appeal_id or self.irregularity_id or self.mediation_id

    @property
    def file(self):
        return self.appeal or self.irregularity or self.mediation


class StandAsideReason(models.TextChoices):
    INVOLVED = "involved", _("Involved in the dispute or the programme component")
    RELATED = "related", _("Related to a party (third degree, or cohabiting)")


class StandAside(AppendOnlyRecord, FileRef):
    """OM-2 (UH 21.2.4): an ombudsperson stands aside for one file; the deputy (or the central ombudsperson)
    takes over. A declared tie with the student (TieDeclaration) counts without a row here."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ombuds_stand_asides",
                             verbose_name=_("ombudsperson"))
    reason = models.CharField(_("reason"), max_length=20, choices=StandAsideReason.choices)
    explanation = models.TextField(_("explanation"))
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["recorded_at", "id"]
        constraints = [
            _one_file_constraint("stand_aside_one_file"),
            models.CheckConstraint(name="stand_aside_reason_known", condition=Q(reason__in=["involved", "related"])),
            models.CheckConstraint(name="stand_aside_explained", condition=~Q(explanation="")),
            models.UniqueConstraint(fields=["user", "appeal"], condition=Q(appeal__isnull=False),
                                    name="stand_aside_once_appeal"),
            models.UniqueConstraint(fields=["user", "irregularity"], condition=Q(irregularity__isnull=False),
                                    name="stand_aside_once_irregularity"),
            models.UniqueConstraint(fields=["user", "mediation"], condition=Q(mediation__isnull=False),
                                    name="stand_aside_once_mediation"),
        ]


class MediationKind(models.TextChoices):
    REGULATIONS = "regulations", _("Application of the education, examination or legal position regulations")
    UNFAIR = "unfair_treatment", _("Actions or situations perceived as unfair")
    EXAM_CONFLICT = "exam_conflict", _("Conflict with an examiner around an exam (with the chair, UH 14.3)")


class MediationStatus(models.TextChoices):
    OPEN = "open", _("Opened")
    MEDIATING = "mediating", _("In mediation")
    CLOSED = "closed", _("Closed")


class MediationOutcome(models.TextChoices):
    RESOLVED = "resolved", _("Resolved")
    NOT_RESOLVED = "not_resolved", _("Not resolved")
    REFERRED = "referred", _("Referred")


class MediationCase(models.Model):
    """OM-2 (UH 21.2.1-3): a dispute between a student and a member of staff that an ombudsperson mediates.

    The status is a cache of the last transition (``MediationTransition``); the notes are confidential
    (UH 21.2.2) and shown only to the ombudspersons who handle the case."""

    student = models.ForeignKey("students.Student", on_delete=models.PROTECT, related_name="mediation_cases")
    programme = models.ForeignKey("enrolment.Programme", on_delete=models.PROTECT, related_name="mediation_cases",
                                  verbose_name=_("programme"))
    other_party = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("other party (staff member)"))
    other_party_name = models.CharField(_("other party (name, when not a user here)"), max_length=200, blank=True)
    kind = models.CharField(_("kind of dispute"), max_length=20, choices=MediationKind.choices,
                            default=MediationKind.REGULATIONS)
    subject = models.CharField(_("subject"), max_length=200)
    # UH 21.2.5: the student went to the central ombudsperson; the case is hers first.
    with_central = models.BooleanField(_("brought to the central ombudsperson"), default=False)
    opened_on = models.DateField(_("opened on"))
    status = models.CharField(_("status"), max_length=20, choices=MediationStatus.choices,
                              default=MediationStatus.OPEN)
    outcome = models.CharField(_("outcome"), max_length=20, choices=MediationOutcome.choices, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-opened_on", "-id"]
        constraints = [
            models.CheckConstraint(name="mediation_status_known",
                                   condition=Q(status__in=["open", "mediating", "closed"])),
            models.CheckConstraint(name="mediation_has_other_party",
                                   condition=Q(other_party__isnull=False) | ~Q(other_party_name="")),
            models.CheckConstraint(
                name="mediation_closed_has_outcome",
                condition=(Q(status="closed") & Q(outcome__in=["resolved", "not_resolved", "referred"])
                           & Q(closed_on__isnull=False))
                | (~Q(status="closed") & Q(outcome="") & Q(closed_on__isnull=True))),
            models.CheckConstraint(name="mediation_closed_after_opening",
                                   condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("opened_on"))),
            # The same dispute recorded twice (a double click) is the same case.
            models.UniqueConstraint(fields=["student", "programme", "opened_on", "subject"], name="mediation_once"),
        ]

    def __str__(self):
        return f"M{self.pk} {self.subject}"

    @property
    def other_party_label(self) -> str:
        if self.other_party_id:
            return self.other_party.get_full_name() or self.other_party.username
        return self.other_party_name


class MediationTransition(AppendOnlyRecord):
    case = models.ForeignKey(MediationCase, on_delete=models.PROTECT, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=MediationStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=MediationStatus.choices)
    outcome = models.CharField(max_length=20, choices=MediationOutcome.choices, blank=True)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["at", "id"]


class MediationNote(AppendOnlyRecord):
    """A confidential note (UH 21.2.2): written once, with its author and time; a correction is a new note.
    ``token`` comes from the form, so a form sent twice writes one note."""

    case = models.ForeignKey(MediationCase, on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(default=timezone.now)
    text = models.TextField(_("note"))
    token = models.UUIDField(unique=True)

    # The note itself stays confidential (UH 21.2.2): its history keeps who and when, not the text.
    history = HistoricalRecords(excluded_fields=["text"])

    class Meta:
        ordering = ["written_at", "id"]
        constraints = [models.CheckConstraint(name="mediation_note_not_empty", condition=~Q(text=""))]


# The pages that log a view, as staff name them (the log stores the URL name; this is what the log shows).
FILE_VIEW_PAGES = {
    "appeals:appeal_detail": _("Appeal file"),
    "appeals:appeal_document": _("Appeal document"),
    "appeals:ombuds_file": _("Ombudsperson's workspace"),
    "appeals:ombuds_mediation_move": _("Mediation step"),
    "appeals:ombuds_stand_aside": _("Standing aside"),
    "examinations:irregularity_detail": _("Irregularity file"),
}


class FileView(AppendOnlyRecord, FileRef):
    """Who opened which file when (appeal, irregularity or mediation case), from any page that calls
    ``appeals.services.ombuds.log_file_view``; ``page`` names the page."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    page = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [_one_file_constraint("file_view_one_file")]
        indexes = [
            models.Index(fields=["appeal", "at"], name="file_view_appeal_at"),
            models.Index(fields=["irregularity", "at"], name="file_view_irregularity_at"),
            models.Index(fields=["mediation", "at"], name="file_view_mediation_at"),
        ]

    @property
    def page_label(self) -> str:
        return str(FILE_VIEW_PAGES.get(self.page, self.page))
