"""PLACEHOLDER module: deadline sweeps, filled in this session."""

from config.sweeps import SweepResult


def deregister_without_programme(as_of):  # PLACEHOLDER
    return SweepResult()


def upcoming_without_programme(start, end):  # PLACEHOLDER
    return []


def close_year_long_deregistration(as_of):  # PLACEHOLDER
    return SweepResult()


def upcoming_year_long_deregistration(start, end):  # PLACEHOLDER
    return []


def remind_special_circumstances(as_of):  # PLACEHOLDER
    return SweepResult()


def upcoming_special_circumstances(start, end):  # PLACEHOLDER
    return []
