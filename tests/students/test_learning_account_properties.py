"""Property tests of the learning-account engine (LA-5, LA-15) over generated AccountFacts."""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from students import rules
from tests.students.builders import pxl_year, stored_from, uh_year

SETTINGS = settings(max_examples=200, deadline=None)

PROGRAMME_KINDS = ["bachelor", "bachelor", "bachelor", "master", "master", "bridging", "associate", "postgraduate"]
CONTRACT_KINDS = ["diploma", "diploma", "diploma", "credit", "exam"]


def day_in(draw, start: date, end: date) -> date:
    return start + timedelta(days=draw(st.integers(0, (end - start).days)))


@st.composite
def account_facts(draw) -> rules.AccountFacts:
    """A career of up to four years under one preset: contracts with lines added, removed, passed and failed,
    deregistrations, degrees and sometimes an opening position from the register."""
    make_year = draw(st.sampled_from([uh_year, pxl_year]))
    first = 2026 if make_year is uh_year else 2018
    years = tuple(make_year(first + i) for i in range(draw(st.integers(1, 4))))
    contracts = []
    line_no = 0
    for c_no in range(draw(st.integers(0, 4))):
        year = draw(st.sampled_from(years))
        enrolled_on = day_in(draw, year.starts_on - timedelta(days=60), year.starts_on + timedelta(days=60))
        dereg = draw(st.none() | st.just(True))
        deregistered_on = day_in(draw, enrolled_on, year.ends_on) if dereg else None
        lines = []
        for _ in range(draw(st.integers(0, 5))):
            line_no += 1
            added_on = enrolled_on if draw(st.booleans()) else day_in(draw, enrolled_on, year.ends_on)
            removed_on = day_in(draw, added_on, year.ends_on) if draw(st.integers(0, 3)) == 0 else None
            published = draw(st.sampled_from([date(year.starts_on.year + 1, 2, 12), date(year.starts_on.year + 1, 7, 9),
                                              date(year.starts_on.year + 1, 9, 10)]))
            outcome = draw(st.sampled_from(["pass", "pass", "fail", "none"]))
            lines.append(rules.LineFacts(
                key=f"L{line_no}", unit_code=f"U{draw(st.integers(1, 8))}", credits=draw(st.integers(1, 15)),
                semester=draw(st.integers(1, 2)), added_on=added_on, removed_on=removed_on,
                exempted=draw(st.integers(0, 5)) == 0,
                limit_date=draw(st.none() | st.just(day_in(draw, year.starts_on, year.ends_on))),
                certificate_on=published if outcome == "pass" else None,
                failed_exam_on=published if outcome == "fail" else None,
                examined_on=published - timedelta(days=30) if outcome != "none" else None,
            ))
        contracts.append(rules.ContractFacts(
            key=f"C{c_no}", year=year.code, programme_code="P", programme_kind=draw(st.sampled_from(PROGRAMME_KINDS)),
            kind=draw(st.sampled_from(CONTRACT_KINDS)), enrolled_on=enrolled_on, lines=tuple(lines),
            deregistered_on=deregistered_on,
            deregistration_reason=draw(st.sampled_from(["withdrawal", "programme_change"])) if dereg else "",
            generation_student=draw(st.booleans()), educational=draw(st.integers(0, 5)) == 0,
        ))
    degrees = tuple(
        rules.DegreeFacts(f"D{i}", draw(st.sampled_from(["bachelor", "master"])),
                          day_in(draw, years[0].starts_on, years[-1].ends_on))
        for i in range(draw(st.integers(0, 2)))
    )
    register = None
    if draw(st.booleans()):
        register = rules.RegisterOpening(
            balance=draw(st.integers(-40, 200)), as_of=day_in(draw, years[0].starts_on - timedelta(days=30),
                                                              years[-1].ends_on),
            bonus_used=draw(st.integers(0, 60)), master_obtained=draw(st.booleans()))
    return rules.AccountFacts(years, tuple(contracts), degrees, register)


def write(expected, stored):
    return list(stored) + stored_from(rules.reconcile(expected, stored))


def net_per_cause(rows) -> dict[str, int]:
    net: dict[str, int] = defaultdict(int)
    for r in rows:
        net[r.cause] += r.credits
    return {c: v for c, v in net.items() if v}


def net_per_cause_and_day(rows) -> dict[tuple[str, date], int]:
    net: dict[tuple[str, date], int] = defaultdict(int)
    for r in rows:
        net[(r.cause, r.on)] += r.credits
    return {k: v for k, v in net.items() if v}


def interesting_days(*ledgers) -> list[date]:
    days = {m.on for ledger in ledgers for m in ledger}
    return sorted(days | {d - timedelta(days=1) for d in days} | {date(2000, 1, 1), date(2099, 1, 1)})


@SETTINGS
@given(account_facts(), st.dates(date(2017, 1, 1), date(2032, 12, 31)))
def test_la15_balance_at_any_date_is_the_sum_of_movements_up_to_that_date(facts, some_day):
    expected = rules.expected_movements(facts)
    stored = write(expected, [])
    for d in interesting_days(expected) + [some_day]:
        total = sum(m.credits for m in expected if m.on <= d)
        assert rules.balance_on(expected, d) == total
        assert rules.balance_on(stored, d) == total
    # A running balance over the movements in statement order ends at the balance.
    running = 0
    for m in sorted(expected, key=rules.movement_order):
        running += m.credits
    assert running == rules.balance_on(expected, date.max)


@SETTINGS
@given(account_facts())
def test_la5_bonus_over_a_career_never_exceeds_60_minus_what_the_register_says_was_used(facts):
    movements = rules.expected_movements(facts)
    used = facts.register.bonus_used if facts.register else 0
    bonuses = [m for m in movements if m.kind == "bonus"]
    assert sum(m.credits for m in bonuses) <= 60 - used
    restored = {m.cause.split(":", 1)[1]: m.credits for m in movements if m.kind == "restitution"}
    for b in bonuses:
        assert 0 < b.credits <= restored[b.cause.split(":", 1)[1]]


@SETTINGS
@given(account_facts())
def test_la15_reconcile_is_idempotent_and_stored_net_per_cause_equals_expected(facts):
    expected = rules.expected_movements(facts)
    stored = write(expected, [])
    assert rules.reconcile(expected, stored) == []
    assert net_per_cause(stored) == {m.cause: m.credits for m in expected}


@SETTINGS
@given(account_facts(), account_facts())
def test_la15_reconcile_follows_changed_facts_by_appending_only(before, after):
    # Keys are numbered the same way in both draws, so causes overlap: results appear and vanish, dates move,
    # amounts change, contracts disappear.
    old = rules.expected_movements(before)
    stored = write(old, [])
    new = rules.expected_movements(after)
    rows = rules.reconcile(new, stored)
    ledger = stored + stored_from(rows)
    assert all(r.credits != 0 for r in rows)
    # (cause, revision) stays unique: the database's constraint movement_unique_cause_revision.
    assert max(Counter((s.cause, s.revision) for s in ledger).values(), default=1) == 1
    assert net_per_cause(ledger) == {m.cause: m.credits for m in new}
    assert net_per_cause_and_day(ledger) == net_per_cause_and_day(new)
    for d in interesting_days(ledger, new):
        assert rules.balance_on(ledger, d) == rules.balance_on(new, d)
    assert rules.reconcile(new, ledger) == []
    # Going back to the first facts works the same way.
    back = ledger + stored_from(rules.reconcile(old, ledger))
    assert net_per_cause_and_day(back) == net_per_cause_and_day(old)
    assert rules.reconcile(old, back) == []


@SETTINGS
@given(account_facts())
def test_la15_expected_movements_are_deterministic(facts):
    first = rules.expected_movements(facts)
    assert rules.expected_movements(facts) == first
    shuffled = dataclasses.replace(
        facts, years=tuple(reversed(facts.years)), contracts=tuple(reversed(facts.contracts)),
        degrees=tuple(reversed(facts.degrees)),
    )
    assert rules.expected_movements(shuffled) == first
    assert all(m.credits != 0 for m in first)
    assert len({m.cause for m in first}) == len(first)
    assert [rules.movement_order(m) for m in first] == sorted(rules.movement_order(m) for m in first)
