"""The retention command's service (EX-9, UH 15.4.4; issue 6 point 5): remove what the regulations no longer
require. See :mod:`examinations.rules.retention` for what that is and from when.

- Evidence documents of an appeal (private storage): the file goes from disk after commit, the row stays with its
  title, original name, size, checksum and dates, its ``file`` blanked: the record that it was received remains.
- Sent (or given-up) outbox notices about that appeal: the attached PDF copy is blanked (the decision letter can
  be printed again from the decision); the notice's text stays, it proves when and what the student was told.
- Appeals that name no exam period (a decision only described) are kept: without the exam there is no retention
  date, and keeping them is the reading in the student's favour.
- Nothing else: results, decisions, appeals, file-view logs and all history rows are never touched.

Idempotent: what has been removed is blank and is not selected again; the rows are locked, so two runs at once
remove each document once. One ``AuditEvent`` sums up a run that removed something.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from appeals.models import Appeal, EvidenceDocument
from config import audit
from enrolment.models import Notice, NoticeStatus
from students.models import AuditEvent

from ..rules import retention as rules

APPEAL_MODEL = "appeals.appeal"


@dataclass(frozen=True)
class Removal:
    what: str  # "evidence" or "attachment"
    pk: int
    label: str
    kept_until: date

    def line(self) -> str:
        kinds = {"evidence": _("appeal evidence file"), "attachment": _("notice attachment")}
        return _("%(what)s %(label)s (kept until %(until)s)") % {
            "what": kinds[self.what], "label": self.label, "until": self.kept_until.isoformat()}


def _exam_period(appeal: Appeal):
    if appeal.contested_decision_id:
        return appeal.contested_decision.exam_period
    if appeal.contested_irregularity_id:
        return appeal.contested_irregularity.exam_period
    return None


def appeals_past_retention(as_of: date) -> dict[int, tuple[str, date]]:
    """{appeal pk: (reference, kept until)} for the appeals whose file is past its EX-9 retention on ``as_of``."""
    out = {}
    appeals = (Appeal.objects.filter(Q(contested_decision__isnull=False) | Q(contested_irregularity__isnull=False))
               .select_related("contested_decision__exam_period__academic_year",
                               "contested_irregularity__exam_period__academic_year"))
    for appeal in appeals:
        period = _exam_period(appeal)
        year = period.academic_year
        committee = year.rules.committee
        until = rules.appeal_file_kept_until(period.ends_on, appeal.received_on, year.ends_on, committee)
        if rules.may_remove(as_of, until):
            out[appeal.pk] = (appeal.reference, until)
    return out


def apply_retention(as_of: date, *, by=None, dry_run: bool = False) -> list[Removal]:
    """Remove (or with ``dry_run`` only list) what is past its retention on ``as_of``."""
    with transaction.atomic():
        due = appeals_past_retention(as_of)
        docs = list(EvidenceDocument.objects.select_for_update().filter(appeal_id__in=due).exclude(file="")
                    .order_by("appeal_id", "pk"))
        notices = list(Notice.objects.select_for_update()
                       .filter(about_model=APPEAL_MODEL, about_pk__in=due, attachment__isnull=False)
                       .exclude(status=NoticeStatus.PENDING).order_by("about_pk", "pk")
                       .only("pk", "key", "about_pk", "attachment_name"))
        removals = [Removal("evidence", d.pk, f"{due[d.appeal_id][0]} {d.original_name}", due[d.appeal_id][1])
                    for d in docs]
        removals += [Removal("attachment", n.pk, f"{due[n.about_pk][0]} {n.attachment_name or n.key}",
                             due[n.about_pk][1]) for n in notices]
        if dry_run or not removals:
            return removals
        names = [d.file.name for d in docs]
        EvidenceDocument.objects.filter(pk__in=[d.pk for d in docs]).update(file="")
        Notice.objects.filter(pk__in=[n.pk for n in notices]).update(attachment=None)
        AuditEvent.objects.create(
            by=audit._user(by), kind=AuditEvent.Kind.RETENTION, source=f"apply_retention --as-of {as_of.isoformat()}",
            summary="\n".join([_("Removed past their retention (EX-9, UH 15.4.4) on %(date)s: %(n)d.")
                               % {"date": as_of.isoformat(), "n": len(removals)}] + [r.line() for r in removals]))
        storage = EvidenceDocument._meta.get_field("file").storage

        def delete_files():
            for name in names:
                storage.delete(name)  # a file already gone is no error

        transaction.on_commit(delete_files)
    return removals
