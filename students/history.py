"""The History panels of the record pages (audit trail, issue 6): which history tables each page lists.

Each function returns the panel's entries (:func:`config.audit.history_entries`): one query per history table
named here, whatever the size of the history. The views call them only after their own permission checks, so
the panel shows on pages the user may already open and nowhere else.
"""

from django.utils.translation import gettext as _

from appeals.models import (
    AdmissibilityCheck,
    Appeal,
    AppealDecision,
    AppealExclusion,
    AppealHearing,
    AppealMotion,
    MediationCase,
    MediationNote,
    MediationTransition,
)
from config.audit import history_entries
from enrolment.models import ProgrammeLine, StudyContract
from examinations.models import (
    Attendance,
    CommitteeMember,
    Decision,
    ExamCommittee,
    Meeting,
    MeetingSignature,
    Proclamation,
    Result,
    StudyProgressDecision,
    ToleranceChoice,
)

from .models import LedgerMovement, Student


def student_history(student: Student):
    """Student page: the student, her contracts, programme lines and learning-account movements."""
    return history_entries([
        (_("Student"), Student.history.filter(id=student.pk)),
        (_("Contract"), StudyContract.history.filter(student_id=student.pk)),
        (_("Programme line"), ProgrammeLine.history.filter(student_id=student.pk)),
        (_("Ledger movement"), LedgerMovement.history.filter(student_id=student.pk)),
    ])


def results_history(student: Student):
    """Results page of a student: her results (every version) and study-progress decisions."""
    return history_entries([
        (_("Result"), Result.history.filter(student_id=student.pk)),
        (_("Study-progress decision"), StudyProgressDecision.history.filter(student_id=student.pk)),
    ])


def committee_history(committee: ExamCommittee):
    """Committee page: the committee and its members."""
    return history_entries([
        (_("Committee"), ExamCommittee.history.filter(id=committee.pk)),
        (_("Member"), CommitteeMember.history.filter(committee_id=committee.pk)),
    ])


def meeting_history(meeting: Meeting):
    """Meeting page: the meeting, its attendance, decisions, tolerance choices, signatures and proclamation."""
    return history_entries([
        (_("Meeting"), Meeting.history.filter(id=meeting.pk)),
        (_("Attendance"), Attendance.history.filter(meeting_id=meeting.pk)),
        (_("Decision"), Decision.history.filter(meeting_id=meeting.pk)),
        (_("Tolerance choice"), ToleranceChoice.history.filter(meeting_id=meeting.pk)),
        (_("Signature"), MeetingSignature.history.filter(meeting_id=meeting.pk)),
        (_("Proclamation"), Proclamation.history.filter(meeting_id=meeting.pk)),
    ])


def appeal_history(appeal: Appeal):
    """Appeal file: the appeal, its admissibility checks, exclusions, hearings, motions and decision."""
    return history_entries([
        (_("Appeal"), Appeal.history.filter(id=appeal.pk)),
        (_("Admissibility check"), AdmissibilityCheck.history.filter(appeal_id=appeal.pk)),
        (_("Exclusion"), AppealExclusion.history.filter(appeal_id=appeal.pk)),
        (_("Hearing"), AppealHearing.history.filter(appeal_id=appeal.pk)),
        (_("Motion"), AppealMotion.history.filter(appeal_id=appeal.pk)),
        (_("Decision"), AppealDecision.history.filter(appeal_id=appeal.pk)),
    ])


def mediation_history(case: MediationCase):
    """Mediation case: the case, its steps and its notes (who wrote one and when; the text is not kept twice)."""
    return history_entries([
        (_("Mediation case"), MediationCase.history.filter(id=case.pk)),
        (_("Step"), MediationTransition.history.filter(case_id=case.pk)),
        (_("Note"), MediationNote.history.filter(case_id=case.pk)),
    ])
