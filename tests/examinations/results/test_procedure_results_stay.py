"""A result set by a procedure (IR-4 sanction, EX-10, appeal) is not overwritten by ordinary entry, a file or a
sweep before the proclamation either: only another procedure changes it."""

from datetime import date

import pytest

from examinations.models import Result, ResultProcedure
from examinations.services.results import ResultRefused, record_result
from tests.examinations.results.conftest import line as line_of

pytestmark = pytest.mark.django_db


def test_ir4_a_sanction_is_not_overwritten_by_ordinary_entry(faculty):
    line = line_of(faculty, "an", "BIO101")
    period = faculty["periods"][line.course_unit.exam_period_code]
    record_result(line, period, "numeric", 14, None)
    sanctioned = record_result(line, period, "numeric", 0, None, procedure=ResultProcedure.IRREGULARITY,
                               reason="IR-4: 0 for the exam", decided_on=date(2027, 2, 1))
    for procedure in (ResultProcedure.ENTRY, ResultProcedure.FILE, ResultProcedure.SWEEP):
        with pytest.raises(ResultRefused, match="set by a procedure"):
            record_result(line, period, "numeric", 15, None, procedure=procedure)
    assert Result.objects.get(is_current=True, student=line.student, course_unit=line.course_unit) == sanctioned
    # another procedure still may (an appeal outcome)
    record_result(line, period, "numeric", 9, None, procedure=ResultProcedure.APPEAL, reason="Appeal upheld",
                  decided_on=date(2027, 2, 20))
