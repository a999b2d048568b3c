"""AP-2 sweep (UH 19.3.2): each proclamation's and each notified disciplinary decision's appeal window is recorded
closed once, after its last day; appeals lodged after their last day are marked late once (by the intake, or by
the sweep for those that came in otherwise)."""

from datetime import date

import pytest

from appeals.models import Appeal, AppealTransition
from appeals.services import intake as intake_services
from appeals.services.sweeps import close_appeal_windows, upcoming_appeal_windows
from enrolment.models import DeadlineFlag
from examinations.models import Irregularity, Proclamation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def closed_flags():
    return sorted((f.model, f.pk_value, f.due_on, f.flagged_on) for f in DeadlineFlag.objects.filter(
        rule="AP-2", kind="closed"))


@pytest.fixture
def irregularity(uni, people):
    """A disciplinary decision on Bram, letter sent on Monday 12 July 2027: last day Monday 19 July."""
    return Irregularity.objects.create(
        student=uni["bram"], course_unit=uni["units"][1], exam_period=uni["june"], committee=uni["committee"],
        discovered_on=date(2027, 6, 10), reported_on=date(2027, 6, 11), reported_by_name="Ingrid Invigilator",
        description="Notes under the paper", status="notified", irregularity_found=True,
        decided_on=date(2027, 7, 8), decision_reasons="Cheating", letter_sent_on=date(2027, 7, 12))


def test_ap2_the_window_closes_the_day_after_its_last_day_once(uni):
    proclamation = Proclamation.objects.get()
    assert close_appeal_windows(date(2027, 7, 16)).count == 0  # proclaimed Friday 9 July: the last day is 16 July
    result = close_appeal_windows(date(2027, 7, 17))
    assert result.count == 1 and result.affected[0].model == "examinations.proclamation"
    assert "BA-INF 2026-2027 JUN" in result.affected[0].label
    assert closed_flags() == [("examinations.proclamation", proclamation.pk, date(2027, 7, 16), date(2027, 7, 17))]
    assert close_appeal_windows(date(2027, 7, 17)).count == 0
    assert close_appeal_windows(date(2027, 7, 18)).count == 0
    assert DeadlineFlag.objects.get().programme == uni["ba_inf"]


def test_ap2_a_disciplinary_decisions_window_runs_from_its_letter(uni, irregularity):
    close_appeal_windows(date(2027, 7, 17))
    assert close_appeal_windows(date(2027, 7, 19)).count == 0  # Monday 19 July is the last day
    result = close_appeal_windows(date(2027, 7, 20))
    assert [(r.model, r.pk) for r in result.affected] == [("examinations.irregularity", irregularity.pk)]


def test_ap2_a_sweep_that_did_not_run_for_months_catches_up_on_every_window(uni, irregularity):
    result = close_appeal_windows(date(2027, 12, 1))
    assert {r.model for r in result.affected} == {"examinations.proclamation", "examinations.irregularity"}
    assert [f[3] for f in closed_flags()] == [date(2027, 12, 1)] * 2
    assert close_appeal_windows(date(2027, 12, 2)).count == 0


def test_ap2_the_intake_marks_a_late_appeal_and_the_sweep_does_not_mark_it_again(uni, people, clock):
    late, _ = intake_services.register_appeal(
        student=uni["bram"], decision_kind="", contested_decision=uni["decisions"]["2600002"],
        postmarked_on=date(2027, 7, 17), received_on=date(2027, 7, 19), by=people["secretary"])
    flag = DeadlineFlag.objects.get(rule="AP-2", kind="late")
    assert (flag.model, flag.pk_value, flag.due_on) == ("appeals.appeal", late.pk, date(2027, 7, 16))
    result = close_appeal_windows(date(2027, 7, 20))
    assert [r.model for r in result.affected] == ["examinations.proclamation"]
    assert DeadlineFlag.objects.filter(kind="late").count() == 1
    assert AppealTransition.objects.filter(appeal=late).count() == 1  # the intake's own note says it


def test_ap2_the_sweep_marks_a_late_appeal_that_came_in_without_the_intake(uni, appeal):
    imported = Appeal.objects.create(
        reference="APP-2027-0100", student=uni["bram"], decision_kind="exam_decision",
        decision_notified_on=date(2027, 7, 9), postmarked_on=date(2027, 7, 19), received_on=date(2027, 7, 20),
        lodge_by=date(2027, 7, 16), decide_by=date(2027, 8, 9))
    assert close_appeal_windows(date(2027, 7, 19)).count == 1  # not received yet on the 19th: the window only
    result = close_appeal_windows(date(2027, 7, 20))
    assert [r.label for r in result.affected] == [
        "APP-2027-0100: late (postmarked 2027-07-19, last day 2027-07-16)"]
    assert DeadlineFlag.objects.get(kind="late").pk_value == imported.pk  # An's appeal was in time
    note = AppealTransition.objects.get(appeal=imported)
    assert (note.from_status, note.to_status) == ("received", "received") and "late" in note.note
    assert close_appeal_windows(date(2027, 7, 20)).count == 0
    assert close_appeal_windows(date(2027, 8, 1)).count == 0
    assert AppealTransition.objects.filter(appeal=imported).count() == 1


def test_ap2_a_repeat_run_reads_little(uni, irregularity, django_assert_max_num_queries):
    close_appeal_windows(date(2027, 12, 1))
    with django_assert_max_num_queries(6):  # savepoint, lock, proclamations, irregularities, appeals, release
        assert close_appeal_windows(date(2027, 12, 2)).count == 0


def test_ap2_upcoming_lists_the_last_days_in_the_period(uni, irregularity):
    due = upcoming_appeal_windows(date(2027, 7, 10), date(2027, 7, 18))
    assert [(d.rule, d.due_on, d.programme, d.ref.model) for d in due] == [
        ("AP-2", date(2027, 7, 16), "BA-INF", "examinations.proclamation")]
    assert "last day to lodge an internal appeal" in due[0].what
    due = upcoming_appeal_windows(date(2027, 7, 17), date(2027, 8, 16))
    assert [(d.due_on, d.ref.model) for d in due] == [(date(2027, 7, 19), "examinations.irregularity")]
    assert upcoming_appeal_windows(date(2027, 7, 20), date(2027, 8, 19)) == []
