"""EX-9 (UH 15.4.4): what the retention command may remove, and from when. Pure: dates are arguments.

The office keeps no scanned exam scripts. What it holds that belongs to a contested script's file is the
appeal's file: the evidence documents the student and the secretary added (UH 19.3.4, UH 19.4.1) and the copy of
the decision letter sent with the outbox. UH 15.4.4 keeps the script of an exam about which a formal complaint
was lodged five years; that file is kept exactly as long, never shorter than the ordinary retention of the exam
period's scripts (1 February of the following academic year). The appeal, its decision, the results and all
history stay: only the stored documents go.
"""

from __future__ import annotations

from datetime import date

from config.regulations.base import CommitteeRules

from . import deadlines


def ordinary_kept_until(year_ends_on: date, cr: CommitteeRules) -> date:
    """EX-9: an exam period's scripts are kept until 1 February of the following academic year (UH 15.4.4)."""
    return deadlines.script_retention_until(year_ends_on, cr)


def appeal_file_kept_until(exam_ended_on: date, received_on: date, year_ends_on: date, cr: CommitteeRules) -> date:
    """EX-9: an appeal's documents are kept as long as the contested script: five years from the later of the
    exam period's last day and the day the appeal was received, and at least the ordinary retention (the reading
    that keeps the student's evidence longest, see :func:`deadlines.contested_script_retention_until`)."""
    return deadlines.contested_script_retention_until(exam_ended_on, received_on, year_ends_on, cr)


def may_remove(as_of: date, kept_until: date) -> bool:
    """EX-9: kept "until" a day means kept that whole day; removable from the day after."""
    return deadlines.retention_ended(as_of, kept_until)
