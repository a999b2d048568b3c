"""The URL-by-role walk: every URL pattern of the project, requested as the anonymous visitor, as each role of
config/access.py, as a signed-in user without a role and as a superuser, must answer as access_table.py says.

One test per persona walks the whole table on one populated database (tests/security/world.py); each request
runs in a savepoint that is rolled back, so an action's effect never leaks into the next row. A row whose answer
differs is listed with what it got and what the table expects; so is a page whose HTML carries an inline script
or style (the content security policy would refuse it in the browser).
"""

from __future__ import annotations

import importlib
import re
from http.cookies import SimpleCookie

import pytest
from django.db import transaction
from django.db.models import Q
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from .access_table import ROWS, Row
from .world import PERSONA_USERS, PERSONAS

INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=\"|\son[a-z]+=\"|javascript:", re.I)
LOG_IN_PAGES = ("/login/", "/admin/login/")


def resolve_attr(world, spec: str):
    if spec.startswith("="):
        return spec[1:]
    value = world
    for part in spec.split("."):
        value = value[part] if isinstance(value, dict) else getattr(value, part)
    return value


def url_of(row: Row, world) -> str:
    if row.path:
        return re.sub(r"\{([^}]+)\}", lambda m: str(resolve_attr(world, m.group(1))), row.path)
    kwargs = {k: resolve_attr(world, v) for k, v in row.args.items()}
    return reverse(row.name, kwargs=kwargs) + row.query


def join(prefix: str, route: str) -> str:
    return prefix + (route[1:] if prefix and route.startswith("^") else route)


def all_routes(patterns=None, prefix=""):
    """Every URL pattern of the project as its full route (what ``resolve(path).route`` answers)."""
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            yield from all_routes(p.url_patterns, join(prefix, str(p.pattern)))
        elif isinstance(p, URLPattern):
            yield join(prefix, str(p.pattern))


def request(client: Client, row: Row, url: str):
    """(status, response or None): the answer, inside a savepoint that is rolled back; the client's cookies are
    put back too (a log-out or a language switch must not change the next row's request)."""
    cookies = SimpleCookie(client.cookies)
    with transaction.atomic():
        try:
            response = client.post(url, {}) if row.method == "POST" else client.get(url)
        except Exception as exc:  # noqa: BLE001 - a crash is an answer the table must show
            response, status = None, f"{type(exc).__name__}: {exc}"[:120]
        else:
            status = response.status_code
        transaction.set_rollback(True)
    client.cookies = cookies
    return status, response


def test_every_url_pattern_has_a_row(world, db):
    routes = set(all_routes())
    covered = {resolve(url_of(row, world).split("?")[0]).route for row in ROWS}
    missing = sorted(routes - covered)
    assert not missing, ("These URL patterns have no row in tests/security/access_table.py; add one per page "
                         "(and a pair for object-level rules):\n" + "\n".join(missing))


def test_the_world_has_a_record_for_every_admin_page(world, db):
    empty = [label for label, obj in vars(world.admin_objects).items() if obj is None]
    assert not empty, f"tests/security/world.py makes no record of {empty}: their admin pages go unwalked"


def walk(world, persona: str, rows=ROWS) -> tuple[list[str], list[str]]:
    """Request every row as ``persona``: (rows answered otherwise than the table, pages with inline script/style)."""
    client = Client()
    username = PERSONA_USERS[persona]
    if username:
        client.force_login(world.users[username])
    wrong, inline = [], []
    for row in rows:
        url = url_of(row, world)
        status, response = request(client, row, url)
        expected = row.expected(persona)
        if status != expected:
            wrong.append(f"{row.label} [{url}]: got {status}, the table says {expected}")
        elif persona == "anonymous" and status == 302 and not row.public:
            if not response["Location"].startswith(LOG_IN_PAGES):
                wrong.append(f"{row.label}: the anonymous visitor is sent to {response['Location']}, not a log-in page")
        if status == 200 and response["Content-Type"].startswith("text/html"):
            found = INLINE.search(response.content.decode())
            if found:
                inline.append(f"{row.label}: {found.group(0)!r}")
    return wrong, inline


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_answers_each_persona_as_the_table_says(world, db, persona):
    wrong, inline = walk(world, persona)
    assert not wrong, f"{len(wrong)} pages answer {persona} otherwise than the table:\n" + "\n".join(wrong)
    assert not inline, "Pages with inline script or style (refused by the CSP):\n" + "\n".join(inline)


# ---------------------------------------------------------------------------- the walk catches a missing check
def _everybody_has_every_role(user, roles):
    return user.is_authenticated


def _student_row_without_ties(original):
    def student_row(meeting, user, number):
        row = original(meeting, user, number)
        row["you_excluded"] = False
        return row
    return student_row


def _all_appeals(user, today=None):
    from appeals.models import Appeal

    return Appeal.objects.select_related("student", "programme")


MUTANTS = [
    # (what is patched, by what, as whom, the walk must report this row)
    ("config.access.has_role", lambda original: _everybody_has_every_role, "outsider",
     "GET students:detail(number=student.number)"),
    ("config.access.has_role", lambda original: _everybody_has_every_role, "lecturer",
     "GET appeals:appeal_document("),
    ("examinations.queries_committee.sees_all", lambda original: lambda user: True, "committee_chair",
     "GET examinations:committee_detail(pk=other_committee.pk)"),
    ("examinations.queries_committee.student_row", _student_row_without_ties, "committee_secretary",
     "GET examinations:decision(pk=meeting.pk,number=tied_student.number)"),
    ("appeals.queries_intake.appeals_for", lambda original: _all_appeals, "ombudsperson",
     "GET appeals:appeal_detail(pk=other_appeal.pk)"),
    ("appeals.queries_committee.member_scope", lambda original: lambda user, today=None: Q(), "appeals_member",
     "GET appeals:committee_appeal(pk=excluded_appeal.pk)"),
]


@pytest.mark.parametrize(("target", "replacement", "persona", "reported"), MUTANTS,
                         ids=[f"{m[0]}-{m[2]}" for m in MUTANTS])
def test_removing_a_check_makes_the_walk_fail(world, db, monkeypatch, target, replacement, persona, reported):
    """Each check removed in turn (the role check of every page, a committee's scope, the tie with a student,
    the ombudsperson's files, an exclusion from an appeal): the walk reports the page that now answers too much."""
    module, name = target.rsplit(".", 1)
    original = getattr(importlib.import_module(module), name)
    monkeypatch.setattr(target, replacement(original))
    page = reported.split("(")[0].split(" ")[1]
    wrong, _inline = walk(world, persona, [r for r in ROWS if r.name == page])
    assert any(w.startswith(reported) for w in wrong), wrong
