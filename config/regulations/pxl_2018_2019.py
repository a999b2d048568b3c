"""PXL Education regulations 2018-2019 (the second preset; see shared/spec/pxl-rules.md).

The PXL text has no statutory learning-account mechanics (pxl-rules.md §0.4): those numbers are the
Flemish government's, the same as in the UHasselt preset. Where PXL differs, the article is named.
"""

from fractions import Fraction

from .base import DeregistrationPolicy, InsufficientBalancePolicy, RefundCutoffPolicy, Regulations

PXL_2018_2019 = Regulations(
    code="pxl-2018-2019",
    institution="PXL",
    academic_year="2018-2019",
    source="pxl-eel-2018-2019.txt",
    la_initial_credits=140,  # government rule (not in the PXL text)
    la_bonus_credits=60,
    la_bonus_factor=2,
    la_master_degree_deduction=140,
    la_rebuild_per_year=10,
    la_rebuild_ceiling=60,
    refund_cutoff_policy=RefundCutoffPolicy.PERIOD_DEADLINE,  # PXL Art. 31: deleting before the limit date
    semester1_cutoff=(12, 1),  # PXL Art. 23 §3: generation students, before 1 December
    semester2_cutoff=(3, 15),  # PXL Art. 23 §3: half until 15 March
    deregistration_policy=DeregistrationPolicy.PXL,  # PXL Art. 23 §3
    generation_change_refund_share=Fraction(1, 2),  # PXL Art. 23 §3: "half of your selected credits"
    insufficient_balance_policy=InsufficientBalancePolicy.CAP,  # PXL Art. 9 §2e
    master_never_refused=False,  # not in the PXL text
    min_credits_per_year=0,  # not in the PXL text
    max_credits_per_year=66,  # PXL Art. 39 / 49
    first_bachelor_full_programme=False,  # not in the PXL text
    programme_request_deadline_days=30,  # PXL Art. 23 §2 (DEN-04): IT request within 30 calendar days
    programme_request_deadline_months=None,
    year_long_unit_deregistration=None,  # PXL uses per-unit limit dates
    exam_contract_closes_days_before_exams=14,  # not in the PXL text; the UH default, configurable
    second_enrolment_min_credits=30,  # Art. 47 §2
    programme_request_by=None,  # Art. 27 §2: summer (re-)enrolments have until the start of the year (EN-5)
    missing_programme_deregisters=False,  # Art. 23 §2: "may officially de-enrol you" (EN-5: flagged for staff)
    special_circumstances_dates=(),  # Art. 35: status requested within 30 days of the enrolment, no fixed dates
)
