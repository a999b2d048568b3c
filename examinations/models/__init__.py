"""Examinations: results and their versions, proclamation, committees and meetings, irregularities."""

from .committees import (  # noqa: F401
    Attendance,
    CommitteeMember,
    CommitteeRole,
    Decision,
    ExamCommittee,
    Meeting,
    MeetingForm,
    MeetingKind,
    MeetingSignature,
    MeetingStatus,
    TieDeclaration,
    TieKind,
    ToleranceChoice,
)
from .irregularities import (  # noqa: F401
    Hearing,
    Irregularity,
    IrregularityStatus,
    IrregularityTransition,
    Sanction,
    SanctionKind,
)
from .results import (  # noqa: F401
    CourseUnitLecturer,
    ExamPeriod,
    MaterialError,
    Outcome,
    Proclamation,
    Result,
    ResultProcedure,
    RetakeRequest,
    RetakeStatus,
    SecondOpportunityRegistration,
    StudyProgressDecision,
)
