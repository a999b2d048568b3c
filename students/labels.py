"""What a learning-account movement is, in words a staff member reads: "Addition of INF201 Operating systems",
"Refund: withdrawal from BA-INF", "Correction: <the decision's reason>".

A movement stores its cause as an internal key (``enrol:386``, ``refund:1021``, ``manual:3``; see
``students.rules``) and a short technical note; neither is ever shown as such. :func:`describe` turns the
stored values into a translated label. Pure: the few facts it needs about the student's contracts come in as
plain values (``students.queries.movement_labeller`` loads them in one query).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

from enrolment.rules import contract_kind_text

from .rules import MANUAL_CAUSE_PREFIX


@dataclass(frozen=True)
class ContractLabel:
    programme_code: str
    kind: str  # diploma, credit, exam
    deregistration_reason: str = ""  # withdrawal, programme_change or ""


@dataclass(frozen=True)
class Labels:
    """The student's contracts by key (the contract's id as text; ``new`` in a preview) and the contract key of
    each study-programme line (the line's id as text; ``new-<unit id>`` in a preview)."""

    contracts: Mapping[str, ContractLabel]
    line_contracts: Mapping[str, str]

    def contract_of_line(self, line_key: str) -> ContractLabel | None:
        return self.contracts.get(self.line_contracts.get(line_key, ""))


NO_LABELS = Labels({}, {})

REASONS = {"withdrawal", "programme_change"}


def unit_text(code: str | None, name: str | None = None) -> str:
    if not code:
        return _("a course unit")
    return f"{code} {name}" if name else code


def _base(cause: str) -> tuple[str, str]:
    prefix, _sep, key = cause.partition(":")
    return prefix, key


def _what(prefix: str, key: str, note: str, article: str, unit: str, labels: Labels) -> str:
    """The label of the movement a cause calls for.

    Notes are a hint only: a sync run for a reason (a register opening, a proclamation) writes that reason as the
    note of every movement it appends; the cause, the rule and the contracts decide.
    """
    if prefix == "opening":
        if "register" in note:
            return _("Opening balance from the government's register")
        if note:
            return _("Opening balance")
        return _("Opening balance at the first enrolment")
    if prefix == "enrol":
        contract = labels.contracts.get(key)
        if contract is None:
            return _("Enrolment")
        return _("Enrolment in %(programme)s (%(contract)s)") % {
            "programme": contract.programme_code, "contract": contract_kind_text(contract.kind)}
    if prefix == "add":
        return _("Addition of %(unit)s") % {"unit": unit}
    if prefix == "refund":
        contract = labels.contract_of_line(key)
        reason = contract.deregistration_reason if contract is not None else ""
        if article == "LA-6" or not (reason or note in REASONS):
            return _("Refund of %(unit)s: removal from the study programme") % {"unit": unit}
        reason = reason or note
        programme = contract.programme_code if contract is not None else ""
        if reason == "programme_change":
            return _("Refund of %(unit)s: change of programme from %(programme)s") % {
                "unit": unit, "programme": programme}
        return _("Refund of %(unit)s: withdrawal from %(programme)s") % {"unit": unit, "programme": programme}
    if prefix == "restore":
        return _("Restitution of %(unit)s: credit certificate obtained") % {"unit": unit}
    if prefix == "bonus":
        return _("Bonus for %(unit)s: one of the first 60 credits acquired in a bachelor's programme") % {"unit": unit}
    if prefix == "degree":
        return _("Initial master's degree obtained")
    if prefix == "rebuild":
        if "master" in note:
            return _("Rebuild after the initial master's degree")
        if "without enrolment" in note:
            return _("Rebuild after an academic year without enrolment")
        return _("Rebuild of the learning account")
    return _("Movement")


def describe(kind: str, cause: str, note: str = "", article: str = "", unit_code: str | None = None,
             unit_name: str | None = None, labels: Labels = NO_LABELS) -> str:
    """The label of one movement (stored, or about to be written in a preview)."""
    unit = unit_text(unit_code, unit_name)
    if cause.startswith(MANUAL_CAUSE_PREFIX):
        return _("Correction: %(reason)s") % {"reason": note} if note else _("Correction")
    prefix, key = _base(cause)
    if kind != "correction":
        return _what(prefix, key, note, article, unit, labels)
    # The engine's own corrections (LA-15) carry the cause of the movement they correct: a reversal (rule LA-15)
    # takes back what no longer holds; a correction changes the amount.
    what = _("Opening balance") if prefix == "opening" else _what(prefix, key, "", article, unit, labels)
    if article == "LA-15":
        return _("Reversal of “%(what)s”: the facts it came from changed") % {"what": what}
    if prefix == "enrol":
        return _("Correction of “%(what)s”: the units taken at enrolment changed") % {"what": what}
    return _("Correction of “%(what)s”: the facts it came from changed") % {"what": what}
