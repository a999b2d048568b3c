"""Appeals: intake and admissibility (``intake``), the appeals committee, hearings and outcomes
(``committee``), the ombudspersons' files and mediation (``ombuds``)."""

from .committee import *  # noqa: F401,F403
from .intake import (  # noqa: F401
    AdmissibilityAnswer,
    AdmissibilityCheck,
    AdmissibilityOutcome,
    AdmissibilityPoint,
    Appeal,
    AppealSequence,
    AppealStatus,
    AppealTransition,
    DecisionKind,
    EvidenceDocument,
    SignedBy,
)
from .ombuds import *  # noqa: F401,F403
