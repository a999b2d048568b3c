"""Writing many new rows fast: PostgreSQL ``COPY`` from plain tuples, ``bulk_create`` elsewhere.

``bulk_create`` builds a model instance per row and compiles an ``INSERT`` with every value; for the hundreds of
thousands of lines, results and learning-account movements of a university's data set that is most of the time
of an import. :func:`insert` takes the values as tuples (already the database's types: ints, text, dates, bools,
``None``) and streams them with ``COPY ... FROM STDIN`` inside the caller's transaction, so the database's
constraints (unique keys, checks, foreign keys) judge every row as they would an ``INSERT``. The fields not
given get their model default once per call (``recorded_at``: the same moment for the whole batch).

Nothing is returned: callers read the new rows' ids back by their natural keys when they need them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import contextmanager

from django.db import connection, models
from django.utils import timezone

_BATCH = 5000  # rows per bulk_create batch outside PostgreSQL


def insert(model: type[models.Model], fields: Sequence[str], rows: Iterable[tuple]) -> int:
    """Insert ``rows`` (tuples in the order of ``fields``, the attribute names, e.g. ``student_id``) into
    ``model``'s table; returns how many. Unlike ``bulk_create`` no ``save()`` and no signals run."""
    concrete = [f for f in model._meta.concrete_fields if not f.primary_key or not isinstance(
        f, models.AutoField | models.BigAutoField | models.SmallAutoField)]
    by_attname = {f.attname: f for f in concrete}
    unknown = [name for name in fields if name not in by_attname]
    if unknown:
        raise ValueError(f"{model.__name__} has no field(s) {', '.join(unknown)}")
    rest = [f for f in concrete if f.attname not in fields]
    now = timezone.now()
    raw = tuple(now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) else f.get_default()
                for f in rest)
    if connection.vendor != "postgresql":
        return _bulk_create(model, fields, rest, raw, rows)
    defaults = tuple(f.get_db_prep_save(value, connection) for f, value in zip(rest, raw, strict=True))
    columns = [by_attname[name].column for name in fields] + [f.column for f in rest]
    quote = connection.ops.quote_name
    statement = (f"COPY {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN")
    n = 0
    # Django's error wrapper: a violated constraint is a django.db.IntegrityError, as from an INSERT.
    with connection.cursor() as cursor, connection.wrap_database_errors:
        with cursor.copy(statement) as copy:
            if defaults:
                for row in rows:
                    copy.write_row(row + defaults)
                    n += 1
            else:
                for row in rows:
                    copy.write_row(row)
                    n += 1
    return n


def _bulk_create(model, fields, rest, defaults, rows) -> int:
    batch, n = [], 0
    names = list(fields) + [f.attname for f in rest]
    for row in rows:
        batch.append(model(**dict(zip(names, row + defaults, strict=True))))
        if len(batch) >= _BATCH:
            model.objects.bulk_create(batch)
            n += len(batch)
            batch = []
    if batch:
        model.objects.bulk_create(batch)
        n += len(batch)
    return n


BULK_ROWS = 20_000  # from this many new rows on, a load is a bulk load (below)


@contextmanager
def bulk_load(*models_: type[models.Model], when: bool = True):
    """Inside the caller's transaction, a load of many rows into these tables: their foreign keys are checked
    once, over every row, when the block ends, instead of row by row at commit; then their planner statistics
    are refreshed (``ANALYZE``), since a table that grew tenfold in one transaction would otherwise be planned as
    the small table it was (and autovacuum may be off, or an hour behind).

    PostgreSQL checks a deferred foreign key with one lookup per inserted row at commit (about 0.4 ms a row on a
    loaded 2-core machine: minutes for the million rows of a large university); adding the constraint back with
    ``ALTER TABLE ... ADD CONSTRAINT`` checks all rows with one join instead. So the block drops the tables'
    foreign-key constraints and, when it ends without an error, adds each back under the same name with the same
    definition, which checks every row: a row pointing nowhere fails the import as before, and the schema after
    the commit is the schema before. An error inside the block rolls the whole transaction back, constraints
    included (PostgreSQL's DDL is transactional).

    The price: ``ALTER TABLE`` locks the tables against readers and writers until the transaction ends, so this is
    for bulk loads only (``when``: the caller says whether the load is large enough, e.g. ``BULK_ROWS``). Outside
    PostgreSQL, or when ``when`` is false, nothing changes.
    """
    if not when or connection.vendor != "postgresql" or not models_:
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("bulk_load needs a transaction")
    tables = [m._meta.db_table for m in models_]
    with connection.cursor() as cursor:
        # Checks still pending for rows written earlier in this transaction are done now: PostgreSQL refuses to
        # alter a table with pending trigger events.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute(
            "SELECT t.relname, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
            "JOIN pg_class t ON t.oid = c.conrelid "
            "WHERE c.contype = 'f' AND c.conrelid = ANY(%s::regclass[]) ORDER BY t.relname, c.conname",
            [tables])
        constraints = cursor.fetchall()
        quote = connection.ops.quote_name
        for table, name, _definition in constraints:
            cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
    yield
    with connection.cursor() as cursor:
        for table, name, definition in constraints:
            cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")
        for table in tables:
            cursor.execute(f"ANALYZE {quote(table)}")
