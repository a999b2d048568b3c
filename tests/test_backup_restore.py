"""Backup and restore, as the README tells the application manager: ``pg_dump -Fc`` of a populated database,
``pg_restore`` into an empty one, and the restored office is the same office: the same ``export_dataset``, the
same number of rows in every table, the same sequence positions (new records do not collide with old ones)."""

import os
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(not shutil.which("pg_dump"), reason="needs PostgreSQL's client tools")


def pg_env(db: dict) -> dict:
    env = {**os.environ}
    env.update({k: str(v) for k, v in {"PGHOST": db.get("HOST"), "PGPORT": db.get("PORT"), "PGUSER": db.get("USER"),
                                       "PGPASSWORD": db.get("PASSWORD")}.items() if v})
    return env


def run(args, env, **kw):
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300, **kw)
    assert done.returncode == 0, f"{args[0]} failed: {done.stderr[-2000:]}"
    return done.stdout


def export(database_url: str) -> str:
    """``manage.py export_dataset`` against the database at ``database_url``, in its own process."""
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "config.settings"}
    return run([sys.executable, "manage.py", "export_dataset"], env, cwd=ROOT)


def census(dsn: dict) -> dict:
    """Rows per table and the position of every sequence."""
    with psycopg.connect(**dsn) as conn:
        tables = [t for (t,) in conn.execute(
            "select tablename from pg_tables where schemaname = 'public' order by tablename")]
        rows = {t: conn.execute(f'select count(*) from "{t}"').fetchone()[0] for t in tables}
        sequences = dict(conn.execute("select sequencename, last_value from pg_sequences where schemaname = 'public'")
                         .fetchall())
    return {"rows": rows, "sequences": sequences}


def url_for(db: dict, name: str) -> str:
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}/{name}"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump needs PostgreSQL")
def test_a_dump_restored_into_an_empty_database_exports_the_same_dataset(transactional_db, tmp_path):
    call_command("load_demo", students=30, stdout=StringIO())
    db = connection.settings_dict
    source, copy = db["NAME"], f"{db['NAME']}_restored"
    env = pg_env(db)
    dump = tmp_path / "eel-office.dump"

    run(["pg_dump", "--format=custom", "--no-owner", "--file", str(dump), source], env)
    run(["dropdb", "--if-exists", copy], env)
    run(["createdb", copy], env)
    try:
        run(["pg_restore", "--no-owner", "--exit-on-error", "--dbname", copy, str(dump)], env)
        dsn = {k: v for k, v in {"host": db.get("HOST"), "port": db.get("PORT"), "user": db.get("USER"),
                                 "password": db.get("PASSWORD")}.items() if v}
        before, after = census({**dsn, "dbname": source}), census({**dsn, "dbname": copy})
        assert after == before
        assert before["rows"]["students_student"] == 30 and before["rows"]["examinations_result"] > 0
        original = export(url_for(db, source))
        assert '"students"' in original
        assert export(url_for(db, copy)) == original
    finally:
        run(["dropdb", "--if-exists", copy], env)
