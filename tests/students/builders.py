"""Small builders of the pure learning-account facts (students.rules) for the rule and property tests."""

from __future__ import annotations

from datetime import date
from itertools import count

from config.regulations import PXL_2018_2019, UHASSELT_2026_2027
from students import rules

UH = UHASSELT_2026_2027
PXL = PXL_2018_2019
_keys = count(1)


def uh_year(start: int = 2026) -> rules.YearFacts:
    """A UHasselt academic year like the one in dataset.md: 14 September to 12 September, S1 lessons end 23 Dec."""
    return rules.YearFacts(f"{start}-{start + 1}", date(start, 9, 14), date(start + 1, 9, 12), UH,
                           date(start, 12, 23))


def pxl_year(start: int = 2018) -> rules.YearFacts:
    return rules.YearFacts(f"{start}-{start + 1}", date(start, 9, 24), date(start + 1, 9, 15), PXL,
                           date(start, 12, 21))


Y26 = uh_year(2026)
Y27 = uh_year(2027)
Y28 = uh_year(2028)
Y29 = uh_year(2029)
P18 = pxl_year(2018)


def line(credits: int = 6, semester: int = 1, added_on: date = date(2026, 9, 10), key: str | None = None,
         unit: str | None = None, **kw) -> rules.LineFacts:
    key = key or f"L{next(_keys)}"
    return rules.LineFacts(key=key, unit_code=unit or f"U-{key}", credits=credits, semester=semester,
                           added_on=added_on, **kw)


def contract(*lines: rules.LineFacts, year: rules.YearFacts = Y26, kind: str = "diploma",
             programme_kind: str = "bachelor", enrolled_on: date | None = None, key: str | None = None,
             **kw) -> rules.ContractFacts:
    key = key or f"C{next(_keys)}"
    return rules.ContractFacts(key=key, year=year.code, programme_code=f"P-{programme_kind}",
                               programme_kind=programme_kind, kind=kind,
                               enrolled_on=enrolled_on or date(year.starts_on.year, 9, 10), lines=tuple(lines), **kw)


def account(*contracts: rules.ContractFacts, years=(Y26, Y27, Y28), degrees=(), register=None) -> rules.AccountFacts:
    return rules.AccountFacts(tuple(years), tuple(contracts), tuple(degrees), register)


def movements(facts: rules.AccountFacts) -> list[rules.Movement]:
    return rules.expected_movements(facts)


def balance(facts_or_movements, on: date = date.max) -> int:
    ms = movements(facts_or_movements) if isinstance(facts_or_movements, rules.AccountFacts) else facts_or_movements
    return rules.balance_on(ms, on)


def of_kind(ms, kind: str) -> list:
    return [m for m in ms if m.kind == kind]


def stored_from(rows) -> list[rules.StoredMovement]:
    """What the database would hold after writing these rows (rules.NewMovement or rules.StoredMovement)."""
    return [rules.StoredMovement(r.cause, r.revision, r.on, r.kind, r.credits) for r in rows]


def write(facts: rules.AccountFacts, stored: list[rules.StoredMovement] = ()) -> list[rules.StoredMovement]:
    """Reconcile ``stored`` with the facts and return the ledger after appending the rows (sync_ledgers, pure)."""
    stored = list(stored)
    return stored + stored_from(rules.reconcile(movements(facts), stored))
