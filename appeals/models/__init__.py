"""Appeals: intake and admissibility (``intake``), the appeals committee, hearings and outcomes
(``committee``), the ombudspersons' files and mediation (``ombuds``)."""

from .committee import *  # noqa: F401,F403
from .intake import Appeal, DecisionKind  # noqa: F401
from .ombuds import *  # noqa: F401,F403
