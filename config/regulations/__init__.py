"""Versioned regulations: every number or date rule that an institution or a year may change.

A preset is a frozen :class:`Regulations` object, one module per institution and academic year, each number
beside its article. Rules receive the object as an argument; nothing reads it from settings at import time.
"""

from .base import (
    AppealsCommitteeRules,
    CommitteeRules,
    DeliberationRules,
    DeregistrationPolicy,
    InsufficientBalancePolicy,
    IrregularityRules,
    RefundCutoffPolicy,
    Regulations,
    ResultRules,
    round_half_up,
)
from .pxl_2018_2019 import PXL_2018_2019
from .uhasselt_2026_2027 import UHASSELT_2026_2027

PRESETS: dict[str, Regulations] = {r.code: r for r in (UHASSELT_2026_2027, PXL_2018_2019)}
DEFAULT_CODE = UHASSELT_2026_2027.code


class UnknownRegulations(LookupError):
    """No regulations are known under the code asked for."""


def get_regulations(code: str) -> Regulations:
    try:
        return PRESETS[code]
    except KeyError:
        known = ", ".join(sorted(PRESETS))
        raise UnknownRegulations(f"unknown regulations '{code}' (known: {known})") from None


__all__ = [
    "AppealsCommitteeRules",
    "CommitteeRules",
    "DEFAULT_CODE",
    "DeliberationRules",
    "DeregistrationPolicy",
    "InsufficientBalancePolicy",
    "IrregularityRules",
    "PRESETS",
    "RefundCutoffPolicy",
    "Regulations",
    "ResultRules",
    "UnknownRegulations",
    "get_regulations",
    "round_half_up",
]
