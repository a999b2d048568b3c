"""The irregularity procedure's services against PostgreSQL: transitions written with the status, idempotent
double submits, refusals that write nothing, sanctions as new result versions through record_result."""

from datetime import date

import pytest

from examinations.models import (
    CommitteeMember,
    ExamCommittee,
    Hearing,
    Irregularity,
    IrregularityStatus,
    IrregularityTransition,
    Result,
    ResultProcedure,
    Sanction,
)
from examinations.queries_irregularities import capacities_on
from examinations.rules import irregularity as rules
from examinations.services import irregularity as services
from examinations.services.irregularity import IrregularityRefused
from tests.enrolment.factories import table_counts

from .conftest import advance, report

pytestmark = pytest.mark.django_db
S = IrregularityStatus


def statuses(irr):
    return list(irr.transitions.values_list("from_status", "to_status"))


# ---------------------------------------------------------------- IR-1: the report


def test_ir1_a_report_opens_the_file_with_its_first_transition_naming_the_chair(uni, people):
    irr = report(uni, people["admin"])
    assert irr.status == S.REPORTED and irr.committee == uni["committees"]["BA-INF"]
    assert not irr.reported_late
    (t,) = irr.transitions.all()
    assert (t.from_status, t.to_status, t.by) == ("", S.REPORTED, people["admin"])
    assert "Ines Invigilator" in t.note and "Koen Chair" in t.note


def test_ir1_a_late_report_is_flagged_not_refused(uni, people):
    # discovered Thursday 28 January 2027: the fifth working day is Thursday 4 February
    in_time = report(uni, people["admin"], reported_on=date(2027, 2, 4))
    late = report(uni, people["admin"], unit="INF102", reported_on=date(2027, 2, 5))
    assert not in_time.reported_late
    assert late.reported_late and late.status == S.REPORTED
    assert "after the limit of 2027-02-04" in late.transitions.get().note


def test_ir1_the_same_report_twice_is_the_same_file(uni, people):
    first, created = services.report_irregularity(
        line=uni["lines"]["INF101"], exam_period=uni["periods"]["JAN"], discovered_on=date(2027, 1, 28),
        reported_on=date(2027, 2, 1), reported_by_name="Ines Invigilator", description="Notes.", by=people["admin"])
    again, created_again = services.report_irregularity(
        line=uni["lines"]["INF101"], exam_period=uni["periods"]["JAN"], discovered_on=date(2027, 1, 28),
        reported_on=date(2027, 2, 1), reported_by_name="Ines Invigilator", description="Notes.", by=people["chair"])
    assert (created, created_again) == (True, False) and again.pk == first.pk
    assert Irregularity.objects.count() == 1 and IrregularityTransition.objects.count() == 1


def test_ir1_another_report_of_the_same_exam_is_refused_with_the_file_number(uni, people):
    irr = report(uni, people["admin"])
    with pytest.raises(IrregularityRefused, match=f"already an irregularity file .* number {irr.pk}"):
        report(uni, people["admin"], description="Something else.")


@pytest.mark.parametrize("unit,period,message", [
    ("INF101", "JUN", "examined in JAN, not in JUN"),
])
def test_ir1_the_exam_must_be_one_of_the_units_exams(uni, people, unit, period, message):
    with pytest.raises(IrregularityRefused, match=message):
        report(uni, people["admin"], unit=unit, period=period)
    assert Irregularity.objects.count() == 0


def test_ir1_a_report_before_the_discovery_is_refused(uni, people):
    with pytest.raises(IrregularityRefused, match="cannot be before the discovery"):
        report(uni, people["admin"], reported_on=date(2027, 1, 27))


def test_ir1_the_committee_is_created_when_the_programme_has_none_yet(uni, people):
    CommitteeMember.objects.filter(committee__programme=uni["ba_mat"]).delete()
    ExamCommittee.objects.filter(programme=uni["ba_mat"]).delete()
    irr = report(uni, people["admin"], line=uni["mat_line"])
    assert irr.committee.programme == uni["ba_mat"]
    assert "no chair on record on 2027-02-01" in irr.transitions.get().note


# ---------------------------------------------------------------- the state machine


def test_the_happy_path_writes_one_transition_per_step(file_at):
    irr = file_at(S.DECIDED)
    assert statuses(irr) == [("", S.REPORTED), (S.REPORTED, S.INFORMED), (S.INFORMED, S.HEARING_PLANNED),
                             (S.HEARING_PLANNED, S.HEARD), (S.HEARD, S.DECIDED)]
    assert irr.status == irr.transitions.last().to_status


def test_an_illegal_move_is_refused_and_writes_nothing(file_at, people):
    irr = file_at(S.REPORTED)
    before = table_counts()
    with pytest.raises(IrregularityRefused, match="cannot become decided"):
        services.decide(irr.pk, found=True, decided_on=date(2027, 2, 10), reasons="Notes.", by=people["chair"])
    with pytest.raises(IrregularityRefused, match="cannot become"):
        services.send_letter(irr.pk, sent_on=date(2027, 2, 10), by=people["chair"])
    assert table_counts() == before
    irr.refresh_from_db()
    assert irr.status == S.REPORTED and irr.decided_on is None


def test_the_status_moves_only_from_the_state_it_was_read_in(file_at, people):
    irr = file_at(S.REPORTED)
    stale = Irregularity.objects.get(pk=irr.pk)
    services.inform(irr.pk, ombudsperson_informed_on=date(2027, 2, 2), student_informed_on=date(2027, 2, 2),
                    by=people["chair"])
    # a writer holding the old state cannot move it again: UPDATE ... WHERE status = 'reported' matches nothing
    with pytest.raises(IrregularityRefused, match="changed meanwhile"):
        services._move(stale, rules.INFORM, people["chair"])
    assert IrregularityTransition.objects.filter(irregularity=irr).count() == 2


# ---------------------------------------------------------------- informing, hearing


def test_ir1_informing_twice_is_one_step(file_at, people):
    irr = file_at(S.REPORTED)
    for _ in range(2):
        irr = services.inform(irr.pk, ombudsperson_informed_on=date(2027, 2, 2), student_informed_on=date(2027, 2, 3),
                              by=people["chair"])
    assert irr.status == S.INFORMED and irr.student_informed_on == date(2027, 2, 3)
    assert irr.transitions.count() == 2
    with pytest.raises(IrregularityRefused, match="cannot become informed"):
        services.inform(irr.pk, ombudsperson_informed_on=date(2027, 2, 4), student_informed_on=date(2027, 2, 4),
                        by=people["chair"])


def test_ir2_no_hearing_is_planned_without_an_ombudsperson_on_the_committee(file_at, people, uni):
    irr = file_at(S.INFORMED)
    uni["committees"]["BA-INF"].members.filter(role="ombudsperson").update(until=date(2027, 1, 31))
    with pytest.raises(IrregularityRefused, match="presence of the ombudsperson"):
        services.plan_hearing(irr.pk, invited_on=date(2027, 2, 3), held_on=date(2027, 2, 8), by=people["chair"])
    assert not Hearing.objects.exists()


def test_ir2_a_hearing_may_be_planned_again_and_a_double_submit_is_one_step(file_at, people):
    irr = file_at(S.HEARING_PLANNED)
    services.plan_hearing(irr.pk, invited_on=date(2027, 2, 3), held_on=date(2027, 2, 8), by=people["chair"])
    assert irr.transitions.count() == 3
    irr = services.plan_hearing(irr.pk, invited_on=date(2027, 2, 5), held_on=date(2027, 2, 12), by=people["chair"])
    assert irr.status == S.HEARING_PLANNED and irr.transitions.count() == 4
    assert (irr.hearing.invited_on, irr.hearing.held_on) == (date(2027, 2, 5), date(2027, 2, 12))


def test_ir2_a_hearing_without_the_ombudsperson_is_refused(file_at, people):
    irr = file_at(S.HEARING_PLANNED)
    with pytest.raises(IrregularityRefused, match="plan the hearing again"):
        services.record_hearing(irr.pk, held_on=date(2027, 2, 8), student_attended=True, examiner_attended=True,
                                ombudsperson_attended=False, counsel="", report="Heard.", by=people["chair"])
    irr.refresh_from_db()
    assert irr.status == S.HEARING_PLANNED


def test_ir2_the_hearing_is_recorded_with_counsel_and_the_chairs_report(file_at, people):
    irr = file_at(S.HEARD)
    h = Hearing.objects.get(irregularity=irr)
    assert (h.student_attended, h.examiner_attended, h.ombudsperson_attended) == (True, True, True)
    assert h.counsel == "Mr. Lawyer" and h.report_written_by == people["chair"]
    assert "Counsel: Mr. Lawyer." in irr.transitions.last().note


# ---------------------------------------------------------------- IR-3: decision, replacement


def test_ir3_a_decision_needs_its_reasons(file_at, people):
    irr = file_at(S.HEARD)
    with pytest.raises(IrregularityRefused, match="needs its reasons"):
        services.decide(irr.pk, found=True, decided_on=date(2027, 2, 10), reasons=" ", by=people["chair"])
    with pytest.raises(IrregularityRefused, match="cannot be before the hearing"):
        services.decide(irr.pk, found=True, decided_on=date(2027, 2, 7), reasons="Notes.", by=people["chair"])


def test_ir3_no_irregularity_the_student_may_retake_and_there_is_no_sanction(file_at, people):
    irr = file_at(S.DECIDED, found=False)
    assert irr.retake_allowed and irr.irregularity_found is False
    with pytest.raises(IrregularityRefused, match="no irregularity"):
        services.impose_sanction(irr.pk, kind=rules.ZERO, by=people["chair"])
    with pytest.raises(IrregularityRefused, match="Only an established irregularity"):
        services.refer_to_rector(irr.pk, referred_on=date(2027, 2, 11), proposal="Exclude.", by=people["chair"])


def test_ir3_a_double_submitted_decision_is_one_step(file_at, people):
    irr = file_at(S.DECIDED)
    again = services.decide(irr.pk, found=True, decided_on=date(2027, 2, 10),
                            reasons="The notes cover the exam's questions; the student admitted using them.",
                            by=people["chair"])
    assert again.transitions.count() == 5
    with pytest.raises(IrregularityRefused, match="cannot become decided"):
        services.decide(irr.pk, found=False, decided_on=date(2027, 2, 10), reasons="Changed our mind.",
                        by=people["chair"])


def test_ir3_the_chair_is_a_party_the_vice_chair_presides_and_a_member_completes_the_bureau(file_at, people, uni):
    irr = file_at(S.INFORMED)
    irr = services.replace_party(irr.pk, chair_is_party=True, vice_chair_is_party=False,
                                 substitute_id=people["member"].pk, reason="The chair invigilated the exam.",
                                 on=date(2027, 2, 2), by=people["secretary"])
    assert (irr.acting_chair, irr.acting_vice_chair) == (people["vice"], people["member"])
    assert irr.status == S.INFORMED
    t = irr.transitions.last()
    assert (t.from_status, t.to_status) == (S.INFORMED, S.INFORMED)
    assert "Koen Chair" in t.note and "Vera Vice" in t.note and "Mo Member" in t.note and "invigilated" in t.note
    today = date(2027, 2, 2)
    assert capacities_on(people["chair"], irr, today) == {rules.MEMBER}
    assert capacities_on(people["vice"], irr, today) == {rules.CHAIR, rules.MEMBER}
    assert capacities_on(people["member"], irr, today) == {rules.VICE_CHAIR, rules.MEMBER}
    # the same replacement again changes nothing
    services.replace_party(irr.pk, chair_is_party=True, vice_chair_is_party=False, substitute_id=people["member"].pk,
                           reason="The chair invigilated the exam.", on=today, by=people["secretary"])
    assert irr.transitions.count() == 3
    # the vice chair, now presiding, writes the hearing report
    irr = advance(irr, S.HEARD, people)
    assert Hearing.objects.get(irregularity=irr).report_written_by == people["vice"]


def test_ir3_the_vice_chair_is_a_party(file_at, people):
    irr = file_at(S.REPORTED)
    irr = services.replace_party(irr.pk, chair_is_party=False, vice_chair_is_party=True,
                                 substitute_id=people["member2"].pk, reason="Her cousin.", on=date(2027, 2, 2),
                                 by=people["admin"])
    assert (irr.acting_chair, irr.acting_vice_chair) == (None, people["member2"])
    assert capacities_on(people["chair"], irr, date(2027, 2, 2)) == {rules.CHAIR}
    assert capacities_on(people["vice"], irr, date(2027, 2, 2)) == {rules.MEMBER}


def test_ir3_both_are_parties_the_committee_decides(file_at, people):
    irr = file_at(S.REPORTED)
    irr = services.replace_party(irr.pk, chair_is_party=True, vice_chair_is_party=True, substitute_id=None,
                                 reason="Both examined the student's project.", on=date(2027, 2, 2),
                                 by=people["admin"])
    assert (irr.acting_chair, irr.acting_vice_chair) == (None, None)
    assert "the examination committee decides" in irr.transitions.last().note
    assert capacities_on(people["chair"], irr, date(2027, 2, 2)) == {rules.MEMBER}


def test_ir3_a_replacement_needs_a_reason_and_an_eligible_member(file_at, people):
    irr = file_at(S.REPORTED)
    with pytest.raises(IrregularityRefused, match="Say why"):
        services.replace_party(irr.pk, chair_is_party=True, vice_chair_is_party=False,
                               substitute_id=people["member"].pk, reason="", on=date(2027, 2, 2), by=people["admin"])
    with pytest.raises(IrregularityRefused, match="voting member"):
        services.replace_party(irr.pk, chair_is_party=True, vice_chair_is_party=False,
                               substitute_id=people["ombuds"].pk, reason="x", on=date(2027, 2, 2), by=people["admin"])


def test_ir3_no_replacement_after_the_decision(file_at, people):
    irr = file_at(S.DECIDED)
    with pytest.raises(IrregularityRefused, match="cannot be done on a file that is decided"):
        services.replace_party(irr.pk, chair_is_party=False, vice_chair_is_party=True,
                               substitute_id=people["member"].pk, reason="x", on=date(2027, 2, 11),
                               by=people["admin"])


# ---------------------------------------------------------------- IR-4: sanctions on the results


def test_ir4_a_sanction_writes_a_new_result_version_and_keeps_the_old_one(file_at, people, uni):
    irr = file_at(S.DECIDED)
    old = uni["results"]["INF101"]
    sanction = services.impose_sanction(irr.pk, kind=rules.ZERO, by=people["chair"])
    (new,) = sanction.results.all()
    assert (new.outcome, new.grade, new.version, new.is_current) == ("numeric", 0, 2, True)
    assert new.procedure == ResultProcedure.IRREGULARITY and new.supersedes_id == old.pk
    assert new.decided_on == date(2027, 2, 10) and "UH 18.3.1" in new.reason and f"File {irr.pk}" in new.reason
    old.refresh_from_db()
    assert (old.grade, old.is_current) == (12, False)
    assert Result.objects.filter(line=uni["lines"]["INF101"]).count() == 2
    irr.refresh_from_db()
    assert irr.status == S.DECIDED and "INF101 opportunity 1: 12 -> 0" in irr.transitions.last().note


def test_ir4_the_same_sanction_twice_is_one_sanction_and_one_version(file_at, people, uni):
    irr = file_at(S.DECIDED)
    first = services.impose_sanction(irr.pk, kind=rules.ADJUSTED_GRADE, adjusted_grade=6, by=people["chair"])
    again = services.impose_sanction(irr.pk, kind=rules.ADJUSTED_GRADE, adjusted_grade=6, by=people["chair"])
    assert again.pk == first.pk and Sanction.objects.count() == 1
    assert Result.objects.filter(line=uni["lines"]["INF101"]).count() == 2
    with pytest.raises(IrregularityRefused, match="other values"):
        services.impose_sanction(irr.pk, kind=rules.ADJUSTED_GRADE, adjusted_grade=5, by=people["chair"])


def test_ir4_one_sanction_and_in_addition_the_exclusion_from_the_second_opportunity(file_at, people, uni):
    irr = file_at(S.DECIDED)
    with pytest.raises(IrregularityRefused, match="in addition"):
        services.impose_sanction(irr.pk, kind=rules.EXCLUDED_SECOND, by=people["chair"])
    services.impose_sanction(irr.pk, kind=rules.ZERO, by=people["chair"])
    with pytest.raises(IrregularityRefused, match="one of the sanctions"):
        services.impose_sanction(irr.pk, kind=rules.NO_GRADES_FOR_PERIOD, by=people["chair"])
    exclusion = services.impose_sanction(irr.pk, kind=rules.EXCLUDED_SECOND, by=people["chair"])
    (second,) = exclusion.results.all()
    assert (second.opportunity, second.outcome, second.exam_period.code, second.version) == (2, "fail", "SEP", 1)
    assert second.procedure == ResultProcedure.IRREGULARITY


def test_ir4_no_grades_for_the_period_with_a_grade_retained(file_at, people, uni):
    irr = file_at(S.DECIDED)
    preview = services.sanction_preview(irr.pk, rules.NO_GRADES_FOR_PERIOD, retained=frozenset({"INF104"}))
    assert {(n.unit, n.outcome) for n in preview.new} == {("INF101", "fail"), ("INF102", "fail")}
    assert Result.objects.count() == 4  # the preview saved nothing
    sanction = services.impose_sanction(irr.pk, kind=rules.NO_GRADES_FOR_PERIOD, retained={"INF104"},
                                        by=people["chair"])
    assert sorted(r.course_unit.code for r in sanction.results.all()) == ["INF101", "INF102"]
    assert sanction.retained_units == ["INF104"]
    current = {r.course_unit.code: r.display for r in Result.objects.filter(student=uni["an"], is_current=True)}
    assert current == {"INF101": "fail", "INF102": "fail", "INF104": "pass"}


def test_ir4_annulment_gives_the_june_unit_not_yet_examined_a_fail_in_june(file_at, people, uni):
    irr = file_at(S.DECIDED)
    sanction = services.impose_sanction(irr.pk, kind=rules.FIRST_ANNULLED, by=people["chair"])
    june = sanction.results.get(course_unit__code="INF103")
    assert (june.exam_period.code, june.outcome, june.version, june.supersedes) == ("JUN", "fail", 1, None)


def test_ir4_no_sanction_after_the_letter(file_at, people):
    irr = file_at(S.DECIDED)
    services.send_letter(irr.pk, sent_on=date(2027, 2, 12), by=people["admin"])
    with pytest.raises(IrregularityRefused, match="before the letter"):
        services.impose_sanction(irr.pk, kind=rules.ZERO, by=people["chair"])


def test_ir4_a_refused_sanction_writes_no_result(file_at, people):
    irr = file_at(S.DECIDED)
    before = table_counts()
    with pytest.raises(IrregularityRefused, match="cannot be above"):
        services.impose_sanction(irr.pk, kind=rules.ADJUSTED_GRADE, adjusted_grade=15, by=people["chair"])
    assert table_counts() == before


# ---------------------------------------------------------------- IR-5: rector, letter


def test_ir5_the_letter_closes_the_file_and_names_the_appeal_limit(file_at, people):
    irr = file_at(S.DECIDED)
    irr = services.send_letter(irr.pk, sent_on=date(2027, 2, 13), by=people["admin"])
    assert irr.status == S.NOTIFIED and irr.letter_sent_on == date(2027, 2, 13)
    note = irr.transitions.last().note
    assert "After the limit" not in note
    assert "Internal appeal until 2027-02-22" in note  # Saturday 20 -> Monday 22 (UH 19.3.2)
    assert services.send_letter(irr.pk, sent_on=date(2027, 2, 13), by=people["admin"]).transitions.count() == 6


def test_ir5_a_late_letter_is_sent_and_flagged(file_at, people):
    irr = file_at(S.DECIDED)
    irr = services.send_letter(irr.pk, sent_on=date(2027, 2, 16), by=people["admin"])
    assert irr.status == S.NOTIFIED and "After the limit of 2027-02-15" in irr.transitions.last().note


def test_ir5_a_referred_file_carries_the_rectors_decision(file_at, people):
    irr = file_at(S.DECIDED)
    irr = services.refer_to_rector(irr.pk, referred_on=date(2027, 2, 11),
                                   proposal="Repeated fraud: exclusion and refusal of enrolment for 2027-2028.",
                                   by=people["chair"])
    assert irr.status == S.REFERRED and irr.referred_to_rector
    with pytest.raises(IrregularityRefused, match="rector's decision"):
        services.send_letter(irr.pk, sent_on=date(2027, 2, 18), by=people["admin"])
    irr = services.send_letter(irr.pk, sent_on=date(2027, 2, 18), rector_decided_on=date(2027, 2, 17),
                               rector_decision="Excluded; enrolment refused for 2027-2028.", by=people["admin"])
    assert irr.status == S.NOTIFIED and irr.rector_decided_on == date(2027, 2, 17)
    assert "After the limit" not in irr.transitions.last().note  # 10 days: 20 February


def test_a_preset_without_the_procedure_opens_no_file(db, people):
    from examinations.models import ExamPeriod
    from tests.enrolment.factories import PXL_CODE, ContractFactory, CourseUnitFactory, make_year

    year = make_year(2018, PXL_CODE)
    unit = CourseUnitFactory(code="PXL1")
    contract = ContractFactory(programme=unit.programme, academic_year=year, units=[unit])
    with pytest.raises(IrregularityRefused, match="no irregularity procedure"):
        services.report_irregularity(line=contract.lines.get(), exam_period=ExamPeriod.objects.get(
            academic_year=year, code="JAN"), discovered_on=date(2019, 1, 10), reported_on=date(2019, 1, 11),
            reported_by_name="X", description="Y", by=people["admin"])
