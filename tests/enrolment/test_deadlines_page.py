"""The staff "Deadlines" page (issue 5, point 5): what falls due in the next 30 days per programme, from each
registered sweep's ``upcoming`` hook; the flags; the log of the sweep runs. Who may open it, what each role sees,
a failing hook, the filters and a query count that does not grow with the data.

The registry is replaced by fake sweeps whose hooks (below) return what the test put in ``HOOK_ITEMS``, so the
page is tested apart from the hooks other sweeps fill; one test renders the real registry too.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from config import sweeps
from config.access import Role
from config.sweeps import Due, Ref, Sweep
from enrolment.models import DeadlineFlag, SweepRun, SweepStatus
from examinations.models import CommitteeMember, ExamCommittee
from tests.clock import Clock
from tests.enrolment.factories import ContractFactory, CourseUnitFactory, ProgrammeFactory, StudentFactory, make_year

TODAY = date(2026, 11, 23)
URL = "/enrolment/deadlines/"
HOOK_ITEMS: list[Due] = []
HERE = __name__


def hook_items(start, end):
    return list(HOOK_ITEMS)


def hook_nothing(start, end):
    return []


def hook_broken(start, end):
    raise RuntimeError("the appeals table is being rebuilt")


def hook_database_error(start, end):
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM no_such_table_for_the_deadlines_page")
    return []


def fake_sweep(name, rule, hook, title=None):
    return Sweep(name, rule, title or f"Fake sweep {rule}", "enrolment.sweeps.run_all", hour=1, minute=0,
                 upcoming=f"{HERE}.{hook}" if hook else "")


FAKE_SWEEPS = (
    fake_sweep("ex2_fake", "EX-2", "hook_items", "A for unregistered second opportunities"),
    fake_sweep("la6_fake", "LA-6/LA-7", "hook_nothing"),
    fake_sweep("no_hook", "EN-6", None),
)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch, TODAY)


@pytest.fixture
def registry(monkeypatch):
    """The fake registry; ``registry(*extra)`` adds sweeps."""
    monkeypatch.setattr(sweeps, "SWEEPS", FAKE_SWEEPS)
    monkeypatch.setattr(f"{HERE}.HOOK_ITEMS", [])

    def extend(*extra):
        monkeypatch.setattr(sweeps, "SWEEPS", FAKE_SWEEPS + extra)

    return extend


@pytest.fixture
def world(db, clock, registry, make_user, student_admin, committee_chair):
    """Two programmes with a committee each: Koen chairs INF, Mia is a member of BIO, Sara is the secretary
    of INF whose seat ended. A student in each programme, with a contract."""
    year = make_year(2026)
    inf = ProgrammeFactory(code="BA-INF", name="Bachelor of Informatics")
    bio = ProgrammeFactory(code="BA-BIO", name="Bachelor of Biology")
    units = {"INF101": CourseUnitFactory(programme=inf, code="INF101"),
             "BIO101": CourseUnitFactory(programme=bio, code="BIO101")}
    an, bram = StudentFactory(number="2600001"), StudentFactory(number="2600002")
    c_inf = ContractFactory(student=an, programme=inf, academic_year=year, units=[units["INF101"]])
    c_bio = ContractFactory(student=bram, programme=bio, academic_year=year, units=[units["BIO101"]])
    committees = {p.code: ExamCommittee.objects.create(programme=p) for p in (inf, bio)}
    member = make_user("mia", Role.COMMITTEE_MEMBER, first_name="Mia", last_name="Member")
    secretary = make_user("sara", Role.COMMITTEE_SECRETARY, first_name="Sara", last_name="Secretary")
    CommitteeMember.objects.create(committee=committees["BA-INF"], user=committee_chair, role="chair",
                                   since=date(2025, 9, 1))
    CommitteeMember.objects.create(committee=committees["BA-BIO"], user=member, role="member",
                                   since=date(2025, 9, 1))
    CommitteeMember.objects.create(committee=committees["BA-INF"], user=secretary, role="secretary",
                                   since=date(2024, 9, 1), until=date(2026, 10, 1))
    return {"year": year, "inf": inf, "bio": bio, "an": an, "bram": bram, "c_inf": c_inf, "c_bio": c_bio,
            "member": member, "secretary": secretary, "admin": student_admin, "chair": committee_chair}


def items(world) -> list[Due]:
    """One item per programme (with its contract), an institution-wide notice, an institution-wide item naming a
    student, and items on the window's edges."""
    c_inf, c_bio = world["c_inf"], world["c_bio"]
    return [
        Due("EX-2", TODAY + timedelta(days=3), "INF101 not yet registered", "BA-INF",
            Ref("enrolment.studycontract", c_inf.pk, "2600001 BA-INF 2026-2027")),
        Due("EX-2", TODAY + timedelta(days=30), "BIO101 not yet registered (last day in view)", "BA-BIO",
            Ref("enrolment.studycontract", c_bio.pk, "2600002 BA-BIO 2026-2027")),
        Due("EX-2", TODAY, "Refund window closes", ""),
        Due("EX-2", TODAY + timedelta(days=8), "Student 2600002 reminded", "",
            Ref("students.student", world["bram"].pk, "2600002 Bram")),
        Due("EX-2", TODAY + timedelta(days=31), "Beyond the window", "BA-INF"),
        Due("EX-2", TODAY - timedelta(days=1), "Yesterday", "BA-INF"),
    ]


@pytest.fixture
def due(world, monkeypatch):
    monkeypatch.setattr(f"{HERE}.HOOK_ITEMS", items(world))
    return world


def groups(response) -> dict[str, list[str]]:
    return {g.programme: [row.due.what for row in g.rows] for g in response.context["upcoming"].groups}


# ------------------------------------------------------------------------------------------------ roles ----
@pytest.mark.parametrize("fixture", ["outsider", "lecturer", "academic_advisor", "ombudsperson",
                                     "appeals_secretary"])
def test_roles_that_may_not_open_the_pages_get_403(world, request, client_as, fixture):
    client = client_as(request.getfixturevalue(fixture))
    run = SweepRun.objects.create(name="ex2_fake", rule="EX-2", as_of=TODAY)
    assert client.get(URL).status_code == 403
    assert client.get(reverse("enrolment:deadline_run", args=[run.pk])).status_code == 403


def test_anonymous_is_sent_to_the_login_page(world, client):
    response = client.get(URL)
    assert response.status_code == 302 and response.url.startswith("/login/")


@pytest.mark.parametrize("who", ["admin", "chair", "member", "secretary"])
def test_administration_and_committee_roles_may_open_it(world, client_as, who):
    assert client_as(world[who]).get(URL).status_code == 200


def test_the_menu_offers_the_page_only_to_those_who_may_open_it(world, client_as, lecturer):
    assert URL in client_as(world["admin"]).get("/").content.decode()
    assert URL in client_as(world["chair"]).get("/").content.decode()
    assert URL not in client_as(lecturer).get("/").content.decode()


# --------------------------------------------------------------------------------------------- upcoming ----
def test_the_administration_sees_the_next_30_days_per_programme_institution_first(due, client_as):
    response = client_as(due["admin"]).get(URL)
    assert list(groups(response)) == ["", "BA-BIO", "BA-INF"]
    assert groups(response) == {
        "": ["Refund window closes", "Student 2600002 reminded"],
        "BA-BIO": ["BIO101 not yet registered (last day in view)"],
        "BA-INF": ["INF101 not yet registered"],
    }
    html = response.content.decode()
    assert "Whole institution" in html and "Bachelor of Biology" in html
    assert "Beyond the window" not in html and "Yesterday" not in html
    # Each record links to its page: a contract and a student to the student's file.
    assert f'href="{reverse("students:detail", args=["2600001"])}"' in html
    assert f'href="{reverse("students:detail", args=["2600002"])}"' in html


def test_a_committee_chair_sees_her_programme_and_the_institution_wide_notices(due, client_as):
    response = client_as(due["chair"]).get(URL)
    # BA-INF only; of the institution-wide items only the one that names no record.
    assert groups(response) == {"": ["Refund window closes"], "BA-INF": ["INF101 not yet registered"]}
    html = response.content.decode()
    # She may not open the student's file, but his results: the link goes there.
    assert f'href="{reverse("examinations:results_student", args=["2600001"])}"' in html
    assert f'href="{reverse("students:detail", args=["2600001"])}"' not in html
    assert [c[0] for c in response.context["form"].fields["programme"].choices] == ["", "-", "BA-INF"]


def test_a_committee_member_sees_her_programme_only(due, client_as):
    assert groups(client_as(due["member"]).get(URL)) == {
        "": ["Refund window closes"], "BA-BIO": ["BIO101 not yet registered (last day in view)"]}


def test_a_seat_that_ended_shows_nothing_of_that_programme(due, client_as):
    assert groups(client_as(due["secretary"]).get(URL)) == {"": ["Refund window closes"]}


def test_filter_by_programme(due, client_as):
    client = client_as(due["admin"])
    assert groups(client.get(URL, {"programme": "BA-INF"})) == {"BA-INF": ["INF101 not yet registered"]}
    assert list(groups(client.get(URL, {"programme": "-"}))) == [""]


def test_a_committee_member_cannot_filter_her_way_into_another_programme(due, client_as):
    response = client_as(due["chair"]).get(URL, {"programme": "BA-BIO"})
    assert response.status_code == 200 and response.context["form"].errors
    assert "BA-BIO" not in groups(response)


def test_filter_by_rule(due, client_as):
    client = client_as(due["admin"])
    assert sum(len(v) for v in groups(client.get(URL, {"rule": "EX-2"})).values()) == 4
    response = client.get(URL, {"rule": "LA-6/LA-7"})
    assert groups(response) == {}
    assert "Nothing of this selection falls due in these days." in response.content.decode()


def test_a_hook_that_raises_is_shown_and_the_rest_of_the_page_stands(due, client_as, registry):
    registry(fake_sweep("ap7_fake", "AP-7/AP-8", "hook_broken", "Appeal decision dates"),
             fake_sweep("ir1_fake", "IR-1", "hook_database_error", "Irregularity reports"))
    SweepRun.objects.create(name="ex2_fake", rule="EX-2", as_of=TODAY, status=SweepStatus.DONE, count=2)
    response = client_as(due["admin"]).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "What AP-7/AP-8 makes fall due could not be read (Appeal decision dates)." in html
    assert "RuntimeError: the appeals table is being rebuilt" in html
    assert "What IR-1 makes fall due could not be read (Irregularity reports)." in html
    assert "no_such_table_for_the_deadlines_page" in html
    # The other hooks, the flags and the log (read after the failed query) are there.
    assert "INF101 not yet registered" in html
    assert len(response.context["page_obj"].object_list) == 1


def test_a_hook_that_returns_something_else_than_due_items_is_a_failure(due, client_as, monkeypatch):
    monkeypatch.setattr(f"{HERE}.HOOK_ITEMS", [("EX-2", TODAY, "a tuple")])
    response = client_as(due["admin"]).get(URL)
    assert [f.sweep.name for f in response.context["upcoming"].failures] == ["ex2_fake"]
    assert "not Due" in response.content.decode()


def test_nothing_due(world, client_as):
    response = client_as(world["admin"]).get(URL)
    assert "Nothing falls due in these days." in response.content.decode()
    assert "No sweep has run yet." in response.content.decode()


def test_the_real_registry_renders(world, client_as, monkeypatch):
    """With the hooks as they are in the registry today (some still empty), the page renders."""
    monkeypatch.undo()  # the real SWEEPS again
    Clock(monkeypatch, TODAY)
    response = client_as(world["admin"]).get(URL)
    assert response.status_code == 200
    assert [f.error for f in response.context["upcoming"].failures] == []


# ------------------------------------------------------------------------------------------ runs, flags ----
def make_runs(n: int, rule="EX-2", name="ex2_fake") -> list[SweepRun]:
    return [SweepRun.objects.create(name=name, rule=rule, as_of=TODAY - timedelta(days=i), status=SweepStatus.DONE,
                                    count=i, affected=[{"model": "x.y", "pk": i, "label": ""}] * i,
                                    skipped=[{"model": "x.y", "pk": 1, "label": "", "reason": "r"}] * (i % 3))
            for i in range(n)]


def test_the_log_lists_the_runs_newest_first_paginated(world, client_as):
    runs = make_runs(30)
    client = client_as(world["admin"])
    page1 = client.get(URL).context["page_obj"]
    assert [r.pk for r in page1.object_list] == [r.pk for r in reversed(runs)][:25]
    page2 = client.get(URL, {"page": 2}).context["page_obj"]
    assert [r.pk for r in page2.object_list] == [r.pk for r in reversed(runs)][25:]
    row = next(r for r in page2.object_list if r.pk == runs[2].pk)
    assert (row.count, row.skipped_count, row.title) == (2, 2, "A for unregistered second opportunities")
    html = client.get(URL, {"page": 2}).content.decode()
    assert reverse("enrolment:deadline_run", args=[runs[2].pk]) in html
    assert "Runs: 30" in html


def test_the_log_follows_the_rule_filter(world, client_as):
    make_runs(2)
    other = make_runs(1, rule="LA-6/LA-7", name="la6_fake")
    page = client_as(world["admin"]).get(URL, {"rule": "LA-6/LA-7"}).context["page_obj"]
    assert [r.pk for r in page.object_list] == [other[0].pk]


def flag(world, rule, programme, days_ago, kind="overdue", ref=None) -> DeadlineFlag:
    ref = ref or Ref("enrolment.studycontract", world["c_inf"].pk, f"{rule} {kind} {days_ago}")
    return DeadlineFlag.objects.create(rule=rule, kind=kind, model=ref.model, pk_value=ref.pk, label=ref.label,
                                       due_on=TODAY - timedelta(days=days_ago), flagged_on=TODAY - timedelta(
                                           days=days_ago), programme=programme)


def test_flags_of_the_last_30_days_in_scope(world, client_as):
    flag(world, "LA-6", world["inf"], 1)
    flag(world, "LA-7", world["bio"], 2, ref=Ref("enrolment.studycontract", world["c_bio"].pk, "bio"))
    flag(world, "IR-1", None, 3, ref=Ref("students.student", world["an"].pk, "institution"))
    flag(world, "LA-6", world["inf"], 31, kind="nearing")
    labels = lambda r: [f.label for f, _ in r.context["flags"]]  # noqa: E731
    admin = client_as(world["admin"])
    assert labels(admin.get(URL)) == ["LA-6 overdue 1", "bio", "institution"]
    assert labels(admin.get(URL, {"rule": "LA-6/LA-7"})) == ["LA-6 overdue 1", "bio"]
    assert labels(admin.get(URL, {"programme": "-"})) == ["institution"]
    assert labels(client_as(world["chair"]).get(URL)) == ["LA-6 overdue 1"]
    assert labels(client_as(world["member"]).get(URL)) == ["bio"]


# -------------------------------------------------------------------------------------------- queries ----
def fill(world, monkeypatch, n: int, tag: str):
    """n runs, n flags and 3n due items, alternating between the two programmes."""
    make_runs(n)
    for i in range(n):
        flag(world, f"R-{tag}{i}", world["inf"] if i % 2 else world["bio"], i % 20)
    extra = [Due("EX-2", TODAY + timedelta(days=i % 30), f"item {i}", "BA-INF" if i % 2 else "BA-BIO",
                  Ref("enrolment.studycontract", world["c_inf" if i % 2 else "c_bio"].pk, f"c {i}"))
             for i in range(2 * n)]
    extra += [Due("EX-2", TODAY, f"student {i}", "", Ref("students.student", world["an"].pk, "s")) for i in range(n)]
    monkeypatch.setattr(f"{HERE}.HOOK_ITEMS", extra)


@pytest.mark.parametrize("who", ["admin", "chair"])
def test_the_page_reads_in_a_fixed_number_of_queries(world, client_as, monkeypatch, who,
                                                      django_assert_max_num_queries):
    client = client_as(world[who])
    client.get(URL)  # warm the session, the content types, the URL resolver
    fill(world, monkeypatch, 2, "a")
    with CaptureQueriesContext(connection) as small:
        assert client.get(URL).status_code == 200
    fill(world, monkeypatch, 40, "b")
    with django_assert_max_num_queries(len(small)):
        response = client.get(URL)
    assert response.status_code == 200
    assert len(response.context["flags"]) >= 20
    assert len(small) <= 15  # session, user, roles, (seats), programmes, runs (2), flags, hooks' savepoints, links
