"""IR-1 (UH 18.1.1) and IR-5 (UH 18.3.2-3) sweeps: late irregularity reports are flagged and the ombudsperson is
told; reasoned decisions not sent within 5 (rector: 10) calendar days are flagged overdue and the chair is told."""

from datetime import date

from appeals.models import OmbudsAssignment
from enrolment.models import DeadlineFlag, Notice
from examinations.models import CommitteeMember, IrregularityStatus
from examinations.services import irregularity as services
from examinations.services.sweeps import (
    flag_late_irregularity_reports,
    flag_late_sanction_notices,
    upcoming_irregularity_reports,
    upcoming_sanction_notices,
)

from .conftest import report

DISCOVERED = date(2027, 1, 28)  # Thursday: the fifth working day after it is Thursday 4 February
REPORT_BY = date(2027, 2, 4)
DECIDED = date(2027, 2, 10)  # advance() decides on this day: the letter is due by 15 February (rector: 20)


def flagged(rule, kind):
    return set(DeadlineFlag.objects.filter(rule=rule, kind=kind).values_list("pk_value", flat=True))


# ---- IR-1 ------------------------------------------------------------------------------------------------------

def test_ir1_report_on_the_last_day_in_time_the_day_after_flagged(uni, people):
    in_time = report(uni, people["admin"], unit="INF101", discovered_on=DISCOVERED, reported_on=REPORT_BY)
    late = report(uni, people["admin"], unit="INF102", discovered_on=DISCOVERED, reported_on=date(2027, 2, 5))
    assert flag_late_irregularity_reports(REPORT_BY).count == 0
    result = flag_late_irregularity_reports(date(2027, 2, 5))
    assert [r.pk for r in result.affected] == [late.pk]
    assert flagged("IR-1", "late_report") == {late.pk}
    flag = DeadlineFlag.objects.get(rule="IR-1")
    assert (flag.due_on, flag.programme_id) == (REPORT_BY, uni["ba_inf"].pk)
    notice = Notice.objects.get()
    assert (notice.key, notice.audience, notice.to) == (
        f"ir1.irregularity.{late.pk}.late_report.ombudsperson", "ombudsperson", "ombuds@example.org")
    assert in_time.pk not in flagged("IR-1", "late_report")


def test_ir1_twice_is_once_and_catch_up(uni, people):
    inf = report(uni, people["admin"], unit="INF101", discovered_on=DISCOVERED, reported_on=date(2027, 2, 8))
    mat = report(uni, people["admin"], line=uni["mat_line"], discovered_on=DISCOVERED, reported_on=date(2027, 2, 9))
    result = flag_late_irregularity_reports(date(2027, 6, 30))
    assert {r.pk for r in result.affected} == {inf.pk, mat.pk}
    assert set(Notice.objects.values_list("to", flat=True)) == {"ombuds@example.org", "mat_ombuds@example.org"}
    again = flag_late_irregularity_reports(date(2027, 7, 1))
    assert (again.count, again.skipped) == (0, ())
    assert Notice.objects.count() == 2


def test_ir1_programme_ombudsperson_when_the_committee_has_none(uni, people):
    CommitteeMember.objects.filter(committee=uni["committees"]["BA-INF"], role="ombudsperson").update(
        until=date(2026, 12, 31))
    OmbudsAssignment.objects.create(user=people["mat_ombuds"], programme=uni["ba_inf"], role="principal",
                                    since=date(2026, 9, 1))
    report(uni, people["admin"], discovered_on=DISCOVERED, reported_on=date(2027, 2, 8))
    flag_late_irregularity_reports(date(2027, 2, 8))
    assert Notice.objects.get().to == "mat_ombuds@example.org"


def test_ir1_no_ombudsperson_on_record_still_flags(uni, people):
    CommitteeMember.objects.filter(committee=uni["committees"]["BA-INF"], role="ombudsperson").update(
        until=date(2026, 12, 31))
    irr = report(uni, people["admin"], discovered_on=DISCOVERED, reported_on=date(2027, 2, 8))
    result = flag_late_irregularity_reports(date(2027, 2, 8))
    assert result.affected[0].pk == irr.pk and "no ombudsperson" in result.affected[0].label
    assert not Notice.objects.exists()


def test_ir1_repeat_is_cheap(uni, people, django_assert_max_num_queries):
    report(uni, people["admin"], discovered_on=DISCOVERED, reported_on=date(2027, 2, 8))
    flag_late_irregularity_reports(date(2027, 2, 8))
    with django_assert_max_num_queries(2):  # the years, the unflagged late files of the one year
        assert flag_late_irregularity_reports(date(2027, 2, 9)).count == 0


def test_ir1_upcoming_has_nothing_ahead(uni, people):
    report(uni, people["admin"], discovered_on=DISCOVERED, reported_on=REPORT_BY)
    assert upcoming_irregularity_reports(date(2027, 1, 1), date(2027, 12, 31)) == []


# ---- IR-5 ------------------------------------------------------------------------------------------------------

def test_ir5_letter_overdue_the_day_after_the_fifth_day(file_at):
    irr = file_at(IrregularityStatus.DECIDED)
    assert flag_late_sanction_notices(date(2027, 2, 15)).count == 0
    result = flag_late_sanction_notices(date(2027, 2, 16))
    assert [r.pk for r in result.affected] == [irr.pk]
    flag = DeadlineFlag.objects.get(rule="IR-5")
    assert (flag.kind, flag.due_on, flag.flagged_on) == ("overdue", date(2027, 2, 15), date(2027, 2, 16))
    notice = Notice.objects.get()
    assert (notice.key, notice.audience, notice.to) == (
        f"ir5.irregularity.{irr.pk}.overdue.chair", "chair", "chair@example.org")
    assert flag_late_sanction_notices(date(2027, 2, 17)).count == 0
    assert Notice.objects.count() == 1


def test_ir5_rector_case_has_ten_days(file_at, people):
    irr = file_at(IrregularityStatus.DECIDED)
    services.refer_to_rector(irr.pk, referred_on=date(2027, 2, 11), proposal="Exclusion for a year.",
                             by=people["chair"])
    assert flag_late_sanction_notices(date(2027, 2, 20)).count == 0
    assert flag_late_sanction_notices(date(2027, 2, 21)).count == 1
    assert DeadlineFlag.objects.get(rule="IR-5").due_on == date(2027, 2, 20)


def test_ir5_catch_up_letter_sent_late_flagged_without_notice(file_at, people):
    late = file_at(IrregularityStatus.DECIDED)
    services.send_letter(late.pk, sent_on=date(2027, 2, 18), by=people["admin"])
    in_time = file_at(IrregularityStatus.DECIDED, unit="INF102")
    services.send_letter(in_time.pk, sent_on=date(2027, 2, 15), by=people["admin"])
    result = flag_late_sanction_notices(date(2027, 6, 1))
    assert [r.pk for r in result.affected] == [late.pk]
    assert result.affected[0].label.endswith("decision sent late")
    assert not Notice.objects.exists()
    assert flag_late_sanction_notices(date(2027, 6, 2)).count == 0


def test_ir5_repeat_is_cheap(file_at, django_assert_max_num_queries):
    file_at(IrregularityStatus.DECIDED)
    flag_late_sanction_notices(date(2027, 2, 16))
    with django_assert_max_num_queries(2):  # the years, the unflagged files of the one year
        assert flag_late_sanction_notices(date(2027, 2, 17)).count == 0


def test_ir5_upcoming_lists_letters_still_to_send(file_at, people):
    irr = file_at(IrregularityStatus.DECIDED)
    due = upcoming_sanction_notices(date(2027, 2, 10), date(2027, 3, 11))
    assert [(d.rule, d.due_on, d.programme, d.ref.pk) for d in due] == [("IR-5", date(2027, 2, 15), "BA-INF",
                                                                         irr.pk)]
    services.send_letter(irr.pk, sent_on=date(2027, 2, 12), by=people["admin"])
    assert upcoming_sanction_notices(date(2027, 2, 10), date(2027, 3, 11)) == []
