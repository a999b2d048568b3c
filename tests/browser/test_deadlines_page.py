"""The Deadlines page in a real browser: the student administration opens it from the menu, reads what falls due
per programme, sees that one list could not be read, narrows to a programme, opens the EX-2 sweep's run and
follows a record to the student's results; a committee chair sees her programme only."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from config import sweeps
from config.access import Role
from config.sweeps import Due, Ref
from enrolment.sweeps import run_sweep
from examinations.models import CommitteeMember, ExamCommittee, ExamPeriod, Outcome
from examinations.services.results import record_result
from tests.clock import Clock
from tests.enrolment import test_deadlines_page as fakes
from tests.enrolment.factories import ContractFactory, CourseUnitFactory, ProgrammeFactory, StudentFactory, make_year

pytestmark = pytest.mark.browser
TODAY = date(2026, 11, 23)
EX2 = "ex2_second_opportunity_absent"


@pytest.fixture
def world(transactional_db, monkeypatch, make_user, student_admin):
    Clock(monkeypatch, TODAY)
    year = make_year(2026)
    inf = ProgrammeFactory(code="BA-INF", name="Bachelor of Informatics")
    bio = ProgrammeFactory(code="BA-BIO", name="Bachelor of Biology")
    inf101 = CourseUnitFactory(programme=inf, code="INF101", name="Programming")
    bio101 = CourseUnitFactory(programme=bio, code="BIO101", name="Cell biology")
    an = StudentFactory(number="2600201", first_name="An", last_name="Peeters")
    bram = StudentFactory(number="2600202", first_name="Bram", last_name="Janssens")
    c_inf = ContractFactory(student=an, programme=inf, academic_year=year, units=[inf101])
    c_bio = ContractFactory(student=bram, programme=bio, academic_year=year, units=[bio101])
    jan = ExamPeriod.objects.get(academic_year=year, code="JAN")
    record_result(c_inf.lines.get(), jan, Outcome.NUMERIC, 6, student_admin)
    record_result(c_bio.lines.get(), jan, Outcome.NUMERIC, 8, student_admin)
    chair = make_user("inf_chair", Role.COMMITTEE_CHAIR, first_name="Charlotte", last_name="Claes")
    CommitteeMember.objects.create(committee=ExamCommittee.objects.create(programme=inf), user=chair, role="chair",
                                   since=date(2025, 9, 1))
    ExamCommittee.objects.create(programme=bio)

    # The registry: the real EX-2 sweep, a fake whose hook lists two items, one whose hook fails.
    monkeypatch.setattr(sweeps, "SWEEPS", (
        sweeps.get(EX2),
        fakes.fake_sweep("fake_items", "EX-3", "hook_items", "Retake requests"),
        fakes.fake_sweep("fake_broken", "AP-7/AP-8", "hook_broken", "Appeal decision dates"),
    ))
    monkeypatch.setattr(fakes, "HOOK_ITEMS", [
        Due("EX-3", TODAY + timedelta(days=4), "Retake request of 2600201 closes", "BA-INF",
            Ref("enrolment.studycontract", c_inf.pk, "2600201 BA-INF 2026-2027")),
        Due("EX-3", TODAY + timedelta(days=9), "Retake request of 2600202 closes", "BA-BIO",
            Ref("enrolment.studycontract", c_bio.pk, "2600202 BA-BIO 2026-2027")),
    ])
    run = run_sweep(EX2, date(2027, 8, 9))  # both failed units get A for the second opportunity
    assert run.count == 2
    return {"admin": student_admin, "chair": chair, "run": run}


def test_deadlines_page_journey(page, live_server, login, world):
    login(page, live_server, world["admin"])
    page.get_by_role("link", name="Deadlines", exact=True).click()
    expect(page.get_by_role("heading", name="Deadlines", exact=True)).to_be_visible()

    upcoming = page.get_by_test_id("upcoming")
    expect(upcoming.get_by_test_id("due-group-BA-BIO")).to_contain_text("Retake request of 2600202 closes")
    expect(upcoming.get_by_test_id("due-group-BA-INF")).to_contain_text("Retake request of 2600201 closes")
    expect(page.get_by_test_id("hook-failure-fake_broken")).to_contain_text(
        "What AP-7/AP-8 makes fall due could not be read (Appeal decision dates).")

    # Narrow to one programme.
    page.get_by_label("Programme").select_option("BA-INF")
    page.get_by_role("button", name="Show").click()
    expect(upcoming.get_by_test_id("due-group-BA-INF")).to_be_visible()
    expect(upcoming.get_by_test_id("due-group-BA-BIO")).to_have_count(0)

    # The log: the EX-2 run, two records changed; its page lists them, linked to the results.
    runs = page.get_by_test_id("runs")
    row = runs.get_by_test_id(f"run-{world['run'].pk}")
    expect(row).to_contain_text("EX-2")
    expect(row).to_contain_text("2027-08-09")
    row.get_by_role("link").click()
    affected = page.get_by_test_id("affected")
    expect(affected.get_by_test_id("affected-row")).to_have_count(2)
    affected.get_by_role("link", name="2600201 INF101 2026-2027: A (opportunity 2)").click()
    page.wait_for_url(f"**{reverse('examinations:results_student', args=['2600201'])}")


def test_a_committee_chair_sees_her_programme_only(page, live_server, login, world):
    login(page, live_server, world["chair"])
    page.get_by_role("link", name="Deadlines", exact=True).click()
    upcoming = page.get_by_test_id("upcoming")
    expect(upcoming.get_by_test_id("due-group-BA-INF")).to_contain_text("Retake request of 2600201 closes")
    expect(upcoming.get_by_test_id("due-group-BA-BIO")).to_have_count(0)
    page.get_by_test_id("runs").get_by_test_id(f"run-{world['run'].pk}").get_by_role("link").click()
    expect(page.get_by_test_id("affected").get_by_test_id("affected-row")).to_have_count(1)
    expect(page.get_by_test_id("affected-hidden")).to_contain_text("Records outside your programmes, not listed: 1")
    expect(page.get_by_text("2600202")).to_have_count(0)
