"""Trigram indexes for the student search (issue 8).

The student list searches number, names and e-mail with ``icontains`` (``UPPER(col::text) LIKE UPPER('%q%')``):
without an index every search reads every student (a quarter of a second at 60,000). A GIN trigram index on
each ``UPPER(col::text)`` answers the same predicates from the index. PostgreSQL only, and only where the
database lets this user create the ``pg_trgm`` extension (trusted since PostgreSQL 13); elsewhere the search
works as before, unindexed. The indexes are the database's business, not the models': no model state changes.
"""

from django.db import migrations, transaction
from django.db.utils import DatabaseError

COLUMNS = ("number", "last_name", "first_name", "email")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError:
        return  # not allowed here: the search stays unindexed
    for column in COLUMNS:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "student_search_{column}_trgm" ON "students_student" '
            f'USING gin (UPPER("{column}"::text) gin_trgm_ops)')


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f'DROP INDEX IF EXISTS "student_search_{column}_trgm"')


class Migration(migrations.Migration):
    dependencies = [("students", "0004_history")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
