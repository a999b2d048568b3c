"""The examination journey in a real browser: the lecturer enters grades in his unit's grid, the secretary plans
the meeting and opens the proposal, the committee meets with its quorum, one decision deviates in the student's
favour with its reasons, the report is signed by the secretary and the chair, the student administration
proclaims, and the signed report PDF downloads."""

from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect
from pypdf import PdfReader

from config.access import Role
from examinations.models import (
    CommitteeMember,
    CourseUnitLecturer,
    Decision,
    ExamCommittee,
    ExamPeriod,
    MeetingStatus,
    Proclamation,
    StudyProgressDecision,
)
from examinations.services.results import record_result
from tests.enrolment.factories import ContractFactory, CourseUnitFactory, ProgrammeFactory, StudentFactory, make_year

pytestmark = pytest.mark.browser
SCREENSHOT = "/tmp/eel-deliberation.png"
REASON = "Hospitalised during the June exams; the programme's objectives are reached (UH 16.8.1)."


@pytest.fixture
def world(transactional_db, make_user, student_admin):
    year = make_year(2026)
    programme = ProgrammeFactory(code="BA-WEB", name="Bachelor of Web Science", kind="bachelor", credits=180)
    web1 = CourseUnitFactory(programme=programme, code="WEB101", name="Web programming", credits=6,
                             period_code="S2", package=1)
    web2 = CourseUnitFactory(programme=programme, code="WEB102", name="Web design", credits=6, period_code="S2",
                             package=1)
    lecturer = make_user("web_lecturer", Role.LECTURER, first_name="Lucas", last_name="Leemans")
    other = make_user("web_lecturer2", Role.LECTURER, first_name="Lotte", last_name="Lambrechts")
    CourseUnitLecturer.objects.create(course_unit=web1, user=lecturer, coordinating=True)
    CourseUnitLecturer.objects.create(course_unit=web2, user=other, coordinating=True)
    june = ExamPeriod.objects.get(academic_year=year, code="JUN")
    an = StudentFactory(number="2600101", first_name="An", last_name="Peeters")
    bram = StudentFactory(number="2600102", first_name="Bram", last_name="Janssens")
    for student, grade in ((an, 14), (bram, 12)):
        contract = ContractFactory(student=student, programme=programme, academic_year=year, units=[web1, web2])
        # WEB102's results come from its own lecturer (the grid is his to fill in; here through the service).
        record_result(contract.lines.get(course_unit=web2), june, "numeric", grade, other)
    people = {
        "chair": make_user("web_chair", Role.COMMITTEE_CHAIR, first_name="Charlotte", last_name="Claes"),
        "vice": make_user("web_vice", Role.COMMITTEE_MEMBER, first_name="Victor", last_name="Vos"),
        "secretary": make_user("web_secretary", Role.COMMITTEE_SECRETARY, first_name="Sofie", last_name="Segers"),
        "member1": make_user("web_member1", Role.COMMITTEE_MEMBER, first_name="Milan", last_name="Maes"),
        "member2": make_user("web_member2", Role.COMMITTEE_MEMBER, first_name="Nora", last_name="Nys"),
        "ombuds": make_user("web_ombuds", Role.OMBUDSPERSON, first_name="Olivia", last_name="Op de Beeck"),
    }
    committee = ExamCommittee.objects.create(programme=programme)
    for key, role in (("chair", "chair"), ("vice", "vice_chair"), ("secretary", "secretary"), ("member1", "member"),
                      ("member2", "member"), ("ombuds", "ombudsperson")):
        CommitteeMember.objects.create(committee=committee, user=people[key], role=role, since=date(2026, 9, 1))
    return {"year": year, "june": june, "lecturer": lecturer, "people": people, "committee": committee,
            "an": an, "bram": bram, "admin": student_admin}


def test_grades_to_proclamation_and_signed_report(browser, live_server, login, world, tmp_path):
    def signed_in(user):
        context = browser.new_context(locale="en-GB", timezone_id="Europe/Brussels", accept_downloads=True)
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.set_viewport_size({"width": 1280, "height": 900})
        return login(page, live_server, user)

    people = world["people"]

    # 1. The lecturer enters the June grades of his unit.
    lecturer = signed_in(world["lecturer"])
    lecturer.goto(live_server.url + reverse("examinations:results_grid", args=["WEB101", "2026-2027", "JUN"]))
    lecturer.get_by_label("Result of 2600101").fill("15")
    lecturer.get_by_label("Result of 2600102").fill("6")
    lecturer.get_by_role("button", name="Save results").click()
    expect(lecturer.locator(".alert-success")).to_contain_text("Results saved: 2 recorded")
    lecturer.context.close()

    # 2. The secretary plans the meeting, keeps the attendance and opens it with its quorum.
    secretary = signed_in(people["secretary"])
    secretary.goto(live_server.url + reverse("examinations:committee_list"))
    secretary.get_by_role("link", name="BA-WEB").click()
    expect(secretary.get_by_test_id("ec1")).to_contain_text("The composition meets EC-1")
    secretary.get_by_role("link", name="Plan a meeting").click()
    secretary.select_option("select[name=exam_period]", label="2026-2027 JUN")
    secretary.fill("input[name=held_on]", "2027-07-06")
    secretary.get_by_role("button", name="Plan").click()
    expect(secretary.locator(".alert-success")).to_contain_text("The meeting of 2027-07-06 is planned")
    for username in ("web_chair", "web_secretary"):
        secretary.locator(f"input[data-member={username}]").check()
    secretary.get_by_role("button", name="Save attendance").click()
    expect(secretary.get_by_test_id("quorum")).to_contain_text("2 of 5 voting members present; at least 3 needed")
    secretary.get_by_role("button", name="Open the meeting").click()
    expect(secretary.locator(".alert-danger").first).to_contain_text("The meeting cannot open.")
    expect(secretary.locator(".alert-danger").nth(1)).to_contain_text("No quorum")
    secretary.locator("input[data-member=web_member1]").check()
    secretary.get_by_role("button", name="Save attendance").click()
    expect(secretary.get_by_test_id("quorum")).to_contain_text("3 of 5 voting members present")
    secretary.get_by_role("button", name="Open the meeting").click()
    expect(secretary.locator(".alert-success")).to_contain_text(
        "The meeting is in session, presided by Charlotte Claes")

    # 3. The proposal, with why: An passes, Bram's 6 cannot be tolerated.
    table = secretary.get_by_test_id("deliberation")
    an_row = table.locator("tr[data-student='2600101']")
    bram_row = table.locator("tr[data-student='2600102']")
    expect(an_row).to_contain_text("package 1 passed")
    expect(bram_row).to_contain_text("package 1 not passed")
    expect(bram_row).to_contain_text("WEB101: only fails of 8 or 9 can be tolerated")
    expect(bram_row).to_contain_text("no decision: the proposal stands")

    # 4. One decision deviates in Bram's favour, with its reasons and a vote.
    secretary.get_by_role("link", name="Decide 2600102").click()
    expect(secretary.get_by_test_id("proposal")).to_contain_text("WEB101")
    secretary.get_by_label("Deviate in the student's favour").check()
    secretary.get_by_label("package 1").check()
    secretary.get_by_role("button", name="Record the decision").click()
    expect(secretary.locator(".invalid-feedback, .alert-block, .alert-danger").first).to_contain_text(
        "needs its reasons")
    secretary.fill("textarea[name=reason]", REASON)
    secretary.get_by_label("A member or the ombudsperson asked for a vote").check()
    secretary.fill("input[name=votes_for]", "2")
    secretary.fill("input[name=votes_against]", "1")
    secretary.get_by_role("button", name="Record the decision").click()
    expect(secretary.locator(".alert-success")).to_contain_text("The decision for 2600102 is recorded")
    bram_row = secretary.get_by_test_id("deliberation").locator("tr[data-student='2600102']")
    expect(bram_row).to_contain_text("deviates")
    expect(bram_row).to_contain_text(REASON)
    secretary.screenshot(path=SCREENSHOT, full_page=True)

    # 5. Close, then the secretary and the chair sign.
    secretary.get_by_role("link", name="Meeting", exact=True).click()
    secretary.get_by_role("button", name="Close the meeting").click()
    secretary.get_by_role("button", name="Sign the report").click()
    expect(secretary.get_by_test_id("signatures")).to_contain_text("Sofie Segers (Secretary)")
    expect(secretary.get_by_test_id("signatures")).to_contain_text("awaiting Charlotte Claes (chair)")
    meeting_url = secretary.url
    secretary.context.close()

    chair = signed_in(people["chair"])
    chair.goto(meeting_url)
    chair.get_by_role("button", name="Sign the report").click()
    expect(chair.get_by_test_id("status")).to_have_text("Signed")
    chair.context.close()

    # 6. The student administration proclaims; the windows are shown; the signed report downloads.
    admin = signed_in(world["admin"])
    admin.goto(meeting_url)
    admin.fill("input[name=published_on]", "2027-07-09")
    admin.get_by_role("button", name="Proclaim the results").click()
    expect(admin.locator(".alert-success")).to_contain_text("The results are proclaimed on 2027-07-09")
    expect(admin.get_by_test_id("inspection-window")).to_contain_text("2027-07-10 to 2027-07-16")
    expect(admin.get_by_test_id("appeal-window")).to_contain_text("2027-07-10 to 2027-07-16")
    with admin.expect_download() as download_info:
        admin.get_by_test_id("report-pdf").click()
    download = download_info.value
    assert download.suggested_filename == "report-BA-WEB-committee-2027-07-06.pdf"
    path = Path(tmp_path) / download.suggested_filename
    download.save_as(path)
    text = "\n".join(p.extract_text() for p in PdfReader(BytesIO(path.read_bytes())).pages)
    admin.context.close()

    assert "Report of the examination committee" in text and "DRAFT" not in text
    assert "Deviates" in text and "Hospitalised during the June exams" in text
    assert "2 for, 1 against, 0 abstaining" in text
    assert "Presided by Charlotte Claes" in text
    assert "Charlotte Claes" in text and "Sofie Segers" in text and "Signatures" in text
    assert "Proclaimed on 2027-07-09" in text

    meeting = world["committee"].meetings.get()
    assert meeting.status == MeetingStatus.SIGNED
    assert Decision.objects.get(student=world["bram"]).passed_packages == [1]
    assert Proclamation.objects.get().meeting == meeting
    bram = StudyProgressDecision.objects.get(student=world["bram"])
    assert bram.deviates and bram.reason == REASON and bram.packages[0]["passed"]
