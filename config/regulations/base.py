"""The shape of a regulations preset and the one rounding helper used everywhere."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from fractions import Fraction


def round_half_up(value: int | float | Decimal | Fraction) -> int:
    """UH 15.1 / EX-4: x.50 rounds up, x.49 down. Exact for Fractions and Decimals (no float drift)."""
    if isinstance(value, Fraction):
        return int((value * 2 + 1) // 2)
    return int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


class RefundCutoffPolicy(StrEnum):
    """When removing a course unit still gives its credits back (LA-6)."""

    #: UH / Flemish government: before 1 December (semester 1, year-long) or 15 March (semester 2).
    FIXED_DATES = "fixed_dates"
    #: PXL Art. 31 / Art. 23 §3: up to the unit's limit date (the period's deregistration deadline).
    PERIOD_DEADLINE = "period_deadline"


class DeregistrationPolicy(StrEnum):
    """How deregistration from a whole programme moves the account (LA-7, LA-8)."""

    #: UH 8.1 + government text: before 1 Dec all; 1 Dec-15 Mar semester-2 units; later nothing;
    #: generation students changing programme until the end of S1 lessons lose half of S1 (LA-8).
    UHASSELT = "uhasselt"
    #: PXL Art. 23 §3: generation student who reorients: all before 1 Dec, half until 15 Mar, only units
    #: not yet examined; everyone else: units whose limit date has not passed.
    PXL = "pxl"


class InsufficientBalancePolicy(StrEnum):
    """LA-14: what an enrolment with a positive but insufficient balance may do."""

    #: UH 1.3.2, PXL Art. 9 §2e: enrol for at most the balance unless an exception is decided.
    CAP = "cap"
    #: Odisee: enrol anyway and pay a double fee for the missing credits.
    SURCHARGE = "surcharge"


@dataclass(frozen=True)
class DeliberationRules:
    """UH 16: the thresholds of the tolerance rules and the degrees of distinction."""

    tolerable_grades: frozenset[int]  # DL-3..6: fail grades that tolerance may cover (8 and 9)
    pass_grade: int  # EX-4: a credit certificate from this grade on
    package1_max_fails: int  # DL-3: at most 2 tolerable fails
    package1_credits: int  # DL-3: 12 credits ...
    package1_nominal: int  # DL-3: ... on a package of 60, pro rata otherwise
    package1_min_percentage: tuple[int, ...]  # DL-3: (54, 58): one fail, two fails
    package2_credits: int  # DL-4: 12 credits on 120, pro rata, capped at 12
    package2_nominal: int
    package2_min_percentage: int  # DL-4: 50
    master_credits: int  # DL-5: 6, pro rata with exemptions, capped
    master_min_percentage: int  # DL-5: 50
    bridging_share_percent: int  # DL-6: 10 % of the credits taken
    bridging_min_percentage: int  # DL-6: 50
    distinctions: tuple[tuple[int, str], ...]  # DL-8: (threshold, name), highest first
    distinction_min_share: tuple[int, int]  # DL-8: none below half the programme's credits (1, 2)


@dataclass(frozen=True)
class ResultRules:
    """UH 12, 15, 21.3: the dates and periods around results (EX-2, EX-3, EX-7, EX-10, EN-9)."""

    second_opportunity_opens: tuple[int, int]  # EX-2 / UH 12.2.5: (month, day) registration opens, 11 July
    second_opportunity_closes: tuple[int, int]  # EX-2 / UH 12.2.5: (month, day) last day, 8 August
    retake_request_working_days: int  # EX-3 / UH 12.2.6: written request within 10 working days
    delivery_working_days_before_bureau: int  # EX-7 / UH 15.2.1: one working day before the bureau meets
    material_error_report_days: int  # EX-10 / UH 15.5.3: reported within 10 calendar days after the decision
    material_error_decision_days: int  # EX-10 / UH 15.5.4: decided within 10 calendar days after the report
    study_advice_below_percent: int  # EN-9 / UH 21.3.2: study success below 30 % -> study-advice meeting


@dataclass(frozen=True)
class CommitteeRules:
    """UH 14, 15.4: the examination committee's numbers (EC-1, EC-3, EX-9). The defaults are UHasselt's."""

    min_members: int = 5  # EC-1 / UH 14.1.3: at least five members
    guideline_max_members: int = 10  # EC-1 / UH 14.1.3: a guideline, so a warning only
    quorum_share: tuple[int, int] = (1, 2)  # EC-3 / UH 14.3.3: at least half of the members present
    inspection_days: int = 7  # EX-9 / UH 15.4.1: explanation and inspection within 7 calendar days
    # EX-9 / UH 15.4.4: exam scripts are kept at least until this (month, day), 1 February, of the following
    # academic year, and this many years when the result was contested (a formal complaint or a new meeting).
    script_retention_until: tuple[int, int] = (2, 1)
    script_retention_contested_years: int = 5


@dataclass(frozen=True)
class IrregularityRules:
    """UH 18 (IR-1, IR-5): the limits of the irregularity procedure."""

    report_working_days: int  # IR-1 / UH 18.1.1: formal report to the chair after the discovery
    letter_days: int  # IR-5 / UH 18.3.2: reasoned decision to the student after the deliberation
    rector_letter_days: int  # IR-5 / UH 18.3.3: the rector's decision on a very serious case
    appeal_days: int  # UH 18.2.5 / 19.3.2: internal appeal, from the day after the notification


@dataclass(frozen=True)
class AppealsCommitteeRules:
    """UH 19.1, 19.4 (AP-5 .. AP-8): the internal appeals committee's numbers. The defaults are UHasselt's."""

    max_voting_members: int = 18  # AP-5 / UH 19.1.2: a pool of 18 voting members besides the external chair
    quorum_voting_members: int = 2  # AP-5 / UH 19.1.2: the chair (or deputy) and at least 2 voting members
    invitation_hours: int = 24  # AP-6 / UH 19.4.2: the student is invited by e-mail at least 24 hours before
    council_days: int = 7  # AP-8 / UH 19.4.6: appeal to the Council within 7 days after the notification
    council_equivalence_days: int = 30  # AP-8 / UH 19.4.6: 30 days for foreign-diploma equivalence (19.2 h)
    # AP-7 (UH 19.4.3-5): how many days before the 20-day decision date the chair and secretary are warned. Not a
    # number of the regulations: the office's own notice, kept with the committee's numbers so a year may change it.
    decision_warning_days: int = 5


@dataclass(frozen=True)
class Regulations:
    code: str
    institution: str
    academic_year: str
    source: str

    # Learning account (LA-1 .. LA-15)
    la_initial_credits: int  # LA-1
    la_bonus_credits: int  # LA-5: first N credits acquired in bachelor diploma contracts
    la_bonus_factor: int  # LA-5: restored this many times in total
    la_master_degree_deduction: int  # LA-11
    la_rebuild_per_year: int  # LA-12
    la_rebuild_ceiling: int  # LA-12
    refund_cutoff_policy: RefundCutoffPolicy  # LA-6
    semester1_cutoff: tuple[int, int]  # (month, day) in the calendar year the academic year starts: LA-6
    semester2_cutoff: tuple[int, int]  # (month, day) in the following calendar year: LA-6
    deregistration_policy: DeregistrationPolicy  # LA-7 / LA-8
    generation_change_refund_share: Fraction  # LA-8: share of S1 credits given back
    insufficient_balance_policy: InsufficientBalancePolicy  # LA-14
    master_never_refused: bool  # LA-14 / UH 1.3.3

    # Enrolment (EN-1 .. EN-10)
    min_credits_per_year: int  # EN-3 / UH 4.3.1
    max_credits_per_year: int  # EN-3 / UH 4.3.2
    first_bachelor_full_programme: bool  # EN-2 / UH 2.2
    programme_request_deadline_days: int | None  # EN-5, in calendar days after enrolment
    programme_request_deadline_months: int | None  # EN-5, in calendar months after enrolment
    year_long_unit_deregistration: tuple[int, int] | None  # EN-6: (month, day), year-long units
    exam_contract_closes_days_before_exams: int  # EN-4 / UH 2.1.4
    # UH 2.6.1 / PXL Art. 47 §2: enrolling again in a programme whose degree the student holds takes at least
    # this many credits of course units.
    second_enrolment_min_credits: int = 30
    # EN-5: no contract is deregistered for a missing study programme before this day ((month, day) in the
    # calendar year the academic year starts): UH 4.1.1 asks for the programme "before 1 October". None: the
    # academic year's first day (PXL Art. 27 §2 extends the term of summer enrolments to the start of the year).
    programme_request_by: tuple[int, int] | None = None
    # EN-5: UH 4.1.1 "will be deregistered" (the sweep deregisters); PXL Art. 23 §2 "may officially de-enrol"
    # (the sweep only flags the contract for staff).
    missing_programme_deregisters: bool = True
    # EN-10 / UH 4.6.3: the special-circumstances application dates, (month, day) in academic-year order; () where
    # the institution has no fixed dates (PXL Art. 35: within 30 days of the enrolment).
    special_circumstances_dates: tuple[tuple[int, int], ...] = ()
    # EN-10: how many calendar days before each date the enrolled students are reminded (an EEL Office setting,
    # not an article: two weeks leave time to gather the certificates).
    special_circumstances_reminder_days: int = 14

    # Deliberation (DL-1 .. DL-8); None where the institution's text has none (PXL: pxl-rules.md §0.3)
    deliberation: "DeliberationRules | None" = None
    # Irregularities (IR-1, IR-5); None where the institution's text has no procedure (PXL: pxl-rules.md §0.3)
    irregularity: "IrregularityRules | None" = None
    # Results (EX-2, EX-3, EX-7, EX-10, EN-9); None where the institution's text has none (PXL: §0.3)
    results: "ResultRules | None" = None
    # Examination committee (EC-1, EC-3, EX-9)
    committee: CommitteeRules = CommitteeRules()
    # Internal appeals committee (AP-5 .. AP-8)
    appeals_committee: AppealsCommitteeRules = AppealsCommitteeRules()

    @property
    def label(self) -> str:
        return f"{self.institution} {self.academic_year}"
