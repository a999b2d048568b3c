"""The benchmark's own database: ``<name>_bench`` beside the database of ``DATABASE_URL``.

The benchmark never touches the data of the configured database: it drops and creates ``<name>_bench`` on the
same server (PostgreSQL) or beside the file (SQLite), migrates it, and points this process and the commands it
starts at it. When the configured name already ends in ``_bench`` that database is the benchmark's: it is
dropped and created again. ``--in-place`` (for the test suite) uses the configured database as it is and
refuses one that holds students.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.db import connections

SUFFIX = "_bench"


def engine() -> str:
    return "sqlite" if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3") else "postgresql"


def bench_name(name: str) -> str:
    if engine() == "sqlite":
        path = Path(name)
        return str(path) if path.stem.endswith(SUFFIX) else str(path.with_name(path.stem + SUFFIX + path.suffix))
    return name if name.endswith(SUFFIX) else name + SUFFIX


def recreate(name: str) -> None:
    """Drop ``name`` if it exists and create it empty."""
    drop(name)
    if engine() == "postgresql":
        _server(lambda conn, sql: conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))))


def drop(name: str) -> None:
    if not bench_name(name) == name:
        raise ValueError(f"{name} is not a benchmark database")
    if engine() == "sqlite":
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(name + suffix).unlink(missing_ok=True)
        return
    _server(lambda conn, sql: conn.execute(
        sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))))


def _server(action) -> None:
    """Run ``action(connection, psycopg.sql)`` on the server's maintenance database, outside a transaction."""
    import psycopg
    from psycopg import sql

    db = settings.DATABASES["default"]
    params = {"dbname": "postgres", "host": db.get("HOST") or None, "port": db.get("PORT") or None,
              "user": db.get("USER") or None, "password": db.get("PASSWORD") or None}
    with psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True) as conn:
        action(conn, sql)


def use(name: str) -> None:
    """Point this process's default connection, and the environment of the commands it starts, at ``name``."""
    connections["default"].close()
    settings.DATABASES["default"]["NAME"] = name
    connections["default"].settings_dict["NAME"] = name
    url = os.environ.get("DATABASE_URL")
    if engine() == "sqlite":
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(name).resolve()}"
    elif url:
        parts = urlsplit(url)
        os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path="/" + name))
    else:
        db = settings.DATABASES["default"]
        auth = db.get("USER") or ""
        if db.get("PASSWORD"):
            auth += ":" + db["PASSWORD"]
        host = f"{auth}@" if auth else ""
        host += (db.get("HOST") or "localhost") + (f":{db['PORT']}" if db.get("PORT") else "")
        os.environ["DATABASE_URL"] = f"postgres://{host}/{name}"


def server_version() -> str:
    with connections["default"].cursor() as cursor:
        if engine() == "sqlite":
            cursor.execute("select sqlite_version()")
            return "SQLite " + cursor.fetchone()[0]
        cursor.execute("show server_version")
        return "PostgreSQL " + cursor.fetchone()[0]
