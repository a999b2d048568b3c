"""UHasselt Education, Examination and Legal position regulations 2026-2027 (the primary preset).

Learning-account numbers are the Flemish government's (learning-account-uhasselt.txt, leerkrediet-nl.txt),
which UH 1.3, 3.3.4, 3.6 and 8.1 apply.
"""

from fractions import Fraction

from .base import (
    AppealsCommitteeRules,
    CommitteeRules,
    DeliberationRules,
    DeregistrationPolicy,
    InsufficientBalancePolicy,
    IrregularityRules,
    RefundCutoffPolicy,
    Regulations,
    ResultRules,
)

UHASSELT_2026_2027 = Regulations(
    code="uhasselt-2026-2027",
    institution="UHasselt",
    academic_year="2026-2027",
    source="uhasselt-eel-2026-2027.txt",
    la_initial_credits=140,  # LA-1
    la_bonus_credits=60,  # LA-5
    la_bonus_factor=2,  # LA-5: "restored twice"
    la_master_degree_deduction=140,  # LA-11
    la_rebuild_per_year=10,  # LA-12
    la_rebuild_ceiling=60,  # LA-12
    refund_cutoff_policy=RefundCutoffPolicy.FIXED_DATES,  # LA-6
    semester1_cutoff=(12, 1),  # LA-6: before 1 December
    semester2_cutoff=(3, 15),  # LA-6: before 15 March
    deregistration_policy=DeregistrationPolicy.UHASSELT,  # LA-7, LA-8, UH 8.1, UH 3.6
    generation_change_refund_share=Fraction(1, 2),  # LA-8: loses only half
    insufficient_balance_policy=InsufficientBalancePolicy.CAP,  # UH 1.3.2
    master_never_refused=True,  # UH 1.3.3
    min_credits_per_year=45,  # UH 4.3.1
    max_credits_per_year=72,  # UH 4.3.2
    first_bachelor_full_programme=True,  # UH 2.2
    programme_request_deadline_days=None,
    programme_request_deadline_months=2,  # UH 4.1.1
    year_long_unit_deregistration=(12, 15),  # UH 3.4.2
    exam_contract_closes_days_before_exams=14,  # UH 2.1.4
    second_enrolment_min_credits=30,  # UH 2.6.1 (Higher Education Code Art. II.244)
    programme_request_by=(10, 1),  # UH 4.1.1: the initial programme is requested before 1 October (EN-5)
    missing_programme_deregisters=True,  # UH 4.1.1: "will be deregistered" (EN-5)
    special_circumstances_dates=((10, 15), (12, 1), (3, 1), (7, 1)),  # UH 4.6.3 (EN-10)
    special_circumstances_reminder_days=14,  # EN-10 reminders: an EEL Office setting
    deliberation=DeliberationRules(
        tolerable_grades=frozenset({8, 9}),  # UH 16.4-16.7
        pass_grade=10,  # UH 15.1
        package1_max_fails=2,  # UH 16.4.2
        package1_credits=12,  # UH 16.4.2
        package1_nominal=60,  # UH 16.4.2 (*)
        package1_min_percentage=(54, 58),  # UH 16.4.2
        package2_credits=12,  # UH 16.4.3
        package2_nominal=120,  # UH 16.4.3 (*)
        package2_min_percentage=50,  # UH 16.4.3
        master_credits=6,  # UH 16.6
        master_min_percentage=50,  # UH 16.6
        bridging_share_percent=10,  # UH 16.7
        bridging_min_percentage=50,  # UH 16.7
        distinctions=(
            (90, "greatest_distinction_congratulations"),
            (85, "greatest_distinction"),
            (77, "great_distinction"),
            (68, "distinction"),
        ),  # UH 16.9.1
        distinction_min_share=(1, 2),  # UH 16.9.2
    ),
    results=ResultRules(
        second_opportunity_opens=(7, 11),  # UH 12.2.5
        second_opportunity_closes=(8, 8),  # UH 12.2.5
        retake_request_working_days=10,  # UH 12.2.6
        delivery_working_days_before_bureau=1,  # UH 15.2.1
        material_error_report_days=10,  # UH 15.5.3
        material_error_decision_days=10,  # UH 15.5.4
        study_advice_below_percent=30,  # UH 21.3.2
    ),
    committee=CommitteeRules(
        min_members=5,  # UH 14.1.3
        guideline_max_members=10,  # UH 14.1.3
        quorum_share=(1, 2),  # UH 14.3.3
        inspection_days=7,  # UH 15.4.1
        script_retention_until=(2, 1),  # UH 15.4.4
        script_retention_contested_years=5,  # UH 15.4.4
    ),
    irregularity=IrregularityRules(
        report_working_days=5,  # UH 18.1.1
        letter_days=5,  # UH 18.3.2
        rector_letter_days=10,  # UH 18.3.3
        appeal_days=7,  # UH 18.2.5, 19.3.2
    ),
    appeals_committee=AppealsCommitteeRules(
        max_voting_members=18,  # UH 19.1.2
        quorum_voting_members=2,  # UH 19.1.2
        invitation_hours=24,  # UH 19.4.2
        council_days=7,  # UH 19.4.6
        council_equivalence_days=30,  # UH 19.4.6
    ),
)
