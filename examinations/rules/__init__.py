"""The examination rules (rules.md sections 3-6) as pure functions, one module per subject:

- ``deliberation``: EX-4, EX-5, DL-1 .. DL-8 (the proposal);
- ``results``: entering, importing and correcting results (EX-2, EX-3, EX-7, EX-10, EX-11, EN-9);
- ``committee``: committees, quorum, votes and sign-off (EC-1 .. EC-7, DL-7 .. DL-9);
- ``irregularity``: the irregularity procedure (IR-1 .. IR-5).

The deliberation rules are re-exported here, so ``from examinations import rules`` reads them directly.
"""

from .deliberation import *  # noqa: F401,F403
from .deliberation import _rank  # noqa: F401
