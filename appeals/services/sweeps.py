"""PLACEHOLDER module: deadline sweeps, filled in this session."""

from config.sweeps import SweepResult


def close_appeal_windows(as_of):  # PLACEHOLDER
    return SweepResult()


def upcoming_appeal_windows(start, end):  # PLACEHOLDER
    return []


def refuse_late_invitations(as_of):  # PLACEHOLDER
    return SweepResult()


def upcoming_hearings(start, end):  # PLACEHOLDER
    return []


def flag_decision_deadlines(as_of):  # PLACEHOLDER
    return SweepResult()


def upcoming_decision_deadlines(start, end):  # PLACEHOLDER
    return []
