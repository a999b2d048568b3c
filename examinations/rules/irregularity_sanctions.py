"""IR-4 (rules.md section 6; UH 18.3.1): the sanctions and what each does to the student's results, as pure
functions (no clock; Django only for ``gettext``). Re-exported by :mod:`examinations.rules.irregularity`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .deliberation import ABSENT, ABSENT_JUSTIFIED, FAIL, NUMERIC, PASS

PASS_GRADE = 10  # EX-4 / UH 15.1


class Refused(ValueError):
    """An irregularity action the regulations do not allow, in words a staff member understands."""

ADJUSTED_GRADE, ZERO, FIRST_DISREGARDED = "adjusted_grade", "zero", "first_disregarded"
NO_GRADES_FOR_PERIOD, FIRST_ANNULLED, EXCLUDED_SECOND = "no_grades_period", "first_annulled", "excluded_second"
MAIN_SANCTIONS = (ADJUSTED_GRADE, ZERO, FIRST_DISREGARDED, NO_GRADES_FOR_PERIOD, FIRST_ANNULLED)
SANCTIONS = MAIN_SANCTIONS + (EXCLUDED_SECOND,)


def sanction_word(kind: str) -> str:
    words = {ADJUSTED_GRADE: _("adjusted grade"), ZERO: _("0 for the exam"),
             FIRST_DISREGARDED: _("first-opportunity mark disregarded"),
             NO_GRADES_FOR_PERIOD: _("no grades for the exam period"), FIRST_ANNULLED: _("first opportunity annulled"),
             EXCLUDED_SECOND: _("excluded from the second opportunity")}
    return str(words.get(kind, kind))


@dataclass(frozen=True)
class Mark:
    """A current result: its outcome (numeric, pass, fail, absent, absent_justified), grade and record id."""

    outcome: str
    grade: int | None = None
    result_id: int | None = None


@dataclass(frozen=True)
class UnitResults:
    """One unit of the student's programme that year, with its current first- and second-opportunity results
    (``None``: no result yet). ``first_period``: the code of the exam period of its first opportunity."""

    line_id: int
    unit: str
    numeric: bool = True
    first_period: str = ""
    opportunities: int = 2
    first: Mark | None = None
    second: Mark | None = None


@dataclass(frozen=True)
class SanctionSpec:
    """A sanction the bureau imposes, for an irregularity in ``unit`` during the exam period ``period`` (of
    ``opportunity``). ``retained``: the units whose grades the bureau keeps (first opportunity only);
    ``second_period``: the code of the year's second-opportunity period; ``concerned``: for the exclusion from
    the second opportunity, the units the main sanction concerned."""

    kind: str
    unit: str
    period: str
    opportunity: int
    adjusted_grade: int | None = None
    retained: frozenset[str] = frozenset()
    second_period: str = ""
    concerned: frozenset[str] = frozenset()
    pass_grade: int = PASS_GRADE


@dataclass(frozen=True)
class NewResult:
    """A result version a sanction writes: for ``line_id`` in the exam period ``period``; ``before`` is the
    result it supersedes (``None`` when there was none yet)."""

    line_id: int
    unit: str
    opportunity: int
    period: str
    outcome: str
    grade: int | None
    before: Mark | None
    reason: str


def combination_problem(existing: Iterable[str], kind: str) -> str | None:
    """IR-4 (UH 18.3.1): the bureau imposes one of the sanctions; "in addition" it may exclude the student from
    the second opportunity, which therefore comes only with another sanction."""
    existing = list(existing)
    if kind not in SANCTIONS:
        return _("Unknown sanction '%(kind)s'.") % {"kind": kind}
    if kind == EXCLUDED_SECOND:
        if not any(k in MAIN_SANCTIONS for k in existing):
            return _("The exclusion from the second opportunity is imposed in addition to another sanction "
                     "(UH 18.3.1): record that sanction first.")
        if EXCLUDED_SECOND in existing:
            return _("The student is already excluded from the second opportunity.")
        return None
    main = [k for k in existing if k in MAIN_SANCTIONS]
    if main:
        return _("The bureau imposes one of the sanctions of UH 18.3.1; this file has one already (%(kind)s).") % {
            "kind": sanction_word(main[0])}
    return None


def units_concerned(kind: str, unit: str, period: str, opportunity: int, retained: frozenset[str],
                    units: Sequence[UnitResults]) -> frozenset[str]:
    """IR-4 (UH 18.3.1): the units a main sanction concerns (those from whose second opportunity the bureau may
    then exclude the student): the exam's own unit, the units of the exam period, or every unit of the year for
    the annulment, less the grades retained."""
    if kind in (ADJUSTED_GRADE, ZERO, FIRST_DISREGARDED):
        return frozenset({unit})
    if kind == NO_GRADES_FOR_PERIOD:
        return frozenset(u.unit for u in units
                         if (u.first_period == period if opportunity == 1 else u.second is not None)) - retained
    if kind == FIRST_ANNULLED:
        return frozenset(u.unit for u in units) - retained
    return frozenset()


def _no_grade(unit: UnitResults) -> tuple[str, None]:
    return FAIL, None


def _zero(unit: UnitResults) -> tuple[str, int | None]:
    return (NUMERIC, 0) if unit.numeric else (FAIL, None)


def _certificate(mark: Mark | None, pass_grade: int) -> bool:
    return mark is not None and (mark.outcome == PASS or (mark.outcome == NUMERIC and (mark.grade or 0) >= pass_grade))


def _new(unit: UnitResults, opportunity: int, period: str, value: tuple[str, int | None], reason: str,
         ) -> NewResult | None:
    before = unit.first if opportunity == 1 else unit.second
    if before is not None and (before.outcome, before.grade) == value:
        return None  # already so: nothing to write
    return NewResult(unit.line_id, unit.unit, opportunity, period, value[0], value[1], before, reason)


def apply_sanction(spec: SanctionSpec, units: Sequence[UnitResults]) -> tuple[NewResult, ...]:
    """IR-4 (UH 18.3.1): what a sanction does to the student's results of that year: the new result values.

    - **adjusted grade**: the unit's result of that opportunity becomes the adjusted grade (a sanction: never
      above the grade it replaces; a pass/fail unit has no grade to adjust, so 0 is the sanction there);
    - **0**: that result becomes 0 (``fail`` for a pass/fail unit);
    - **first-opportunity mark disregarded** (irregularity in the second opportunity, by way of derogation from
      UH 12.4.2): the unit's first-opportunity result becomes ``fail``, so the final result is the second one
      even when the first was higher (EX-5);
    - **no grades for the exam period**: every result of the student in that period becomes ``fail``: the
      opportunity counts as taken, without a grade. We read "no grades" as a fail *without* a number rather
      than 0: a non-numeric result stays out of the weighted percentage (DL-1) of the student's other units,
      where a 0 would drag it down for tolerance and distinction (the student's favour). Absences stay as they
      are (an absence has no grade to take away; a justified absence keeps its right to a catch-up). Units not
      yet graded in that period get ``fail`` too (the opportunity has been taken). In a first opportunity the
      bureau may retain grades (``retained``); in a second it may not;
    - **first opportunity annulled** (a first opportunity only): every first-opportunity result of the year
      becomes ``fail`` and the units not yet examined get ``fail`` (excluded from their first opportunity),
      except the retained units; an unauthorised absence stays as it is;
    - **excluded from the second opportunity** (in addition, after a first opportunity): the units the main
      sanction concerned, without a credit certificate and with two opportunities (EX-1), get ``fail`` as their
      second-opportunity result. We read the exclusion as covering those units only, not the whole programme
      (the student's favour); a second-opportunity result already obtained before the decision is left as it is.

    Values already as the sanction wants them are not written again.
    """
    by_unit = {u.unit: u for u in units}
    retained = frozenset(spec.retained)
    words = _("Irregularity sanction (UH 18.3.1): %(kind)s") % {"kind": sanction_word(spec.kind)}
    if retained and spec.kind not in (NO_GRADES_FOR_PERIOD, FIRST_ANNULLED):
        raise Refused(_("Grades are retained only with 'no grades for the exam period' or the annulment of the first "
                      "opportunity (UH 18.3.1)."))
    if retained and spec.opportunity != 1:
        raise Refused(_("The bureau may retain grades only in a first exam opportunity (UH 18.3.1)."))
    unknown = sorted(retained - set(by_unit))
    if unknown:
        raise Refused(_("Not in the student's programme that year: %(units)s.") % {"units": ", ".join(unknown)})

    out: list[NewResult | None] = []
    if spec.kind in (ADJUSTED_GRADE, ZERO):
        unit = by_unit.get(spec.unit)
        if unit is None:
            raise Refused(_("%(unit)s is not in the student's programme that year.") % {"unit": spec.unit})
        current = unit.first if spec.opportunity == 1 else unit.second
        if spec.kind == ADJUSTED_GRADE:
            if not unit.numeric:
                raise Refused(_("%(unit)s is graded pass/fail: it has no grade to adjust; the sanction is 0 (fail).")
                              % {"unit": unit.unit})
            g = spec.adjusted_grade
            if g is None or not 0 <= g <= 20:
                raise Refused(_("An adjusted grade is a whole number from 0 to 20 (EX-4)."))
            if current is not None and current.outcome == NUMERIC and g > (current.grade or 0):
                raise Refused(_("An adjusted grade is a sanction: it cannot be above the grade it replaces "
                                "(%(grade)s).") % {"grade": current.grade})
            value = (NUMERIC, g)
        else:
            value = _zero(unit)
        out.append(_new(unit, spec.opportunity, spec.period, value, words))
    elif spec.kind == FIRST_DISREGARDED:
        if spec.opportunity != 2:
            raise Refused(_("The first-opportunity mark is disregarded only for an irregularity during the second "
                          "opportunity (UH 18.3.1)."))
        unit = by_unit.get(spec.unit)
        if unit is None:
            raise Refused(_("%(unit)s is not in the student's programme that year.") % {"unit": spec.unit})
        if unit.first is not None and unit.first.outcome not in (ABSENT, ABSENT_JUSTIFIED, FAIL):
            out.append(_new(unit, 1, unit.first_period, _no_grade(unit), words))
    elif spec.kind == NO_GRADES_FOR_PERIOD:
        for unit in units:
            if unit.unit in retained:
                continue
            if spec.opportunity == 1:
                if unit.first_period != spec.period:
                    continue
                current = unit.first
            else:
                if unit.second is None:
                    continue  # not taken in this second opportunity
                current = unit.second
            if current is not None and current.outcome in (ABSENT, ABSENT_JUSTIFIED):
                continue
            out.append(_new(unit, spec.opportunity, spec.period, _no_grade(unit), words))
    elif spec.kind == FIRST_ANNULLED:
        if spec.opportunity != 1:
            raise Refused(_("The annulment concerns a first exam opportunity (UH 18.3.1)."))
        for unit in units:
            if unit.unit in retained or (unit.first is not None and unit.first.outcome == ABSENT):
                continue
            out.append(_new(unit, 1, unit.first_period, _no_grade(unit), words))
    elif spec.kind == EXCLUDED_SECOND:
        if spec.opportunity != 1:
            raise Refused(_("The exclusion from the second opportunity follows an irregularity in the first "
                          "(UH 18.3.1)."))
        if not spec.concerned:
            raise Refused(_("The exclusion from the second opportunity is imposed in addition to another sanction "
                          "(UH 18.3.1): record that sanction first."))
        if not spec.second_period:
            raise Refused(_("This academic year has no second exam opportunity."))
        for unit in units:
            if (unit.unit in spec.concerned and unit.opportunities >= 2 and unit.second is None
                    and not _certificate(unit.first, spec.pass_grade)):
                out.append(_new(unit, 2, spec.second_period, _no_grade(unit), words))
    else:
        raise Refused(_("Unknown sanction '%(kind)s'.") % {"kind": spec.kind})
    return tuple(r for r in out if r is not None)
