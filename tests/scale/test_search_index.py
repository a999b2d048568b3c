"""The student search is answered from the trigram indexes of students/migrations/0004 (issue 8)."""

import pytest
from django.db import connection

from students.models import Student
from students.queries import search_students

pytestmark = pytest.mark.django_db


def test_the_student_search_reads_the_trigram_indexes():
    qs = search_students(Student.objects.all(), "will").order_by().values("id")
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # an empty test table would be read whole otherwise
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    for column in ("number", "last_name", "first_name", "email"):
        assert f"student_search_{column}_trgm" in plan, plan
