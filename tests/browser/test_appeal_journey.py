"""The appeal journey in a real browser: the appeals secretary registers An's registered letter against her June
decision, the checklist finds it admissible, a hearing is planned (the invitation e-mailed at once) and held with
its quorum, the committee votes a new result for INF100 (the chair and a member, each from their own session, the
chair closing the count), and the decision letter PDF downloads with the outcome and the route to the Council.

"Now" is fixed (``NowClock``: the intake refuses dates after today, the hearing is recorded once it started); it
moves a day for the hearing, so everyone signs in again (a session lasts 8 hours).
"""

from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect
from pypdf import PdfReader

from appeals.models import Appeal, AppealDecision, AppealStatus
from appeals.services import committee as committee_services
from config.access import Role
from enrolment.outbox import deliver_due
from examinations.models import ExamPeriod, Result, StudyProgressDecision
from tests.appeals.committee.conftest import NOW, NowClock, at, proclaim_decisions
from tests.enrolment.factories import ContractFactory, CourseUnitFactory, ProgrammeFactory, StudentFactory, make_year

pytestmark = pytest.mark.browser
SCREENSHOT = "/tmp/eel-appeal.png"
REASONS = "The second question was marked against the published key; marked by the key, the exam gives 11."


@pytest.fixture
def world(transactional_db, make_user, monkeypatch):
    clock = NowClock(monkeypatch, NOW)
    year = make_year(2026)
    june = ExamPeriod.objects.get(academic_year=year, code="JUN")
    programme = ProgrammeFactory(code="BA-INF", name="Bachelor of Informatics", kind="bachelor", credits=180)
    units = [CourseUnitFactory(programme=programme, code=f"INF1{i:02d}", name=f"Unit {i}", credits=6,
                               period_code="S2", package=1) for i in range(10)]
    an = StudentFactory(number="2600001", first_name="An", last_name="Peeters", email="an.peeters@example.org")
    contract = ContractFactory(student=an, programme=programme, academic_year=year, units=units)
    from tests.enrolment.factories import record_result

    for line, grade in zip(contract.lines.order_by("course_unit__code"), [7] + [12] * 9, strict=True):
        record_result(line, grade, proclaimed=False)
    decision = proclaim_decisions(programme, june, date(2027, 7, 9))["2600001"]
    people = {
        "secretary": make_user("appeals_secretary", Role.APPEALS_SECRETARY, first_name="Sam", last_name="Segers"),
        "chair": make_user("appeals_chair", Role.APPEALS_CHAIR, first_name="Anna", last_name="Alen"),
        "member1": make_user("member1", Role.APPEALS_MEMBER, first_name="Mo", last_name="Maes"),
        "member2": make_user("member2", Role.APPEALS_MEMBER, first_name="Nora", last_name="Nys"),
    }
    term = date(2026, 10, 1)
    committee_services.add_pool_member(user=people["chair"], role="chair", since=term, born_on=date(1955, 3, 1),
                                       external=True)
    committee_services.add_pool_member(user=people["secretary"], role="secretary", since=term)
    committee_services.add_pool_member(user=people["member1"], role="member", since=term, born_on=date(1965, 1, 1))
    committee_services.add_pool_member(user=people["member2"], role="member", since=term, born_on=date(1970, 1, 1))
    return {"clock": clock, "an": an, "decision": decision, "people": people}


def test_letter_to_decision_letter(browser, live_server, login, world, tmp_path):
    people, clock = world["people"], world["clock"]

    def signed_in(user):
        context = browser.new_context(locale="en-GB", timezone_id="Europe/Brussels", accept_downloads=True)
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.set_viewport_size({"width": 1280, "height": 900})
        return login(page, live_server, user)

    # 1. The secretary registers the registered letter.
    secretary = signed_in(people["secretary"])
    secretary.goto(live_server.url + reverse("appeals:appeal_intake"))
    secretary.fill("input[name=student]", "2600001")
    secretary.get_by_role("button", name="Continue").click()
    expect(secretary.get_by_test_id("student")).to_contain_text("An Peeters")
    secretary.fill("input[name=postmarked_on]", "2027-07-13")
    secretary.fill("input[name=received_on]", "2027-07-14")
    secretary.get_by_role("button", name="Check the dates").click()
    expect(secretary.get_by_test_id("lodge-by")).to_contain_text("2027-07-16")
    expect(secretary.get_by_test_id("in-time")).to_have_text("in time")
    expect(secretary.get_by_test_id("decide-by")).to_contain_text("2027-08-03")
    secretary.get_by_test_id("confirm").click()
    expect(secretary.locator(".alert-success")).to_contain_text("The appeal is registered as APP-2027-0001")
    appeal = Appeal.objects.get()

    # 2. The checklist finds it admissible.
    secretary.get_by_test_id("action-admissibility").click()
    for point in ("name", "address", "signature", "decision_identified", "arguments"):
        secretary.check(f"input[name={point}_ok][value=yes]")
    secretary.select_option("select[name=signed_by]", "student")
    secretary.get_by_test_id("save-checklist").click()
    expect(secretary.locator(".alert-success")).to_contain_text("Admissible")
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.ADMISSIBLE

    # 3. The committee's file: who sits; a hearing planned, the invitation e-mailed now (2027-07-20 09:00).
    committee_url = live_server.url + reverse("appeals:committee_appeal", args=[appeal.pk])
    secretary.goto(committee_url)
    expect(secretary.get_by_test_id("sitting")).to_contain_text("Anna Alen")
    secretary.get_by_test_id("plan-hearing").click()
    secretary.fill("input[name=starts_at]", "2027-07-20T20:00")
    secretary.fill("input[name=place]", "Room C.101")
    secretary.get_by_test_id("submit").click()
    expect(secretary.locator(".alert-danger, .invalid-feedback").first).to_contain_text(
        "it should have been sent by 2027-07-19 20:00")
    secretary.fill("input[name=starts_at]", "2027-07-21T10:00")
    secretary.get_by_test_id("submit").click()
    expect(secretary.locator(".alert-success")).to_contain_text("the invitation was e-mailed to an.peeters@example.org")
    deliver_due()  # the invitation waits in the outbox until its task (or the beat's deliver_due) sends it
    assert [m.to for m in mail.outbox] == [["an.peeters@example.org"]]
    expect(secretary.get_by_test_id("status")).to_contain_text("hearing planned")
    secretary.context.close()

    # 4. The next day, after the hearing: the secretary records it; the quorum holds.
    clock.set(at(21, 11, 30))
    secretary = signed_in(people["secretary"])
    secretary.goto(committee_url)
    secretary.get_by_test_id("record-hearing").click()
    secretary.get_by_label("The student appeared").check()
    secretary.fill("textarea[name=minutes]", "The student explained how INF100 was graded against the key.")
    secretary.get_by_test_id("submit").click()
    expect(secretary.locator(".alert-success")).to_contain_text("the committee may vote")
    expect(secretary.locator("[data-testid^=hearing-]")).to_contain_text("quorum")

    # 5. The secretary puts a new decision to the vote: INF100 becomes 11.
    secretary.get_by_test_id("put-motion").click()
    secretary.get_by_label("Upheld: a new study-progress decision").check()
    secretary.fill("textarea[name=reasons]", REASONS)
    secretary.get_by_label("INF100 Unit 0 · JUN (7)").fill("11")
    secretary.get_by_test_id("submit").click()
    expect(secretary.get_by_test_id("open-motion")).to_contain_text("INF100 (JUN) 7 → 11")
    secretary.context.close()

    # 6. The members vote, each from her own session; the chair votes and closes the count.
    member = signed_in(people["member1"])
    member.goto(committee_url)
    member.get_by_test_id("vote-for").click()
    expect(member.locator(".alert-success")).to_contain_text("The vote is recorded")
    member.context.close()
    chair = signed_in(people["chair"])
    chair.goto(committee_url)
    chair.get_by_test_id("vote-for").click()
    expect(chair.get_by_test_id("count")).to_contain_text("2 for, 0 against, 0 abstaining: carried")
    chair.get_by_test_id("close-vote-button").click()
    expect(chair.locator(".alert-success")).to_contain_text("The motion is carried")
    expect(chair.get_by_test_id("decision")).to_contain_text("Upheld: a new study-progress decision")
    expect(chair.get_by_test_id("superseded")).to_contain_text("superseded")
    chair.screenshot(path=SCREENSHOT, full_page=True)

    # 7. The decision letter PDF downloads.
    with chair.expect_download() as download_info:
        chair.get_by_test_id("letter-pdf").click()
    download = download_info.value
    assert download.suggested_filename == "appeal-APP-2027-0001-decision.pdf"
    path = Path(tmp_path) / download.suggested_filename
    download.save_as(path)
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(BytesIO(path.read_bytes())).pages)
    chair.context.close()

    assert "Decision of the internal appeals committee" in text and "APP-2027-0001" in text
    assert "Upheld: a new study-progress decision" in text and "INF100" in text and REASONS in text
    assert "2 for, 0 against, 0 abstaining" in text and "Council for Disputes" in text

    decision = AppealDecision.objects.get(appeal=appeal)
    assert decision.outcome == "new_decision" and decision.decided_on == date(2027, 7, 21)
    result = Result.objects.get(student=world["an"], course_unit__code="INF100", is_current=True)
    assert (result.grade, result.procedure, result.version) == (11, "appeal", 2)
    current = StudyProgressDecision.objects.get(student=world["an"], is_current=True)
    assert current.procedure == "appeal" and current.supersedes == world["decision"]
    assert current.packages[0]["passed"] is True
