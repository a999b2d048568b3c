"""OM-1 .. OM-3 as pure functions: no database."""

from datetime import date

import pytest

from appeals import rules
from appeals.rules import ContractFact, ProgrammeOmbuds

INF, MAT = 1, 2
OLGA, DIRK, OSCAR, MIA, CECILE = 10, 11, 20, 21, 30
PROGRAMMES = {INF: ProgrammeOmbuds(frozenset({OLGA}), frozenset({DIRK})),
              MAT: ProgrammeOmbuds(frozenset({OSCAR}), frozenset({MIA}))}
CENTRAL = frozenset({CECILE})


# --- OM-1 ----------------------------------------------------------------------------------------------------------


def test_om1_complete_coverage_gives_no_warning():
    assert rules.om1_coverage_warnings(PROGRAMMES, CENTRAL) == []


def test_om1_each_gap_is_a_warning_per_programme():
    programmes = {INF: ProgrammeOmbuds(frozenset({OLGA}), frozenset()),
                  MAT: ProgrammeOmbuds(frozenset(), frozenset({MIA})),
                  3: ProgrammeOmbuds()}
    kinds = {(w.programme_id, w.kind) for w in rules.om1_coverage_warnings(programmes, frozenset())}
    assert kinds == {(INF, "no_deputy"), (MAT, "no_principal"), (3, "no_principal"), (3, "no_deputy"),
                     (None, "no_central")}


def test_om1_a_deputy_who_is_also_the_principal_is_no_deputy():
    programmes = {INF: ProgrammeOmbuds(frozenset({OLGA}), frozenset({OLGA}))}
    kinds = {w.kind for w in rules.om1_coverage_warnings(programmes, CENTRAL)}
    assert kinds == {"no_deputy", "deputy_is_principal"}


# --- OM-2: who handles a file --------------------------------------------------------------------------------------


def test_om2_the_principal_handles_her_programmes_file():
    handling = rules.om2_who_handles({INF: PROGRAMMES[INF]}, CENTRAL, frozenset())
    assert handling.handlers == {OLGA: "principal"} and handling.level == "principal"
    assert not handling.handles(DIRK) and not handling.handles(CECILE)


def test_om2_the_deputy_takes_over_when_the_principal_stands_aside():
    handling = rules.om2_who_handles({INF: PROGRAMMES[INF]}, CENTRAL, frozenset({OLGA}))
    assert handling.handlers == {DIRK: "deputy"} and handling.level == "deputy"


def test_om2_the_central_ombudsperson_when_principal_and_deputy_stand_aside():
    handling = rules.om2_who_handles({INF: PROGRAMMES[INF]}, CENTRAL, frozenset({OLGA, DIRK}))
    assert handling.handlers == {CECILE: "central"} and handling.level == "central"


def test_om2_the_dean_designates_when_nobody_can_act():
    handling = rules.om2_who_handles({INF: PROGRAMMES[INF]}, CENTRAL, frozenset({OLGA, DIRK, CECILE}))
    assert handling.handlers == {} and handling.level == "dean"


def test_om2_a_programme_without_ombudsperson_goes_to_the_central_one():
    assert rules.om2_who_handles({3: ProgrammeOmbuds()}, CENTRAL, frozenset()).handlers == {CECILE: "central"}
    assert rules.om2_who_handles({}, CENTRAL, frozenset()).handlers == {CECILE: "central"}


def test_om2_a_programme_with_only_a_deputy_is_handled_by_the_deputy():
    handling = rules.om2_who_handles({INF: ProgrammeOmbuds(frozenset(), frozenset({DIRK}))}, CENTRAL, frozenset())
    assert handling.handlers == {DIRK: "deputy"}


def test_om2_a_file_of_two_programmes_is_seen_by_the_ombudsperson_of_each():
    handling = rules.om2_who_handles(PROGRAMMES, CENTRAL, frozenset({OLGA}))
    assert handling.handlers == {DIRK: "deputy", OSCAR: "principal"}
    assert handling.level == "principal"


def test_om2_one_person_principal_of_one_programme_and_deputy_of_the_other_acts_as_principal():
    programmes = {INF: ProgrammeOmbuds(frozenset({OLGA}), frozenset({DIRK})),
                  MAT: ProgrammeOmbuds(frozenset({OSCAR}), frozenset({OLGA}))}
    handling = rules.om2_who_handles(programmes, CENTRAL, frozenset({OSCAR}))
    assert handling.handlers == {OLGA: "principal"}


def test_om2_a_case_brought_to_the_central_ombudsperson_is_hers_first():
    handling = rules.om2_who_handles({INF: PROGRAMMES[INF]}, CENTRAL, frozenset(), central_first=True)
    assert handling.handlers == {CECILE: "central"}
    fallback = rules.om2_who_handles({INF: PROGRAMMES[INF]}, CENTRAL, frozenset({CECILE}), central_first=True)
    assert fallback.handlers == {OLGA: "principal"}


def test_om2_standing_aside_counts_declarations_ties_and_the_other_party():
    assert rules.om2_standing_aside([OLGA], [DIRK], other_party=OSCAR) == frozenset({OLGA, DIRK, OSCAR})
    assert rules.om2_standing_aside([], []) == frozenset()


# --- OM-2: the programmes of an appeal -----------------------------------------------------------------------------

Y26 = (26, date(2026, 9, 14), date(2027, 9, 12))
Y27 = (27, date(2027, 9, 13), date(2028, 9, 10))


def contract(programme, year):
    return ContractFact(programme, *year)


def test_om2_appeal_programmes_are_the_contracts_of_the_year_of_the_notification():
    contracts = [contract(INF, Y26), contract(MAT, Y27)]
    assert rules.om2_appeal_programmes(date(2027, 2, 12), contracts) == {INF}
    assert rules.om2_appeal_programmes(date(2027, 10, 1), contracts) == {MAT}


def test_om2_appeal_programmes_add_the_year_and_programme_of_the_contested_decision():
    contracts = [contract(INF, Y26), contract(MAT, Y27)]
    # A September re-sit of 2026-2027 notified in 2027-2028: both years count.
    assert rules.om2_appeal_programmes(date(2027, 9, 20), contracts, contested_year_ids=[26]) == {INF, MAT}
    assert rules.om2_appeal_programmes(date(2027, 2, 12), [], contested_programme_ids=[MAT, None]) == {MAT}


def test_om2_appeal_between_years_counts_the_latest_year_started():
    gap_year = (28, date(2028, 9, 20), date(2029, 9, 10))
    contracts = [contract(INF, Y26), contract(MAT, gap_year)]
    assert rules.om2_appeal_programmes(date(2028, 9, 15), contracts) == {INF}


def test_om2_appeal_without_a_contract_in_its_year_is_shown_to_every_programme_of_the_student():
    contracts = [contract(INF, Y27), contract(MAT, (28, date(2028, 9, 11), date(2029, 9, 9)))]
    assert rules.om2_appeal_programmes(date(2027, 2, 12), contracts) == {INF, MAT}


# --- OM-2: mediation cases -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("current,target", [("", "open"), ("open", "mediating"), ("open", "closed"),
                                            ("mediating", "closed"), ("closed", "mediating")])
def test_om2_mediation_allowed_moves(current, target):
    assert rules.om2_next_mediation_state(current, target) == target


@pytest.mark.parametrize("current,target", [("", "closed"), ("open", "open"), ("mediating", "open"),
                                            ("closed", "open"), ("closed", "closed"), ("mediating", "mediating")])
def test_om2_mediation_refused_moves(current, target):
    with pytest.raises(rules.MediationMoveRefused):
        rules.om2_next_mediation_state(current, target)


def test_om2_closing_needs_an_outcome_and_a_day_between_opening_and_today():
    opened, today = date(2027, 2, 1), date(2027, 3, 1)
    assert rules.om2_close_problems(opened, date(2027, 2, 1), "resolved", today) == []
    assert rules.om2_close_problems(opened, today, "referred", today) == []
    assert len(rules.om2_close_problems(opened, today, "", today)) == 1
    assert len(rules.om2_close_problems(opened, None, "resolved", today)) == 1
    assert "before it was opened" in rules.om2_close_problems(opened, date(2027, 1, 31), "resolved", today)[0]
    assert "after today" in rules.om2_close_problems(opened, date(2027, 3, 2), "not_resolved", today)[0]


# --- OM-3 ----------------------------------------------------------------------------------------------------------


def test_om3_oral_exam_request_seven_calendar_days_before():
    exam = date(2027, 1, 18)  # a Monday
    assert rules.om3_oral_exam_request_in_time(date(2027, 1, 11), exam)
    assert rules.om3_oral_exam_request_in_time(date(2027, 1, 4), exam)
    assert not rules.om3_oral_exam_request_in_time(date(2027, 1, 12), exam)
